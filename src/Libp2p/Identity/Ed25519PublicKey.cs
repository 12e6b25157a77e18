using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math.EC.Rfc8032;

namespace Libp2p.Identity;

/// <summary>An Ed25519 public key: Data is the 32-byte RFC 8032 encoding; signatures are plain Ed25519 (64 bytes).</summary>
public sealed class Ed25519PublicKey : PublicKey
{
    public const int Length = 32;
    public const int SignatureLength = 64;

    private readonly byte[] _raw;
    private readonly Ed25519PublicKeyParameters _parameters;

    private Ed25519PublicKey(byte[] raw, Ed25519PublicKeyParameters parameters)
    {
        _raw = raw;
        _parameters = parameters;
    }

    internal Ed25519PublicKey(Ed25519PublicKeyParameters parameters) : this(parameters.GetEncoded(), parameters) { }

    public override KeyType Type => KeyType.Ed25519;

    public override ReadOnlySpan<byte> Data => _raw;

    /// <summary>Parses the 32-byte public key.</summary>
    /// <exception cref="KeyFormatException">Wrong length or not a point on the curve.</exception>
    public static Ed25519PublicKey FromBytes(ReadOnlySpan<byte> raw)
    {
        if (raw.Length != Length)
            throw new KeyFormatException($"Ed25519 public key must be {Length} bytes, got {raw.Length}.");
        Ed25519PublicKeyParameters parameters;
        // BouncyCastle decodes the point here and rejects encodings that are not on the curve.
        try { parameters = new Ed25519PublicKeyParameters(raw); }
        catch (ArgumentException e) { throw new KeyFormatException("Ed25519 public key is not a valid curve point.", e); }
        return new Ed25519PublicKey(raw.ToArray(), parameters);
    }

    public override bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != SignatureLength) return false;
        return _parameters.Verify(Ed25519.Algorithm.Ed25519, null, data, signature);
    }
}
