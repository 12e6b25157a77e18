using Libp2p.Multiformats;

namespace Libp2p.Protocols.Identify;

/// <summary>
/// The content of an identify message. An empty string or empty <see cref="PublicKey"/> means the
/// field was absent (a push may carry only what changed). <see cref="PublicKey"/> is the libp2p
/// protobuf key encoding; it is passed through unchecked — the host must match it against the
/// peer id proven by the secure channel. <see cref="SignedPeerRecord"/> is the raw signed envelope.
/// </summary>
public sealed record IdentifyInfo(
    string ProtocolVersion,
    string AgentVersion,
    byte[] PublicKey,
    IReadOnlyList<Multiaddr> ListenAddresses,
    Multiaddr? ObservedAddress,
    IReadOnlyList<string> Protocols,
    byte[]? SignedPeerRecord = null);
