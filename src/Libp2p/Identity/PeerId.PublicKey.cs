namespace Libp2p.Identity;

public sealed partial class PeerId
{
    /// <summary>Peer id of <paramref name="publicKey"/> (same as <see cref="PublicKey.ToPeerId"/>).</summary>
    public static PeerId FromPublicKey(PublicKey publicKey)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        return FromPublicKeyProtobuf(publicKey.ToProtobuf());
    }

    /// <summary>
    /// The public key inlined in an identity-multihash peer id (Ed25519, secp256k1), or null when the id is a
    /// SHA-256 hash or the inlined bytes are not a canonical key protobuf of a supported type.
    /// </summary>
    public PublicKey? TryGetPublicKey()
    {
        if (!HasInlinePublicKey) return null;
        PublicKey key;
        try { key = PublicKey.FromProtobuf(InlinePublicKeyBytes); }
        catch (KeyFormatException) { return null; }
        // Only a key whose canonical encoding is exactly the inlined bytes is this id's key.
        return key.ToProtobuf().AsSpan().SequenceEqual(InlinePublicKeyBytes) ? key : null;
    }

    /// <summary>True when <paramref name="publicKey"/> is the key this peer id was derived from.</summary>
    public bool Matches(PublicKey publicKey)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        return FromPublicKey(publicKey).Equals(this);
    }
}
