using Libp2p.Identity;

namespace Libp2p.Tests.Identity;

public class Ed25519KeyTests
{
    [Fact]
    public void GenerateSignVerifyRoundtrip()
    {
        var key = PrivateKey.Generate();
        Assert.Equal(KeyType.Ed25519, key.Type);
        Assert.Equal(64, key.Data.Length);
        Assert.Equal(32, key.PublicKey.Data.Length);
        var msg = "hello libp2p"u8.ToArray();
        var sig = key.Sign(msg);
        Assert.Equal(64, sig.Length);
        Assert.True(key.PublicKey.Verify(msg, sig));
        sig[5] ^= 1;
        Assert.False(key.PublicKey.Verify(msg, sig));
        Assert.False(key.PublicKey.Verify(msg, sig.AsSpan(0, 63)));
    }

    [Fact]
    public void ProtobufRoundtripOfPrivateAndPublicKeys()
    {
        var key = PrivateKey.Generate(KeyType.Ed25519);
        var priv = key.ToProtobuf();
        Assert.Equal(new byte[] { 0x08, 0x01, 0x12, 0x40 }, priv[..4]);
        var back = PrivateKey.FromProtobuf(priv);
        Assert.Equal(key.Data.ToArray(), back.Data.ToArray());
        Assert.Equal(key.PublicKey, back.PublicKey);

        var pub = key.PublicKey.ToProtobuf();
        Assert.Equal(36, pub.Length);
        Assert.Equal(key.PublicKey, PublicKey.FromProtobuf(pub));
        // Signatures from the reloaded key verify under the original public key.
        Assert.True(key.PublicKey.Verify("x"u8, back.Sign("x"u8)));
    }

    [Fact]
    public void PeerIdIsIdentityMultihashStarting12D3KooW()
    {
        var key = PrivateKey.Generate();
        var id = key.ToPeerId();
        Assert.True(id.HasInlinePublicKey);
        Assert.StartsWith("12D3KooW", id.ToString());
        Assert.Equal(key.PublicKey, id.TryGetPublicKey());
        Assert.True(id.Matches(key.PublicKey));
        Assert.False(id.Matches(PrivateKey.Generate().PublicKey));
    }

    [Fact]
    public void Legacy96BytePrivateKeyIsAcceptedWhenPublicHalvesMatch()
    {
        var key = Ed25519PrivateKey.FromSeed(new byte[32]);
        var legacy = key.Data.ToArray().Concat(key.PublicKey.Data.ToArray()).ToArray();
        var parsed = Ed25519PrivateKey.FromData(legacy);
        Assert.Equal(key.Data.ToArray(), parsed.Data.ToArray());
        legacy[^1] ^= 1;
        Assert.Throws<KeyFormatException>(() => Ed25519PrivateKey.FromData(legacy));
    }

    [Fact]
    public void PrivateKeyWhosePublicHalfDoesNotMatchSeedIsRejected()
    {
        var data = Ed25519PrivateKey.FromSeed(new byte[32]).Data.ToArray();
        data[40] ^= 1;
        Assert.Throws<KeyFormatException>(() => Ed25519PrivateKey.FromData(data));
    }
}
