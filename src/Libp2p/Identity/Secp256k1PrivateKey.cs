using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;

namespace Libp2p.Identity;

/// <summary>A secp256k1 private key. Data is the 32-byte big-endian scalar; signatures are DER, low-s, over SHA-256.</summary>
public sealed class Secp256k1PrivateKey : PrivateKey
{
    /// <summary>Length of a secp256k1 private key in bytes.</summary>
    public const int Length = 32;

    private readonly ECPrivateKeyParameters _parameters;
    private readonly byte[] _data;
    private readonly Secp256k1PublicKey _publicKey;

    private Secp256k1PrivateKey(ECPrivateKeyParameters parameters)
    {
        _parameters = parameters;
        _data = EcCurves.ScalarBytes(EcCurves.Secp256k1, parameters.D);
        _publicKey = new Secp256k1PublicKey(EcCurves.PublicFromPrivate(parameters));
    }

    /// <inheritdoc/>
    public override KeyType Type => KeyType.Secp256k1;
    /// <inheritdoc/>
    public override PublicKey PublicKey => _publicKey;
    /// <inheritdoc/>
    public override ReadOnlySpan<byte> Data => _data;

    /// <summary>A fresh random key.</summary>
    public static Secp256k1PrivateKey Generate()
    {
        var generator = new ECKeyPairGenerator();
        generator.Init(new ECKeyGenerationParameters(EcCurves.Secp256k1, new SecureRandom()));
        return new Secp256k1PrivateKey((ECPrivateKeyParameters)generator.GenerateKeyPair().Private);
    }

    /// <exception cref="KeyFormatException">Not 32 bytes, or zero / not below the group order.</exception>
    public static Secp256k1PrivateKey FromData(ReadOnlySpan<byte> data)
    {
        if (data.Length != Length)
            throw new KeyFormatException($"secp256k1 private key must be {Length} bytes, got {data.Length}.");
        var d = EcCurves.Scalar(EcCurves.Secp256k1, data, "secp256k1 private key");
        return new Secp256k1PrivateKey(new ECPrivateKeyParameters(d, EcCurves.Secp256k1));
    }

    /// <inheritdoc/>
    public override byte[] Sign(ReadOnlySpan<byte> data) => EcdsaSignatures.Sign(_parameters, data, lowS: true);
}
