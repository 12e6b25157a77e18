using Libp2p.Core;

namespace Libp2p.Host;

/// <summary>What a protocol handler receives: the negotiated stream and the connection it belongs to.</summary>
public sealed record StreamContext(Connection Connection, IDuplexStream Stream, string Protocol);

/// <summary>Serves one inbound stream; the host disposes the stream when the returned task ends.</summary>
public delegate Task StreamHandler(StreamContext context, CancellationToken cancellationToken);
