namespace Libp2p.Identity;

/// <summary>Dispatches the protobuf key envelope to the per-type parsers, and key generation by type.</summary>
internal static class KeyFactory
{
    public static PublicKey PublicKeyFromProtobuf(ReadOnlySpan<byte> encoded)
    {
        var type = KeyProtobuf.Decode(encoded, out var data);
        return type switch
        {
            KeyType.Ed25519 => Ed25519PublicKey.FromBytes(data),
            KeyType.Secp256k1 => Secp256k1PublicKey.FromBytes(data),
            KeyType.Ecdsa => EcdsaPublicKey.FromSpki(data),
            KeyType.Rsa => RsaPublicKey.FromPkix(data),
            _ => throw new KeyFormatException($"Key type {type} is not supported."),
        };
    }

    public static PrivateKey PrivateKeyFromProtobuf(ReadOnlySpan<byte> encoded)
    {
        var type = KeyProtobuf.Decode(encoded, out var data);
        return type switch
        {
            KeyType.Ed25519 => Ed25519PrivateKey.FromData(data),
            KeyType.Secp256k1 => Secp256k1PrivateKey.FromData(data),
            KeyType.Ecdsa => EcdsaPrivateKey.FromSec1(data),
            KeyType.Rsa => RsaPrivateKey.FromPkcs1(data),
            _ => throw new KeyFormatException($"Key type {type} is not supported."),
        };
    }

    public static PrivateKey Generate(KeyType type) => type switch
    {
        KeyType.Ed25519 => Ed25519PrivateKey.Generate(),
        KeyType.Secp256k1 => Secp256k1PrivateKey.Generate(),
        KeyType.Ecdsa => EcdsaPrivateKey.Generate(),
        KeyType.Rsa => RsaPrivateKey.Generate(),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown key type."),
    };
}
