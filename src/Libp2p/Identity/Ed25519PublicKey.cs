using Libp2p.Crypto;

namespace Libp2p.Identity;

/// <summary>An Ed25519 public key: Data is the 32-byte RFC 8032 encoding; signatures are plain Ed25519 (64 bytes).</summary>
/// <remarks>Verification goes through <see cref="CryptoProvider.Default"/> (libcrypto natively, BouncyCastle in Wasm).</remarks>
public sealed class Ed25519PublicKey : PublicKey
{
    /// <summary>Length of an Ed25519 public key in bytes.</summary>
    public const int Length = 32;
    /// <summary>Length of an Ed25519 signature in bytes.</summary>
    public const int SignatureLength = 64;

    private readonly byte[] _raw;
    private Ed25519Verifier? _verifier; // made when parsed (that checks the point), or on first use for our own key

    private Ed25519PublicKey(byte[] raw, Ed25519Verifier? verifier)
    {
        _raw = raw;
        _verifier = verifier;
    }

    /// <summary>Our own key, derived from a seed: a valid point by construction, so its verifier is made only if used.</summary>
    internal Ed25519PublicKey(byte[] raw) : this(raw, null) { }

    /// <inheritdoc/>
    public override KeyType Type => KeyType.Ed25519;

    /// <inheritdoc/>
    public override ReadOnlySpan<byte> Data => _raw;

    /// <summary>Parses the 32-byte public key.</summary>
    /// <exception cref="KeyFormatException">Wrong length or not a point on the curve.</exception>
    public static Ed25519PublicKey FromBytes(ReadOnlySpan<byte> raw)
    {
        if (raw.Length != Length)
            throw new KeyFormatException($"Ed25519 public key must be {Length} bytes, got {raw.Length}.");
        Ed25519Verifier verifier;
        // The provider decodes the point here and rejects encodings that are not on the curve.
        try { verifier = CryptoProvider.Default.CreateEd25519Verifier(raw); }
        catch (ArgumentException e) { throw new KeyFormatException("Ed25519 public key is not a valid curve point.", e); }
        return new Ed25519PublicKey(raw.ToArray(), verifier);
    }

    /// <inheritdoc/>
    public override bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != SignatureLength) return false;
        var verifier = _verifier ??= CryptoProvider.Default.CreateEd25519Verifier(_raw);
        return verifier.Verify(data, signature);
    }
}
