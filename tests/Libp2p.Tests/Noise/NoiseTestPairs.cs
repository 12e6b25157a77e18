using Libp2p.Core;
using Libp2p.Crypto;
using Libp2p.Identity;
using Libp2p.Noise;

namespace Libp2p.Tests.Noise;

/// <summary>NoiseConnections built from the raw XX state machine, so transport tests need no identity keys.</summary>
internal static class NoiseTestPairs
{
    private sealed class OpaqueKey(byte[] data) : PublicKey
    {
        public override KeyType Type => KeyType.Ed25519;
        public override ReadOnlySpan<byte> Data => data;
        public override bool Verify(ReadOnlySpan<byte> d, ReadOnlySpan<byte> s) => false;
    }

    /// <summary>Finishes an XX handshake in memory and returns the two sides' (send, receive) cipher states.</summary>
    public static ((NoiseCipherState Send, NoiseCipherState Receive) Initiator, (NoiseCipherState Send, NoiseCipherState Receive) Responder) Ciphers(CryptoProvider? crypto = null)
    {
        crypto ??= CryptoProvider.Default;
        var s1 = new byte[32]; var s2 = new byte[32];
        crypto.GetRandomBytes(s1); crypto.GetRandomBytes(s2);
        var i = new NoiseXXHandshakeState(true, crypto, s1, []);
        var r = new NoiseXXHandshakeState(false, crypto, s2, []);
        r.ReadMessage(i.WriteMessage([]));
        i.ReadMessage(r.WriteMessage([]));
        r.ReadMessage(i.WriteMessage([]));
        return (i.Split(), r.Split());
    }

    public static NoiseConnection Wrap(IDuplexStream inner, (NoiseCipherState Send, NoiseCipherState Receive) c)
    {
        var key = new OpaqueKey([1, 2, 3]);
        return new NoiseConnection(inner, c.Send, c.Receive, PeerId.FromPublicKeyProtobuf([8, 1, 18, 3, 1, 2, 3]), key, null);
    }

    /// <summary>Two connected NoiseConnections over an in-memory duplex.</summary>
    public static (NoiseConnection A, NoiseConnection B) Connected(CryptoProvider? crypto = null, long bufferBytes = 1 << 20)
    {
        var (ci, cr) = Ciphers(crypto);
        var (a, b) = InMemoryDuplex.CreatePair(bufferBytes);
        return (Wrap(a, ci), Wrap(b, cr));
    }
}
