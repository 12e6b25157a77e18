namespace Libp2p;

/// <summary>
/// What went wrong, for callers that branch on a failure (retry, try another address, report to the user) rather
/// than on an exception type or a message. Carried by <see cref="Libp2pException.Libp2pError"/>, in the spirit of
/// System.Net.Quic's <c>QuicError</c>. The values are stable: new cases are added at the end.
/// </summary>
public enum Libp2pError
{
    /// <summary>None of the cases below; the message and the inner exception say what happened.</summary>
    Other = 0,

    /// <summary>Malformed multiaddr text or bytes.</summary>
    InvalidMultiaddr = 1,
    /// <summary>Malformed unsigned varint (too long, not minimal, truncated).</summary>
    InvalidVarint = 2,
    /// <summary>A key or its protobuf encoding is malformed, of an unknown type, or not a valid point or modulus.</summary>
    InvalidKey = 3,

    /// <summary>The transport does not serve this address (another transport may): other protocols, port 0, unspecified IP.</summary>
    AddressNotSupported = 4,
    /// <summary>The host or the operating system denied the network (WASI <c>access-denied</c>, a firewall, a privileged port).</summary>
    AccessDenied = 5,
    /// <summary>Nothing listens at the dialed address.</summary>
    ConnectionRefused = 6,
    /// <summary>No route to the host or its network.</summary>
    HostUnreachable = 7,
    /// <summary>A DNS name did not resolve, or to no address of the wanted family.</summary>
    NameResolutionFailed = 8,
    /// <summary>The local address is taken.</summary>
    AddressInUse = 9,
    /// <summary>No local interface has the address to listen on.</summary>
    AddressNotAvailable = 10,
    /// <summary>The peer reset or aborted an established connection.</summary>
    ConnectionReset = 11,
    /// <summary>The connection was aborted or closed locally; operations after that fail with this.</summary>
    ConnectionAborted = 12,
    /// <summary>Any other transport failure (the inner exception carries the platform's code).</summary>
    TransportError = 13,

    /// <summary>
    /// An operation took longer than its deadline (dial, upgrade, negotiation, connect). The inner exception is a
    /// <see cref="TimeoutException"/> where the stack's own deadline expired.
    /// </summary>
    Timeout = 14,

    /// <summary>The security handshake (Noise) failed: bad message, invalid identity, no common muxer, cut short.</summary>
    SecurityHandshakeFailed = 15,
    /// <summary>The remote proved an identity other than the expected peer id.</summary>
    PeerIdMismatch = 16,
    /// <summary>The secured channel broke after the handshake (a frame failed authentication, nonces ran out).</summary>
    SecureChannelFailed = 17,

    /// <summary>multistream-select failed: a protocol violation, an oversized message, the stream ended mid-way.</summary>
    ProtocolNegotiationFailed = 18,
    /// <summary>The remote supports none of the protocols proposed.</summary>
    ProtocolNotSupported = 19,

    /// <summary>The peer broke the stream multiplexer's protocol (Yamux).</summary>
    MuxerProtocolViolation = 20,
    /// <summary>The multiplexed session is closed or going away: no new streams, live streams cannot continue.</summary>
    SessionClosed = 21,
    /// <summary>The stream was reset, by the peer or locally.</summary>
    StreamReset = 22,

    /// <summary>The remote broke an application protocol (ping, identify, perf): a wrong echo, a malformed or oversized message.</summary>
    ProtocolViolation = 23,

    /// <summary>A WASI host returned a value that breaks the canonical ABI (a trap in a real component).</summary>
    HostAbiViolation = 24,

    /// <summary>A limit refused the request (connections, streams, memory: the resource manager's scopes).</summary>
    ResourceLimitExceeded = 25,
}
