namespace Libp2p.Noise;

/// <summary>
/// The Noise handshake failed: a message did not decrypt, was malformed or truncated, the identity payload was
/// invalid or its signature did not verify, no common muxer, or the connection closed mid-handshake.
/// </summary>
public sealed class NoiseHandshakeException(string message, Exception? inner = null)
    : Libp2pException(Libp2pError.SecurityHandshakeFailed, message, inner);
