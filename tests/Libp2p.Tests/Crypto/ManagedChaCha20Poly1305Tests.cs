using System.Buffers.Binary;
using Libp2p.Crypto;

namespace Libp2p.Tests.Crypto;

/// <summary>
/// The managed ChaCha20-Poly1305 (what Wasm runs) on its own: the RFC 8439 block function, its four-block vector
/// form, and agreement with BouncyCastle on random keys, nonces, AD and lengths — both code paths, in place and not.
/// (The RFC's AEAD vector runs for every provider in <see cref="CryptoProviderTests"/>.)
/// </summary>
public class ManagedChaCha20Poly1305Tests
{
    // RFC 8439 section 2.3.2: key 00..1f, counter 1, nonce 000000090000004a00000000.
    private static uint[] Rfc232State()
    {
        var state = new uint[16];
        state[0] = 0x61707865; state[1] = 0x3320646e; state[2] = 0x79622d32; state[3] = 0x6b206574;
        var key = new byte[32];
        for (int i = 0; i < 32; i++) key[i] = (byte)i;
        for (int i = 0; i < 8; i++) state[4 + i] = BinaryPrimitives.ReadUInt32LittleEndian(key.AsSpan(4 * i));
        state[12] = 1;
        state[13] = 0x09000000;
        state[14] = 0x4a000000;
        state[15] = 0;
        return state;
    }

    private static readonly uint[] Rfc232Output =
    [
        0xe4e7f110, 0x15593bd1, 0x1fdd0f50, 0xc47120a3,
        0xc7f4d1c7, 0x0368c033, 0x9aaa2204, 0x4e6cd4c3,
        0x466482d2, 0x09aa9f07, 0x05d7c214, 0xa2028bd9,
        0xd19c12b5, 0xb94e16de, 0xe883d0cb, 0x4e3c50a2,
    ];

    [Fact]
    public void BlockFunctionMatchesRfc8439Section232()
    {
        var output = new uint[16];
        ManagedChaCha20Poly1305Cipher.Block(Rfc232State(), output);
        Assert.Equal(Rfc232Output, output);
    }

    [Fact]
    public void FourBlockFormGivesEachLaneTheBlockOfItsCounter()
    {
        var state = Rfc232State();
        var four = new uint[64];
        ManagedChaCha20Poly1305Cipher.FourBlocks(state, four);
        for (int b = 0; b < 4; b++)
        {
            var s = (uint[])state.Clone();
            s[12] += (uint)b;
            var one = new uint[16];
            ManagedChaCha20Poly1305Cipher.Block(s, one);
            for (int w = 0; w < 16; w++) Assert.Equal(one[w], four[4 * w + b]);
        }
        for (int w = 0; w < 16; w++) Assert.Equal(Rfc232Output[w], four[4 * w]);
    }

    public static TheoryData<bool> Paths => new() { false, true };

    [Theory]
    [MemberData(nameof(Paths))]
    public void AgreesWithBouncycastleOnRandomInputs(bool vectors)
    {
        var random = new Random(8439 + (vectors ? 1 : 0));
        // Lengths around every boundary: one block, four blocks (the vector step), a Noise frame's maximum.
        int[] lengths = [0, 1, 15, 16, 17, 63, 64, 65, 255, 256, 257, 319, 320, 511, 512, 513, 1000, 4096, 65519];
        foreach (int length in lengths.Concat(Enumerable.Range(0, 20).Select(_ => random.Next(0, 70_000))))
        {
            var key = new byte[32];
            random.NextBytes(key);
            var ad = new byte[random.Next(0, 3) == 0 ? 0 : random.Next(1, 80)];
            random.NextBytes(ad);
            var plaintext = new byte[length];
            random.NextBytes(plaintext);
            ulong nonce = (ulong)random.NextInt64();
            using var reference = CryptoProvider.BouncyCastle.CreateChaCha20Poly1305(key);
            using var managed = new ManagedChaCha20Poly1305Cipher(key, vectors);

            var expected = new byte[length + 16];
            reference.Seal(nonce, ad, plaintext, expected);
            var sealedBytes = new byte[length + 16];
            managed.Seal(nonce, ad, plaintext, sealedBytes);
            Assert.Equal(expected, sealedBytes);

            // In place, as Noise frames are sealed and opened.
            var inPlace = new byte[length + 16];
            plaintext.CopyTo(inPlace, 0);
            managed.Seal(nonce, ad, inPlace.AsSpan(0, length), inPlace);
            Assert.Equal(expected, inPlace);
            Assert.True(managed.TryOpen(nonce, ad, inPlace, inPlace.AsSpan(0, length)));
            Assert.Equal(plaintext, inPlace[..length]);

            var opened = new byte[length];
            Assert.True(managed.TryOpen(nonce, ad, expected, opened));
            Assert.Equal(plaintext, opened);
            if (length > 0)
            {
                expected[random.Next(length)] ^= 0x80;
                Assert.False(managed.TryOpen(nonce, ad, expected, opened));
            }
        }
    }
}
