using System.Buffers.Binary;
using Libp2p.Crypto;
using Libp2p.Identity;
using Libp2p.Noise;

namespace Libp2p.Fuzz;

/// <summary>
/// The Noise transport reader: the input scripts a sequence of frames (sealed properly with the session key, or
/// with a bad length, a flipped bit, a truncation) and the read sizes of the application. Properly sealed frames
/// must come out byte for byte; anything else must end in a <see cref="NoiseTransportException"/> or EOF.
/// </summary>
internal static class NoiseFramesTarget
{
    public static readonly FuzzTarget Target = new("noise-frames", "NoiseConnection.ReadAsync on scripted frames", Run, Seeds);

    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    private sealed class OpaqueKey : PublicKey
    {
        public override KeyType Type => KeyType.Ed25519;
        public override ReadOnlySpan<byte> Data => new byte[32];
        public override bool Verify(ReadOnlySpan<byte> d, ReadOnlySpan<byte> s) => false;
    }

    private static void Run(byte[] data)
    {
        if (data.Length < 2) return;
        int readSize = 1 + data[0] * 257 % 70_000;
        var crypto = CryptoProvider.Default;
        var seal = new NoiseCipherState();
        seal.InitializeKey(crypto, Key);
        var open = new NoiseCipherState();
        open.InitializeKey(crypto, Key);

        // Script: [op][len hi][len lo] repeated; op 0 = sealed frame of len bytes of plaintext (taken from the
        // input), 1 = raw bytes copied as they are (garbage, bad lengths, truncations), 2 = sealed then one bit flipped.
        var wire = new List<byte>();
        var expected = new List<byte>();
        bool clean = true;
        int i = 1;
        while (i + 3 <= data.Length)
        {
            int op = data[i] % 3;
            int len = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(i + 1)) % (NoiseConnection.MaxPlaintextPerFrame + 1);
            i += 3;
            int take = Math.Min(len, data.Length - i);
            var chunk = data.AsSpan(i, take);
            i += take;
            if (op == 1 || !clean)
            {
                wire.AddRange(chunk.ToArray());
                if (take > 0) clean = false;
                continue;
            }
            var frame = new byte[take + ChaCha20Poly1305Cipher.TagSize];
            seal.EncryptWithAd([], chunk, frame);
            if (op == 2 && frame.Length > 0)
            {
                frame[len % frame.Length] ^= 0x01;
                clean = false;
            }
            else expected.AddRange(chunk.ToArray());
            wire.Add((byte)(frame.Length >> 8));
            wire.Add((byte)frame.Length);
            wire.AddRange(frame);
        }

        var connection = new NoiseConnection(new ReplayStream([.. wire], 1 + data[0] * 31 % 9000), seal, open,
            PeerId.FromPublicKeyProtobuf([8, 1, 18, 32, .. new byte[32]]), new OpaqueKey(), null);
        var received = new List<byte>();
        FuzzTargets.RunBounded(async () =>
        {
            var buffer = new byte[readSize];
            try
            {
                while (true)
                {
                    int n = await connection.ReadAsync(buffer);
                    if (n == 0) break;
                    received.AddRange(buffer.AsSpan(0, n).ToArray());
                }
                if (!clean) throw new FuzzFindingException("A corrupted stream read to a clean EOF.");
            }
            catch (NoiseTransportException) when (!clean) { }
        }, "Noise transport reader");
        var got = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(received);
        var want = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(expected);
        if (!got.StartsWith(want) && !want.StartsWith(got))
            throw new FuzzFindingException("Decrypted bytes differ from the sealed plaintext.");
        if (clean && received.Count != expected.Count)
            throw new FuzzFindingException($"Read {received.Count} of {expected.Count} bytes of a clean stream.");
    }

    private static IEnumerable<byte[]> Seeds()
    {
        yield return [7, 0, 0, 5, 1, 2, 3, 4, 5, 0, 0, 3, 9, 9, 9];
        yield return [200, 0, 1, 0, .. new byte[256], 2, 0, 8, .. new byte[8]];
        yield return [13, 1, 0, 4, 0, 200, 0, 0];
    }
}
