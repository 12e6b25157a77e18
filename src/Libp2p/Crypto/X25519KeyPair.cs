namespace Libp2p.Crypto;

/// <summary>
/// An X25519 key pair (RFC 7748) from a <see cref="CryptoProvider"/>: the public point, and Diffie-Hellman with the
/// private scalar, which stays inside (a native key object natively, so each agreement skips re-importing it).
/// Dispose when done: the native forms free the key and the managed form zeroes it.
/// </summary>
internal abstract class X25519KeyPair : IDisposable
{
    private readonly byte[] _publicKey = new byte[CryptoProvider.X25519KeySize];

    /// <summary>The 32-byte public key (u-coordinate).</summary>
    public ReadOnlySpan<byte> PublicKey => _publicKey;

    /// <summary>For implementations: the public key to fill in once, at construction.</summary>
    protected Span<byte> PublicKeyDestination => _publicKey;

    /// <summary>
    /// X25519 Diffie-Hellman with <paramref name="peerPublicKey"/> (32 bytes) into <paramref name="sharedSecret"/> (32 bytes).
    /// Returns false when the result is all zeros (a low-order peer point), which Noise lets us refuse and we always do.
    /// </summary>
    public abstract bool TryAgree(ReadOnlySpan<byte> peerPublicKey, Span<byte> sharedSecret);

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected abstract void Dispose(bool disposing);

    protected static void CheckAgreeArguments(ReadOnlySpan<byte> peerPublicKey, Span<byte> sharedSecret)
    {
        if (peerPublicKey.Length != CryptoProvider.X25519KeySize) throw new ArgumentException("X25519 public keys are 32 bytes.", nameof(peerPublicKey));
        if (sharedSecret.Length < CryptoProvider.X25519KeySize) throw new ArgumentException("X25519 shared secrets are 32 bytes.", nameof(sharedSecret));
    }
}
