using Libp2p.Core;
using Libp2p.Host.Resources;

namespace Libp2p.Host;

/// <summary>What a protocol handler receives: the negotiated stream and the connection it belongs to.</summary>
public sealed record StreamContext(Connection Connection, IDuplexStream Stream, string Protocol)
{
    /// <summary>
    /// The stream's resource scope: memory a handler buffers on the peer's behalf is reserved here first (charged to the
    /// stream, its protocol, connection, peer, address and the node) and released when it drains.
    /// </summary>
    public IResourceScope Resources { get; init; } = Connection.Resources;
}

/// <summary>A stream the host hands out (outbound from <see cref="Connection.OpenStreamAsync(string, CancellationToken)"/>, or a handler's): its resource scope.</summary>
public interface IScopedStream : IDuplexStream
{
    /// <summary>Where memory buffered for this stream is reserved (see <see cref="StreamContext.Resources"/>).</summary>
    IResourceScope Resources { get; }
}

/// <summary>Serves one inbound stream; the host disposes the stream when the returned task ends.</summary>
public delegate Task StreamHandler(StreamContext context, CancellationToken cancellationToken);
