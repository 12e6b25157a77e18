namespace Libp2p.Identity;

/// <summary>A libp2p private key. Contract used by Noise, the host and the CLI; implemented per key type.</summary>
public abstract class PrivateKey
{
    /// <summary>The key's algorithm.</summary>
    public abstract KeyType Type { get; }

    /// <summary>The matching public key.</summary>
    public abstract PublicKey PublicKey { get; }

    /// <summary>The key bytes carried in the protobuf <c>Data</c> field (type-specific encoding).</summary>
    public abstract ReadOnlySpan<byte> Data { get; }

    /// <summary>Signs <paramref name="data"/> as the libp2p spec defines for this key type.</summary>
    public abstract byte[] Sign(ReadOnlySpan<byte> data);

    /// <summary>The libp2p protobuf encoding (<c>PrivateKey { Type, Data }</c>), as js-libp2p's privateKeyToProtobuf writes it.</summary>
    public byte[] ToProtobuf() => KeyProtobuf.Encode(Type, Data);

    /// <exception cref="KeyFormatException">Malformed, unknown type or invalid key.</exception>
    public static PrivateKey FromProtobuf(ReadOnlySpan<byte> encoded) => KeyFactory.PrivateKeyFromProtobuf(encoded);

    /// <summary>Generates a new key; Ed25519 is the default.</summary>
    public static PrivateKey Generate(KeyType type = KeyType.Ed25519) => KeyFactory.Generate(type);

    /// <summary>The peer id of this key (of its public key).</summary>
    public PeerId ToPeerId() => PublicKey.ToPeerId();
}
