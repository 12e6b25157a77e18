namespace Libp2p.Crypto;

/// <summary>
/// An Ed25519 private key (RFC 8032) from a <see cref="CryptoProvider"/>, expanded once: signing reuses it.
/// Safe for concurrent use (each signature is independent).
/// </summary>
internal abstract class Ed25519Signer
{
    public const int SeedLength = 32;
    public const int PublicKeyLength = 32;
    public const int SignatureLength = 64;

    private readonly byte[] _publicKey = new byte[PublicKeyLength];

    /// <summary>The 32-byte public key that belongs to the seed.</summary>
    public ReadOnlySpan<byte> PublicKey => _publicKey;

    /// <summary>For implementations: the public key to fill in once, at construction.</summary>
    protected Span<byte> PublicKeyDestination => _publicKey;

    /// <summary>Writes the 64-byte signature of <paramref name="data"/> (pure Ed25519, no context) to <paramref name="signature"/>.</summary>
    public abstract void Sign(ReadOnlySpan<byte> data, Span<byte> signature);
}

/// <summary>
/// An Ed25519 public key (RFC 8032) from a <see cref="CryptoProvider"/>, checked to be a point on the curve when made.
/// Safe for concurrent use.
/// </summary>
internal abstract class Ed25519Verifier
{
    /// <summary>True when <paramref name="signature"/> is a valid pure-Ed25519 signature of <paramref name="data"/>.</summary>
    public abstract bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature);
}
