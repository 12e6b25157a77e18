namespace Libp2p.Noise;

/// <summary>
/// A secured connection broke after the handshake: a frame failed authentication, was shorter than its tag or
/// cut off by EOF, or the nonce space ran out. The underlying connection has been aborted.
/// </summary>
public sealed class NoiseTransportException(string message, Exception? inner = null)
    : Libp2pException(Libp2pError.SecureChannelFailed, message, inner);
