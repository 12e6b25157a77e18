namespace Libp2p.Identity;

/// <summary>Dispatches the protobuf key envelope to the per-type parsers, and key generation by type.</summary>
internal static class KeyFactory
{
    public static PublicKey PublicKeyFromProtobuf(ReadOnlySpan<byte> encoded)
    {
        var type = KeyProtobuf.Decode(encoded, out var data);
        return PublicKeyFromData(type, data);
    }

    public static PublicKey PublicKeyFromData(KeyType type, ReadOnlySpan<byte> data) => type switch
    {
        KeyType.Ed25519 => Ed25519PublicKey.FromBytes(data),
        _ => throw new KeyFormatException($"Key type {type} is not supported."),
    };

    public static PrivateKey PrivateKeyFromProtobuf(ReadOnlySpan<byte> encoded)
    {
        var type = KeyProtobuf.Decode(encoded, out var data);
        return type switch
        {
            KeyType.Ed25519 => Ed25519PrivateKey.FromData(data),
            _ => throw new KeyFormatException($"Key type {type} is not supported."),
        };
    }

    public static PrivateKey Generate(KeyType type) => type switch
    {
        KeyType.Ed25519 => Ed25519PrivateKey.Generate(),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown key type."),
    };
}
