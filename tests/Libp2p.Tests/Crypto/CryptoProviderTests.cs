using System.Security.Cryptography;
using Libp2p.Crypto;
using Libp2p.Crypto.OpenSsl;

namespace Libp2p.Tests.Crypto;

public class CryptoProviderTests
{
    public static TheoryData<string> Providers => new() { "bcl", "bouncycastle", "managed", "managed-scalar", "managed-vector" };

    private static ChaCha20Poly1305Cipher Create(string name, byte[] key) => name switch
    {
        "bcl" => BclCryptoProvider.Instance.CreateChaCha20Poly1305(key),
        "bouncycastle" => CryptoProvider.BouncyCastle.CreateChaCha20Poly1305(key),
        "managed" => CryptoProvider.Managed.CreateChaCha20Poly1305(key),
        "managed-scalar" => new ManagedChaCha20Poly1305Cipher(key, vectors: false),
        "managed-vector" => new ManagedChaCha20Poly1305Cipher(key, vectors: true),
        _ => throw new ArgumentException(name),
    };

    // RFC 8439 Appendix A.5: its nonce 00000000 0102030405060708 is exactly Noise's form for n = 0x0807060504030201.
    private static readonly byte[] A5Key = Convert.FromHexString("1c9240a5eb55d38af333888604f6b5f0473917c1402b80099dca5cbc207075c0");
    private const ulong A5Nonce = 0x0807060504030201;
    private static readonly byte[] A5Ad = Convert.FromHexString("f33388860000000000004e91");
    private static readonly byte[] A5Plaintext = Convert.FromHexString(
        "496e7465726e65742d4472616674732061726520647261667420646f63756d65" +
        "6e74732076616c696420666f722061206d6178696d756d206f6620736978206d" +
        "6f6e74687320616e64206d617920626520757064617465642c207265706c6163" +
        "65642c206f72206f62736f6c65746564206279206f7468657220646f63756d65" +
        "6e747320617420616e792074696d652e20497420697320696e617070726f7072" +
        "6961746520746f2075736520496e7465726e65742d4472616674732061732072" +
        "65666572656e6365206d6174657269616c206f7220746f206369746520746865" +
        "6d206f74686572207468616e206173202fe2809c776f726b20696e2070726f67" +
        "726573732e2fe2809d");
    private static readonly byte[] A5Sealed = Convert.FromHexString(
        "64a0861575861af460f062c79be643bd5e805cfd345cf389f108670ac76c8cb2" +
        "4c6cfc18755d43eea09ee94e382d26b0bdb7b73c321b0100d4f03b7f355894cf" +
        "332f830e710b97ce98c8a84abd0b948114ad176e008d33bd60f982b1ff37c855" +
        "9797a06ef4f0ef61c186324e2b3506383606907b6a7c02b0f9f6157b53c867e4" +
        "b9166c767b804d46a59b5216cde7a4e99040c5a40433225ee282a1b0a06c523e" +
        "af4534d7f83fa1155b0047718cbc546a0d072b04b3564eea1b422273f548271a" +
        "0bb2316053fa76991955ebd63159434ecebb4e466dae5a1073a6727627097a10" +
        "49e617d91d361094fa68f0ff77987130305beaba2eda04df997b714d6c6f2c29" +
        "a6ad5cb4022b02709b" + "eead9d67890cbb22392336fea1851f38");

