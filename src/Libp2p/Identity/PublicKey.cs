namespace Libp2p.Identity;

/// <summary>A libp2p public key. Contract used by Noise, identify and the host; implemented per key type.</summary>
public abstract class PublicKey : IEquatable<PublicKey>
{
    /// <summary>The key's algorithm.</summary>
    public abstract KeyType Type { get; }

    /// <summary>The key bytes carried in the protobuf <c>Data</c> field (type-specific encoding).</summary>
    public abstract ReadOnlySpan<byte> Data { get; }

    /// <summary>Verifies a signature made by the matching private key over <paramref name="data"/>.</summary>
    public abstract bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature);

    /// <summary>The deterministic libp2p protobuf encoding (<c>PublicKey { Type, Data }</c>).</summary>
    public byte[] ToProtobuf() => KeyProtobuf.Encode(Type, Data);

    /// <summary>Decodes a libp2p protobuf public key.</summary>
    /// <exception cref="KeyFormatException">Malformed, unknown type or invalid key.</exception>
    public static PublicKey FromProtobuf(ReadOnlySpan<byte> encoded) => KeyFactory.PublicKeyFromProtobuf(encoded);

    /// <summary>The peer id of this key.</summary>
    public PeerId ToPeerId() => PeerId.FromPublicKeyProtobuf(ToProtobuf());

    /// <summary>True when both keys have the same type and bytes.</summary>
    public bool Equals(PublicKey? other) => other is not null && other.Type == Type && other.Data.SequenceEqual(Data);
    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as PublicKey);
    /// <inheritdoc/>
    public override int GetHashCode() { var h = new HashCode(); h.Add(Type); h.AddBytes(Data); return h.ToHashCode(); }
}
