using System.Diagnostics;
using System.Globalization;
using Libp2p.Crypto;
using Libp2p.Identity;

namespace Libp2p.Bench;

/// <summary>
/// The CPU floor of one connection set-up: the public-key work of Noise XX with the libp2p payload,
/// for both sides together (each side: one ephemeral X25519 key pair, three X25519 agreements, one
/// Ed25519 signature over its static key, one Ed25519 verification of the peer's). On a loopback dial
/// both sides' work lies on the critical path, one after the other.
/// </summary>
public static class HandshakeCpu
{
    public sealed record Figures(double X25519KeyPairUs, double X25519AgreeUs, double Ed25519SignUs, double Ed25519VerifyUs)
    {
        public double BothSidesMs => 2 * (X25519KeyPairUs + 3 * X25519AgreeUs + Ed25519SignUs + Ed25519VerifyUs) / 1000;

        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"X25519 key pair {X25519KeyPairUs:0} us, agree {X25519AgreeUs:0} us, Ed25519 sign {Ed25519SignUs:0} us, verify {Ed25519VerifyUs:0} us " +
            $"({CryptoProvider.Default.Name} provider): both sides of one handshake {BothSidesMs:0.00} ms");
    }

    public static Figures Measure(int iterations = 300)
    {
        var crypto = CryptoProvider.Default;
        Span<byte> priv = stackalloc byte[32], pub = stackalloc byte[32], priv2 = stackalloc byte[32], pub2 = stackalloc byte[32], shared = stackalloc byte[32];
        crypto.GenerateX25519KeyPair(priv2, pub2);
        var key = PrivateKey.Generate();
        byte[] message = new byte[64];
        byte[] signature = key.Sign(message);

        double Time(Action<int> body)
        {
            for (int i = 0; i < 20; i++) body(i); // warm-up
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < iterations; i++) body(i);
            return Stopwatch.GetElapsedTime(start).TotalMicroseconds / iterations;
        }

        var keyPairs = new byte[64];
        double keyPair = Time(_ => crypto.GenerateX25519KeyPair(keyPairs.AsSpan(0, 32), keyPairs.AsSpan(32)));
        byte[] p2 = pub2.ToArray(), sh = new byte[32];
        double agree = Time(_ => crypto.TryX25519Agree(keyPairs.AsSpan(0, 32), p2, sh));
        double sign = Time(_ => key.Sign(message));
        double verify = Time(_ => key.PublicKey.Verify(message, signature));
        return new Figures(keyPair, agree, sign, verify);
    }
}