    [Theory]
    [MemberData(nameof(Providers))]
    public void ChaChaPolyMatchesRfc8439AppendixA5(string provider)
    {
        using var cipher = Create(provider, A5Key);
        var sealedBytes = new byte[A5Plaintext.Length + 16];
        cipher.Seal(A5Nonce, A5Ad, A5Plaintext, sealedBytes);
        Assert.Equal(A5Sealed, sealedBytes);

        var opened = new byte[A5Plaintext.Length];
        Assert.True(cipher.TryOpen(A5Nonce, A5Ad, A5Sealed, opened));
        Assert.Equal(A5Plaintext, opened);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void TamperedCiphertextTagOrAdIsRejected(string provider)
    {
        using var cipher = Create(provider, A5Key);
        var opened = new byte[A5Plaintext.Length];
        foreach (int index in new[] { 0, 100, A5Sealed.Length - 1 })
        {
            var bad = (byte[])A5Sealed.Clone();
            bad[index] ^= 1;
            Assert.False(cipher.TryOpen(A5Nonce, A5Ad, bad, opened));
        }
        Assert.False(cipher.TryOpen(A5Nonce, [1, 2, 3], A5Sealed, opened));
        Assert.False(cipher.TryOpen(A5Nonce + 1, A5Ad, A5Sealed, opened));
        // Still usable after failures.
        Assert.True(cipher.TryOpen(A5Nonce, A5Ad, A5Sealed, opened));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(1000)]
    [InlineData(65519)]
    public void BothBackendsProduceIdenticalBytesInPlaceAndOut(int length)
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var ad = RandomNumberGenerator.GetBytes(length % 40);
        var plaintext = RandomNumberGenerator.GetBytes(length);
        using var bcl = BclCryptoProvider.Instance.CreateChaCha20Poly1305(key);
        using var bc = CryptoProvider.BouncyCastle.CreateChaCha20Poly1305(key);

        for (ulong nonce = 0; nonce < 3; nonce++)
        {
            var a = new byte[length + 16];
            var b = new byte[length + 16];
            bcl.Seal(nonce, ad, plaintext, a);
            bc.Seal(nonce, ad, plaintext, b);
            Assert.Equal(a, b);

            // In place: plaintext at the start of the destination, as Noise frames do it.
            var inPlaceBcl = new byte[length + 16];
            var inPlaceBc = new byte[length + 16];
            plaintext.CopyTo(inPlaceBcl, 0);
            plaintext.CopyTo(inPlaceBc, 0);
            bcl.Seal(nonce + 100, ad, inPlaceBcl.AsSpan(0, length), inPlaceBcl);
            bc.Seal(nonce + 100, ad, inPlaceBc.AsSpan(0, length), inPlaceBc);
            Assert.Equal(inPlaceBcl, inPlaceBc);

            // Each opens the other's output, in place too.
            Assert.True(bc.TryOpen(nonce, ad, a, a.AsSpan(0, length)));
            Assert.Equal(plaintext, a[..length]);
            Assert.True(bcl.TryOpen(nonce + 100, ad, inPlaceBc, inPlaceBc.AsSpan(0, length)));
            Assert.Equal(plaintext, inPlaceBc[..length]);
        }
    }

    [Fact]
    public void DefaultIsOpenSslWhereLibcryptoLoadsElseBclElseManaged()
    {
        string expected = !ChaCha20Poly1305.IsSupported ? "managed" : LibCrypto.IsAvailable ? "openssl" : "bcl";
        Assert.Equal(expected, CryptoProvider.Default.Name);
        Assert.Equal("managed", CryptoProvider.Managed.Name);
        Assert.Equal("bouncycastle", CryptoProvider.BouncyCastle.Name);
    }

    [Fact]
    public void X25519MatchesRfc7748Section61()
    {
        var alicePriv = Convert.FromHexString("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        var bobPriv = Convert.FromHexString("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
        var p = CryptoProvider.Default;
        var alicePub = new byte[32];
        var bobPub = new byte[32];
        p.X25519PublicKey(alicePriv, alicePub);
        p.X25519PublicKey(bobPriv, bobPub);
        Assert.Equal("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", Convert.ToHexStringLower(alicePub));
        Assert.Equal("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f", Convert.ToHexStringLower(bobPub));
        var s1 = new byte[32];
        var s2 = new byte[32];
        Assert.True(p.TryX25519Agree(alicePriv, bobPub, s1));
        Assert.True(p.TryX25519Agree(bobPriv, alicePub, s2));
        Assert.Equal("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742", Convert.ToHexStringLower(s1));
        Assert.Equal(s1, s2);
    }

    [Fact]
    public void X25519RefusesLowOrderPoint()
    {
        var p = CryptoProvider.Default;
        var priv = new byte[32];
        var pub = new byte[32];
        p.GenerateX25519KeyPair(priv, pub);
        Assert.False(p.TryX25519Agree(priv, new byte[32], new byte[32]));
    }

    [Fact]
    public void GeneratedKeyPairsAgree()
    {
        var p = CryptoProvider.Default;
        byte[] a = new byte[32], aPub = new byte[32], b = new byte[32], bPub = new byte[32];
        p.GenerateX25519KeyPair(a, aPub);
        p.GenerateX25519KeyPair(b, bPub);
        Assert.NotEqual(a, b);
        byte[] s1 = new byte[32], s2 = new byte[32];
        Assert.True(p.TryX25519Agree(a, bPub, s1));
        Assert.True(p.TryX25519Agree(b, aPub, s2));
        Assert.Equal(s1, s2);
    }
}
