using Libp2p.Core;
using Libp2p.Multiformats;

namespace Libp2p.Transports;

/// <summary>A connection as a transport produces it, before security and multiplexing.</summary>
public interface IRawConnection : IDuplexStream
{
    /// <summary>The local address of this connection (real port).</summary>
    Multiaddr LocalAddress { get; }

    /// <summary>The real remote address (the peer's IP and port).</summary>
    Multiaddr RemoteAddress { get; }
}
