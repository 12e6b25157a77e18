using System.Security.Cryptography;
using Libp2p.Crypto;
using Libp2p.Crypto.OpenSsl;

namespace Libp2p.Tests.Crypto;

/// <summary>
/// X25519 and Ed25519 of every provider this machine has: the RFC 7748 / RFC 8032 vectors, and libcrypto
/// cross-checked against BouncyCastle on random keys and messages.
/// </summary>
public class CurveProviderTests
{
    private static string[] ProviderNames => LibCrypto.IsAvailable ? ["bcl", "bouncycastle", "openssl"] : ["bcl", "bouncycastle"];

    public static TheoryData<string> Providers => new(ProviderNames);

    private static CryptoProvider Get(string name) => name switch
    {
        "openssl" => OpenSslCryptoProvider.Instance,
        "bcl" => BclCryptoProvider.Instance,
        "bouncycastle" => CryptoProvider.Managed,
        _ => throw new ArgumentException(name),
    };

    private static byte[] Hex(string s) => Convert.FromHexString(s);

    [Fact]
    public void LibcryptoLoadsWhereTheSystemHasIt()
    {
        // The cross-checks below only include "openssl" when it loads: make sure that is not silently skipped here.
        bool present = OperatingSystem.IsLinux() && (File.Exists("/usr/lib/x86_64-linux-gnu/libcrypto.so.3")
            || File.Exists("/usr/lib/aarch64-linux-gnu/libcrypto.so.3") || File.Exists("/usr/lib64/libcrypto.so.3")
            || File.Exists("/lib/x86_64-linux-gnu/libcrypto.so.3"));
        if (present) Assert.True(LibCrypto.IsAvailable);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void X25519MatchesRfc7748Section52(string provider)
    {
        var p = Get(provider);
        using var k = p.CreateX25519KeyPair(Hex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"));
        var output = new byte[32];
        Assert.True(k.TryAgree(Hex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"), output));
        Assert.Equal("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552", Convert.ToHexStringLower(output));

        // The iterated test after one iteration: k = u = 9.
        var nine = new byte[32];
        nine[0] = 9;
        using var k9 = p.CreateX25519KeyPair(nine);
        Assert.True(k9.TryAgree(nine, output));
        Assert.Equal("422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079", Convert.ToHexStringLower(output));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void X25519MatchesRfc7748Section61(string provider)
    {
        var p = Get(provider);
        using var alice = p.CreateX25519KeyPair(Hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
        using var bob = p.CreateX25519KeyPair(Hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
        Assert.Equal("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", Convert.ToHexStringLower(alice.PublicKey));
        Assert.Equal("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f", Convert.ToHexStringLower(bob.PublicKey));
        byte[] s1 = new byte[32], s2 = new byte[32];
        Assert.True(alice.TryAgree(bob.PublicKey, s1));
        Assert.True(bob.TryAgree(alice.PublicKey, s2));
        Assert.Equal("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742", Convert.ToHexStringLower(s1));
        Assert.Equal(s1, s2);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void X25519RefusesLowOrderPoints(string provider)
    {
        using var k = Get(provider).GenerateX25519KeyPair();
        var shared = new byte[32];
        // u = 0 and u = 1 have order 1 and 4: every scalar gives the all-zero result.
        Assert.False(k.TryAgree(new byte[32], shared));
        var one = new byte[32];
        one[0] = 1;
        Assert.False(k.TryAgree(one, shared));
        // Still usable afterwards (libcrypto's error queue was cleared).
        using var other = Get(provider).GenerateX25519KeyPair();
        Assert.True(k.TryAgree(other.PublicKey, shared));
    }

    // RFC 8032 section 7.1, tests 1-3 (seed, public key, message, signature).
    public static TheoryData<string, string, string, string, string> Rfc8032Vectors
    {
        get
        {
            var data = new TheoryData<string, string, string, string, string>();
            foreach (var provider in ProviderNames)
            {
                data.Add(provider, "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
                    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
                    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
                data.Add(provider, "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
                    "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
                    "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");
                data.Add(provider, "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
                    "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
                    "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a");
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Rfc8032Vectors))]
    public void Ed25519MatchesRfc8032Section71(string provider, string seed, string publicKey, string message, string signature)
    {
        var p = Get(provider);
        var signer = p.CreateEd25519Signer(Hex(seed));
        Assert.Equal(publicKey, Convert.ToHexStringLower(signer.PublicKey));
        var sig = new byte[64];
        signer.Sign(Hex(message), sig);
        Assert.Equal(signature, Convert.ToHexStringLower(sig));
        var verifier = p.CreateEd25519Verifier(Hex(publicKey));
        Assert.True(verifier.Verify(Hex(message), sig));
        sig[10] ^= 0x40;
        Assert.False(verifier.Verify(Hex(message), sig));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void Ed25519VerifierRefusesPointsOffTheCurve(string provider)
    {
        // y = 2 is not the y-coordinate of any point on edwards25519 (x^2 = (y^2-1)/(d*y^2+1) is not a square).
        var notOnCurve = new byte[32];
        notOnCurve[0] = 2;
        Assert.Throws<ArgumentException>(() => Get(provider).CreateEd25519Verifier(notOnCurve));
        Assert.Throws<ArgumentException>(() => Get(provider).CreateEd25519Verifier(new byte[31]));
    }

    [Fact]
    public void LibcryptoAgreesWithBouncyCastleOnRandomInputs()
    {
        if (!LibCrypto.IsAvailable) return; // LibcryptoLoadsWhereTheSystemHasIt fails where it should have loaded
        var native = OpenSslCryptoProvider.Instance;
        var managed = CryptoProvider.Managed;
        var shared = new byte[32];
        var expected = new byte[32];
        for (int i = 0; i < 64; i++)
        {
            byte[] a = RandomNumberGenerator.GetBytes(32), b = RandomNumberGenerator.GetBytes(32);
            using var na = native.CreateX25519KeyPair(a);
            using var ma = managed.CreateX25519KeyPair(a);
            using var mb = managed.CreateX25519KeyPair(b);
            Assert.Equal(ma.PublicKey.ToArray(), na.PublicKey.ToArray());
            Assert.True(na.TryAgree(mb.PublicKey, shared));
            Assert.True(ma.TryAgree(mb.PublicKey, expected));
            Assert.Equal(expected, shared);
            // Arbitrary 32-byte peer values (top bit set included: X25519 masks it) give the same result too.
            var u = RandomNumberGenerator.GetBytes(32);
            Assert.Equal(ma.TryAgree(u, expected), na.TryAgree(u, shared));
            Assert.Equal(expected, shared);

            var seed = RandomNumberGenerator.GetBytes(32);
            var message = RandomNumberGenerator.GetBytes(i * 7);
            var ns = native.CreateEd25519Signer(seed);
            var ms = managed.CreateEd25519Signer(seed);
            Assert.Equal(ms.PublicKey.ToArray(), ns.PublicKey.ToArray());
            byte[] nsig = new byte[64], msig = new byte[64];
            ns.Sign(message, nsig);
            ms.Sign(message, msig);
            Assert.Equal(msig, nsig); // Ed25519 is deterministic
            var nv = native.CreateEd25519Verifier(ns.PublicKey);
            var mv = managed.CreateEd25519Verifier(ns.PublicKey);
            Assert.True(nv.Verify(message, msig));
            Assert.True(mv.Verify(message, nsig));
            var bad = (byte[])nsig.Clone();
            bad[i % 64] ^= (byte)(1 << (i % 8));
            Assert.Equal(mv.Verify(message, bad), nv.Verify(message, bad));
            Assert.False(nv.Verify(message, bad));
            var random = RandomNumberGenerator.GetBytes(64);
            Assert.Equal(mv.Verify(message, random), nv.Verify(message, random));
        }
    }
}
