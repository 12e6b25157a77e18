using Org.BouncyCastle.Crypto.Parameters;

namespace Libp2p.Identity;

/// <summary>
/// A secp256k1 public key. Data is the 33-byte compressed SEC1 point ("standard Bitcoin encoding").
/// The 65-byte uncompressed form is accepted on input, as go, rust and js-libp2p do, and re-encoded compressed
/// (so the peer id is the one every implementation derives).
/// </summary>
public sealed class Secp256k1PublicKey : PublicKey
{
    /// <summary>Length of a compressed secp256k1 public key in bytes (the libp2p encoding).</summary>
    public const int CompressedLength = 33;

    private readonly byte[] _compressed;
    internal ECPublicKeyParameters Parameters { get; }

    internal Secp256k1PublicKey(ECPublicKeyParameters parameters)
    {
        Parameters = parameters;
        _compressed = parameters.Q.GetEncoded(compressed: true);
    }

    /// <inheritdoc/>
    public override KeyType Type => KeyType.Secp256k1;

    /// <inheritdoc/>
    public override ReadOnlySpan<byte> Data => _compressed;

    /// <exception cref="KeyFormatException">Not a compressed/uncompressed point on secp256k1.</exception>
    public static Secp256k1PublicKey FromBytes(ReadOnlySpan<byte> encoded)
    {
        var q = EcCurves.DecodePoint(EcCurves.Secp256k1, encoded, "secp256k1 public key");
        return new Secp256k1PublicKey(new ECPublicKeyParameters(q, EcCurves.Secp256k1));
    }

    /// <summary>Verifies a DER signature over SHA-256(<paramref name="data"/>); high-s signatures are accepted (as go does).</summary>
    public override bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        EcdsaSignatures.Verify(Parameters, data, signature);
}
