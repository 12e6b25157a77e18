using System.Diagnostics;
using System.Globalization;
using Libp2p.Crypto;

namespace Libp2p.Bench;

/// <summary>
/// The CPU floor of one connection set-up: the public-key work of Noise XX with the libp2p payload,
/// for both sides together (each side: one ephemeral X25519 key pair, three X25519 agreements, one
/// Ed25519 signature over its static key, one Ed25519 verification of the peer's, parsing its key first
/// as a handshake does). On a loopback dial both sides' work lies on the critical path, one after the other.
/// (Each side also makes a static key pair per connection, which is not counted, as before.)
/// </summary>
internal static class HandshakeCpu
{
    public sealed record Figures(string Provider, double X25519KeyPairUs, double X25519AgreeUs, double Ed25519SignUs, double Ed25519VerifyUs)
    {
        public double BothSidesMs => 2 * (X25519KeyPairUs + 3 * X25519AgreeUs + Ed25519SignUs + Ed25519VerifyUs) / 1000;

        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"X25519 key pair {X25519KeyPairUs:0} us, agree {X25519AgreeUs:0} us, Ed25519 sign {Ed25519SignUs:0} us, parse+verify {Ed25519VerifyUs:0} us " +
            $"({Provider} provider): both sides of one handshake {BothSidesMs:0.00} ms");
    }

    public static Figures Measure(CryptoProvider crypto, int iterations = 300)
    {
        using var peer = crypto.GenerateX25519KeyPair();
        using var local = crypto.GenerateX25519KeyPair();
        var signer = crypto.CreateEd25519Signer(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        byte[] message = new byte[72]; // the libp2p prefix and a Noise static key
        byte[] signature = new byte[64];
        signer.Sign(message, signature);
        byte[] publicKey = signer.PublicKey.ToArray();
        byte[] shared = new byte[32];

        double Time(Action body)
        {
            for (int i = 0; i < 20; i++) body(); // warm-up
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < iterations; i++) body();
            return Stopwatch.GetElapsedTime(start).TotalMicroseconds / iterations;
        }

        double keyPair = Time(() => crypto.GenerateX25519KeyPair().Dispose());
        double agree = Time(() => local.TryAgree(peer.PublicKey, shared));
        double sign = Time(() => signer.Sign(message, signature));
        double verify = Time(() =>
        {
            if (!crypto.CreateEd25519Verifier(publicKey).Verify(message, signature)) throw new InvalidOperationException("verify failed");
        });
        return new Figures(crypto.Name, keyPair, agree, sign, verify);
    }
}
