using Libp2p.Core;
using Libp2p.Multiformats;

namespace Libp2p.Daemon.Endpoints;

/// <summary>
/// Where the daemon meets its clients: it accepts control connections on one address and dials the addresses
/// clients register as stream handlers. Natively a TCP or unix socket; inside Wasm a wasi:sockets TCP socket.
/// </summary>
public interface IControlEndpoint : IAsyncDisposable
{
    /// <summary>The address clients reach the daemon at (the real port, never <c>/tcp/0</c>).</summary>
    Multiaddr Address { get; }

    /// <summary>The next control connection; null once the endpoint is closed.</summary>
    ValueTask<IDuplexStream?> AcceptAsync(CancellationToken cancellationToken);

    /// <summary>True when <see cref="DialAsync"/> can reach <paramref name="address"/> (a client's stream handler).</summary>
    bool CanDial(Multiaddr address);

    /// <summary>A connection to a client's stream-handler address.</summary>
    ValueTask<IDuplexStream> DialAsync(Multiaddr address, CancellationToken cancellationToken);
}
