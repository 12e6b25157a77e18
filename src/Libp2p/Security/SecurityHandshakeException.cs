namespace Libp2p.Security;

/// <summary>
/// A security handshake (TLS, plaintext) failed or its result is unusable: a certificate or key exchange was refused,
/// the remote broke the protocol, or the connection closed mid-handshake. <see cref="Protocol"/> names the protocol.
/// (Noise reports its failures as <see cref="Libp2p.Noise.NoiseHandshakeException"/>; a wrong peer id is always a
/// <see cref="Libp2p.Noise.PeerIdMismatchException"/>.)
/// </summary>
public class SecurityHandshakeException(string protocol, string message, Exception? inner = null)
    : Libp2pException(Libp2pError.SecurityHandshakeFailed, $"{protocol}: {message}", inner)
{
    /// <summary>The security protocol id, e.g. <c>/tls/1.0.0</c>.</summary>
    public string Protocol { get; } = protocol;
}
