using Libp2p.Identity;

namespace Libp2p.Tests.Identity;

/// <summary>libp2p/specs peer-ids test vectors: each private key yields the given public key, both re-encode
/// byte for byte, and the peer id is the one js-libp2p 5.1.23 computes (ECDSA: computed by hand, js has none).</summary>
public class SpecVectorTests
{
    public static TheoryData<KeyType, string, string, string> Vectors => new()
    {
        { KeyType.Ed25519, SpecTestVectors.Ed25519Private, SpecTestVectors.Ed25519Public, "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq" },
        { KeyType.Secp256k1, SpecTestVectors.Secp256k1Private, SpecTestVectors.Secp256k1Public, "16Uiu2HAmLhLvBoYaoZfaMUKuibM6ac163GwKY74c5kiSLg5KvLpY" },
        { KeyType.Ecdsa, SpecTestVectors.EcdsaPrivate, SpecTestVectors.EcdsaPublic, "QmVMT29id3TUASyfZZ6k9hmNyc2nYabCo4uMSpDw4zrgDk" },
        { KeyType.Rsa, SpecTestVectors.RsaPrivate, SpecTestVectors.RsaPublic, "QmaeANgBs1DTSxWSrPPtobgQuxW8XTfsS4ydbK4rCHzqxG" },
    };

    [Theory, MemberData(nameof(Vectors))]
    public void PrivateKeyVectorDerivesPublicKeyVectorAndPeerId(KeyType type, string privHex, string pubHex, string peerId)
    {
        var privBytes = Convert.FromHexString(privHex);
        var pubBytes = Convert.FromHexString(pubHex);

        var priv = PrivateKey.FromProtobuf(privBytes);
        Assert.Equal(type, priv.Type);
        Assert.Equal(privBytes, priv.ToProtobuf());
        Assert.Equal(pubBytes, priv.PublicKey.ToProtobuf());

        var pub = PublicKey.FromProtobuf(pubBytes);
        Assert.Equal(priv.PublicKey, pub);
        Assert.Equal(pubBytes, pub.ToProtobuf());

        Assert.Equal(peerId, priv.ToPeerId().ToString());
        Assert.Equal(peerId, pub.ToPeerId().ToString());
        Assert.Equal(PeerId.Parse(peerId), PeerId.FromPublicKey(pub));
    }

    [Theory, MemberData(nameof(Vectors))]
    public void VectorKeySignsAndVerifies(KeyType type, string privHex, string pubHex, string peerId)
    {
        _ = type; _ = peerId;
        var priv = PrivateKey.FromProtobuf(Convert.FromHexString(privHex));
        var pub = PublicKey.FromProtobuf(Convert.FromHexString(pubHex));
        var msg = "libp2p signed message"u8.ToArray();
        var sig = priv.Sign(msg);
        Assert.True(pub.Verify(msg, sig));
        Assert.False(pub.Verify("another message"u8, sig));
    }

    [Fact]
    public void InlineKeyPeerIdsGiveBackTheirPublicKeyAndHashedOnesDoNot()
    {
        var ed = PeerId.Parse("12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq");
        Assert.Equal(PublicKey.FromProtobuf(Convert.FromHexString(SpecTestVectors.Ed25519Public)), ed.TryGetPublicKey());
        var k1 = PeerId.Parse("16Uiu2HAmLhLvBoYaoZfaMUKuibM6ac163GwKY74c5kiSLg5KvLpY");
        Assert.Equal(PublicKey.FromProtobuf(Convert.FromHexString(SpecTestVectors.Secp256k1Public)), k1.TryGetPublicKey());
        Assert.Null(PeerId.Parse("QmaeANgBs1DTSxWSrPPtobgQuxW8XTfsS4ydbK4rCHzqxG").TryGetPublicKey());
    }

    [Fact]
    public void IdentityPeerIdWhoseInlineBytesAreNotAKeyHasNoPublicKey()
    {
        var garbage = new byte[] { 0x00, 0x05, 0x08, 0x01, 0x12, 0x01, 0x00 };
        Assert.Null(PeerId.FromBytes(garbage).TryGetPublicKey());
    }
}
