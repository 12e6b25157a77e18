using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;

namespace Libp2p.Crypto;

/// <summary>
/// ChaCha20-Poly1305 (RFC 8439) in plain C#, written for where the BCL has none: browser-wasm and WASI, which run
/// the Mono interpreter and its jiterpreter (hot loops compiled to Wasm). BouncyCastle's version runs there at
/// ~15 MiB/s; this one keeps the hot loops flat (the quarter-rounds written out, state in locals, no calls, no
/// allocation) and, where <see cref="Vector128"/> is accelerated (the jiterpreter turns it into Wasm SIMD; natively
/// SSE/NEON), runs ChaCha20 on four blocks at once with each vector lane a block of its own (no shuffles).
/// Poly1305 is the 26-bit-limb form (32x32-&gt;64-bit products only). Checked against RFC 8439's vectors and
/// against BouncyCastle on random inputs (tests/Libp2p.Tests/Crypto).
/// </summary>
internal sealed class ManagedChaCha20Poly1305Cipher : ChaCha20Poly1305Cipher
{
    /// <summary>AppContext switch that turns the four-block <see cref="Vector128{T}"/> path off (to measure the scalar one).</summary>
    public const string DisableVectorsSwitch = "Libp2p.Crypto.ManagedChaCha20Poly1305.DisableVectors";

    /// <summary>Whether a new cipher runs ChaCha20 four blocks at a time with <see cref="Vector128{T}"/> by default.</summary>
    internal static bool VectorsByDefault =>
        Vector128.IsHardwareAccelerated && BitConverter.IsLittleEndian
        && !(AppContext.TryGetSwitch(DisableVectorsSwitch, out bool off) && off);

    private readonly uint[] _key = new uint[8];
    private readonly bool _vectors;

    /// <param name="key">The 32-byte key.</param>
    /// <param name="vectors">Force the four-block <see cref="Vector128{T}"/> path on or off (tests and the bench compare both).</param>
    public ManagedChaCha20Poly1305Cipher(ReadOnlySpan<byte> key, bool? vectors = null)
    {
        if (key.Length != KeySize) throw new ArgumentException("ChaCha20-Poly1305 keys are 32 bytes.", nameof(key));
        _vectors = (vectors ?? VectorsByDefault) && BitConverter.IsLittleEndian;
        for (int i = 0; i < 8; i++) _key[i] = BinaryPrimitives.ReadUInt32LittleEndian(key[(4 * i)..]);
    }

    public override void Seal(ulong nonce, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> plaintext, Span<byte> destination)
    {
        CheckSeal(plaintext, destination);
        Span<uint> state = stackalloc uint[16];
        var poly = Start(nonce, state);
        int length = plaintext.Length;
        var ciphertext = destination[..length];
        Xor(state, plaintext, ciphertext);
        Authenticate(ref poly, associatedData, ciphertext);
        poly.Finish(destination.Slice(length, TagSize));
    }

    public override bool TryOpen(ulong nonce, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> ciphertext, Span<byte> destination)
    {
        CheckOpen(ciphertext, destination);
        Span<uint> state = stackalloc uint[16];
        var poly = Start(nonce, state);
        int length = ciphertext.Length - TagSize;
        // Authenticate before decrypting (the destination may be the ciphertext itself).
        Authenticate(ref poly, associatedData, ciphertext[..length]);
        Span<byte> tag = stackalloc byte[TagSize];
        poly.Finish(tag);
        if (!CryptographicOperations.FixedTimeEquals(tag, ciphertext.Slice(length, TagSize))) return false;
        Xor(state, ciphertext[..length], destination[..length]);
        return true;
    }

    public override void Dispose() => Array.Clear(_key);

    /// <summary>The initial state for <paramref name="nonce"/> (Noise's: 32 zero bits, then the counter little-endian) and the Poly1305 key from block 0.</summary>
    private Poly1305 Start(ulong nonce, Span<uint> state)
    {
        state[0] = 0x61707865; state[1] = 0x3320646e; state[2] = 0x79622d32; state[3] = 0x6b206574;
        for (int i = 0; i < 8; i++) state[4 + i] = _key[i];
        state[12] = 0;
        state[13] = 0;
        state[14] = (uint)nonce;
        state[15] = (uint)(nonce >> 32);
        Span<uint> block = stackalloc uint[16];
        Block(state, block);
        state[12] = 1;
        var poly = new Poly1305(block);
        block.Clear();
        return poly;
    }

    /// <summary>The AEAD's MAC input: AD, zero pad to 16, ciphertext, zero pad, both lengths as little-endian u64.</summary>
    private static void Authenticate(ref Poly1305 poly, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> ciphertext)
    {
        poly.UpdatePadded(associatedData);
        poly.UpdatePadded(ciphertext);
        Span<byte> lengths = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(lengths, (ulong)associatedData.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(lengths[8..], (ulong)ciphertext.Length);
        poly.UpdatePadded(lengths);
    }

    /// <summary>XORs the keystream from the counter in <paramref name="state"/> (advanced) over <paramref name="source"/> into <paramref name="destination"/> (same length; may be the same memory).</summary>
    private void Xor(Span<uint> state, ReadOnlySpan<byte> source, Span<byte> destination)
    {
        int length = source.Length, offset = 0;
        if (_vectors && length >= 256)
        {
            Span<uint> keystream = stackalloc uint[64];
            for (; length - offset >= 256; offset += 256)
            {
                FourBlocks(state, keystream);
                state[12] += 4;
                var s = MemoryMarshal.Cast<byte, uint>(source.Slice(offset, 256));
                var d = MemoryMarshal.Cast<byte, uint>(destination.Slice(offset, 256));
                // keystream is word-major (word w of block b at 4w + b).
                for (int b = 0; b < 4; b++)
                    for (int w = 0; w < 16; w++)
                        d[16 * b + w] = s[16 * b + w] ^ keystream[4 * w + b];
            }
        }
        if (offset == length) return;
        Span<uint> block = stackalloc uint[16];
        for (; offset < length; offset += 64)
        {
            Block(state, block);
            state[12]++;
            int n = Math.Min(64, length - offset);
            if (n == 64 && BitConverter.IsLittleEndian)
            {
                var s = MemoryMarshal.Cast<byte, uint>(source.Slice(offset, 64));
                var d = MemoryMarshal.Cast<byte, uint>(destination.Slice(offset, 64));
                for (int w = 0; w < 16; w++) d[w] = s[w] ^ block[w];
            }
            else
            {
                for (int i = 0; i < n; i++)
                    destination[offset + i] = (byte)(source[offset + i] ^ (block[i >> 2] >> (8 * (i & 3))));
            }
        }
        block.Clear();
    }

    /// <summary>One ChaCha20 block (20 rounds, plus the input) for the state's counter, as 16 words.</summary>
    internal static void Block(ReadOnlySpan<uint> state, Span<uint> output)
    {
        uint x0 = state[0], x1 = state[1], x2 = state[2], x3 = state[3], x4 = state[4], x5 = state[5], x6 = state[6], x7 = state[7];
        uint x8 = state[8], x9 = state[9], x10 = state[10], x11 = state[11], x12 = state[12], x13 = state[13], x14 = state[14], x15 = state[15];
        for (int i = 0; i < 10; i++)
        {
            x0 += x4; x12 ^= x0; x12 = (x12 << 16) | (x12 >> 16);
            x8 += x12; x4 ^= x8; x4 = (x4 << 12) | (x4 >> 20);
            x0 += x4; x12 ^= x0; x12 = (x12 << 8) | (x12 >> 24);
            x8 += x12; x4 ^= x8; x4 = (x4 << 7) | (x4 >> 25);
            x1 += x5; x13 ^= x1; x13 = (x13 << 16) | (x13 >> 16);
            x9 += x13; x5 ^= x9; x5 = (x5 << 12) | (x5 >> 20);
            x1 += x5; x13 ^= x1; x13 = (x13 << 8) | (x13 >> 24);
            x9 += x13; x5 ^= x9; x5 = (x5 << 7) | (x5 >> 25);
            x2 += x6; x14 ^= x2; x14 = (x14 << 16) | (x14 >> 16);
            x10 += x14; x6 ^= x10; x6 = (x6 << 12) | (x6 >> 20);
            x2 += x6; x14 ^= x2; x14 = (x14 << 8) | (x14 >> 24);
            x10 += x14; x6 ^= x10; x6 = (x6 << 7) | (x6 >> 25);
            x3 += x7; x15 ^= x3; x15 = (x15 << 16) | (x15 >> 16);
            x11 += x15; x7 ^= x11; x7 = (x7 << 12) | (x7 >> 20);
            x3 += x7; x15 ^= x3; x15 = (x15 << 8) | (x15 >> 24);
            x11 += x15; x7 ^= x11; x7 = (x7 << 7) | (x7 >> 25);
            x0 += x5; x15 ^= x0; x15 = (x15 << 16) | (x15 >> 16);
            x10 += x15; x5 ^= x10; x5 = (x5 << 12) | (x5 >> 20);
            x0 += x5; x15 ^= x0; x15 = (x15 << 8) | (x15 >> 24);
            x10 += x15; x5 ^= x10; x5 = (x5 << 7) | (x5 >> 25);
            x1 += x6; x12 ^= x1; x12 = (x12 << 16) | (x12 >> 16);
            x11 += x12; x6 ^= x11; x6 = (x6 << 12) | (x6 >> 20);
            x1 += x6; x12 ^= x1; x12 = (x12 << 8) | (x12 >> 24);
            x11 += x12; x6 ^= x11; x6 = (x6 << 7) | (x6 >> 25);
            x2 += x7; x13 ^= x2; x13 = (x13 << 16) | (x13 >> 16);
            x8 += x13; x7 ^= x8; x7 = (x7 << 12) | (x7 >> 20);
            x2 += x7; x13 ^= x2; x13 = (x13 << 8) | (x13 >> 24);
            x8 += x13; x7 ^= x8; x7 = (x7 << 7) | (x7 >> 25);
            x3 += x4; x14 ^= x3; x14 = (x14 << 16) | (x14 >> 16);
            x9 += x14; x4 ^= x9; x4 = (x4 << 12) | (x4 >> 20);
            x3 += x4; x14 ^= x3; x14 = (x14 << 8) | (x14 >> 24);
            x9 += x14; x4 ^= x9; x4 = (x4 << 7) | (x4 >> 25);
        }
        output[0] = x0 + state[0]; output[1] = x1 + state[1]; output[2] = x2 + state[2]; output[3] = x3 + state[3];
        output[4] = x4 + state[4]; output[5] = x5 + state[5]; output[6] = x6 + state[6]; output[7] = x7 + state[7];
        output[8] = x8 + state[8]; output[9] = x9 + state[9]; output[10] = x10 + state[10]; output[11] = x11 + state[11];
        output[12] = x12 + state[12]; output[13] = x13 + state[13]; output[14] = x14 + state[14]; output[15] = x15 + state[15];
    }

    /// <summary>
    /// Four consecutive blocks (counters c..c+3) at once: vector lane b holds block b's word, so every round is plain
    /// lane-wise add/xor/shift. Output is word-major: word w of block b at <c>4w + b</c>.
    /// </summary>
    internal static void FourBlocks(ReadOnlySpan<uint> state, Span<uint> output)
    {
        Vector128<uint> x0 = Vector128.Create(state[0]), x1 = Vector128.Create(state[1]), x2 = Vector128.Create(state[2]), x3 = Vector128.Create(state[3]);
        Vector128<uint> x4 = Vector128.Create(state[4]), x5 = Vector128.Create(state[5]), x6 = Vector128.Create(state[6]), x7 = Vector128.Create(state[7]);
        Vector128<uint> x8 = Vector128.Create(state[8]), x9 = Vector128.Create(state[9]), x10 = Vector128.Create(state[10]), x11 = Vector128.Create(state[11]);
        Vector128<uint> counters = Vector128.Create(state[12]) + Vector128.Create(0u, 1u, 2u, 3u);
        Vector128<uint> x12 = counters, x13 = Vector128.Create(state[13]), x14 = Vector128.Create(state[14]), x15 = Vector128.Create(state[15]);
        for (int i = 0; i < 10; i++)
        {
            x0 += x4; x12 ^= x0; x12 = (x12 << 16) | (x12 >> 16);
            x8 += x12; x4 ^= x8; x4 = (x4 << 12) | (x4 >> 20);
            x0 += x4; x12 ^= x0; x12 = (x12 << 8) | (x12 >> 24);
            x8 += x12; x4 ^= x8; x4 = (x4 << 7) | (x4 >> 25);
            x1 += x5; x13 ^= x1; x13 = (x13 << 16) | (x13 >> 16);
            x9 += x13; x5 ^= x9; x5 = (x5 << 12) | (x5 >> 20);
            x1 += x5; x13 ^= x1; x13 = (x13 << 8) | (x13 >> 24);
            x9 += x13; x5 ^= x9; x5 = (x5 << 7) | (x5 >> 25);
            x2 += x6; x14 ^= x2; x14 = (x14 << 16) | (x14 >> 16);
            x10 += x14; x6 ^= x10; x6 = (x6 << 12) | (x6 >> 20);
            x2 += x6; x14 ^= x2; x14 = (x14 << 8) | (x14 >> 24);
            x10 += x14; x6 ^= x10; x6 = (x6 << 7) | (x6 >> 25);
            x3 += x7; x15 ^= x3; x15 = (x15 << 16) | (x15 >> 16);
            x11 += x15; x7 ^= x11; x7 = (x7 << 12) | (x7 >> 20);
            x3 += x7; x15 ^= x3; x15 = (x15 << 8) | (x15 >> 24);
            x11 += x15; x7 ^= x11; x7 = (x7 << 7) | (x7 >> 25);
            x0 += x5; x15 ^= x0; x15 = (x15 << 16) | (x15 >> 16);
            x10 += x15; x5 ^= x10; x5 = (x5 << 12) | (x5 >> 20);
            x0 += x5; x15 ^= x0; x15 = (x15 << 8) | (x15 >> 24);
            x10 += x15; x5 ^= x10; x5 = (x5 << 7) | (x5 >> 25);
            x1 += x6; x12 ^= x1; x12 = (x12 << 16) | (x12 >> 16);
            x11 += x12; x6 ^= x11; x6 = (x6 << 12) | (x6 >> 20);
            x1 += x6; x12 ^= x1; x12 = (x12 << 8) | (x12 >> 24);
            x11 += x12; x6 ^= x11; x6 = (x6 << 7) | (x6 >> 25);
            x2 += x7; x13 ^= x2; x13 = (x13 << 16) | (x13 >> 16);
            x8 += x13; x7 ^= x8; x7 = (x7 << 12) | (x7 >> 20);
            x2 += x7; x13 ^= x2; x13 = (x13 << 8) | (x13 >> 24);
            x8 += x13; x7 ^= x8; x7 = (x7 << 7) | (x7 >> 25);
            x3 += x4; x14 ^= x3; x14 = (x14 << 16) | (x14 >> 16);
            x9 += x14; x4 ^= x9; x4 = (x4 << 12) | (x4 >> 20);
            x3 += x4; x14 ^= x3; x14 = (x14 << 8) | (x14 >> 24);
            x9 += x14; x4 ^= x9; x4 = (x4 << 7) | (x4 >> 25);
        }
        ref uint o = ref MemoryMarshal.GetReference(output);
        (x0 + Vector128.Create(state[0])).StoreUnsafe(ref o, 0);
        (x1 + Vector128.Create(state[1])).StoreUnsafe(ref o, 4);
        (x2 + Vector128.Create(state[2])).StoreUnsafe(ref o, 8);
        (x3 + Vector128.Create(state[3])).StoreUnsafe(ref o, 12);
        (x4 + Vector128.Create(state[4])).StoreUnsafe(ref o, 16);
        (x5 + Vector128.Create(state[5])).StoreUnsafe(ref o, 20);
        (x6 + Vector128.Create(state[6])).StoreUnsafe(ref o, 24);
        (x7 + Vector128.Create(state[7])).StoreUnsafe(ref o, 28);
        (x8 + Vector128.Create(state[8])).StoreUnsafe(ref o, 32);
        (x9 + Vector128.Create(state[9])).StoreUnsafe(ref o, 36);
        (x10 + Vector128.Create(state[10])).StoreUnsafe(ref o, 40);
        (x11 + Vector128.Create(state[11])).StoreUnsafe(ref o, 44);
        (x12 + counters).StoreUnsafe(ref o, 48);
        (x13 + Vector128.Create(state[13])).StoreUnsafe(ref o, 52);
        (x14 + Vector128.Create(state[14])).StoreUnsafe(ref o, 56);
        (x15 + Vector128.Create(state[15])).StoreUnsafe(ref o, 60);
    }

    /// <summary>
    /// Poly1305 (RFC 8439 section 2.5) with the accumulator in five 26-bit limbs: every product is 32x32-&gt;64 bits,
    /// which the interpreter and Wasm do natively (no 128-bit multiply).
    /// </summary>
    private struct Poly1305
    {
        private uint _r0, _r1, _r2, _r3, _r4;
        private uint _h0, _h1, _h2, _h3, _h4;
        private uint _pad0, _pad1, _pad2, _pad3;

        /// <param name="key">Words 0-7 of ChaCha20 block 0: r (clamped here) then s.</param>
        public Poly1305(ReadOnlySpan<uint> key)
        {
            uint t0 = key[0], t1 = key[1], t2 = key[2], t3 = key[3];
            _r0 = t0 & 0x3ffffff;
            _r1 = ((t0 >> 26) | (t1 << 6)) & 0x3ffff03;
            _r2 = ((t1 >> 20) | (t2 << 12)) & 0x3ffc0ff;
            _r3 = ((t2 >> 14) | (t3 << 18)) & 0x3f03fff;
            _r4 = (t3 >> 8) & 0x00fffff;
            _h0 = _h1 = _h2 = _h3 = _h4 = 0;
            _pad0 = key[4]; _pad1 = key[5]; _pad2 = key[6]; _pad3 = key[7];
        }

        /// <summary>Absorbs <paramref name="data"/> zero-padded to a multiple of 16 bytes (every block then has its high bit).</summary>
        public void UpdatePadded(ReadOnlySpan<byte> data)
        {
            int full = data.Length & ~15;
            if (full > 0) Blocks(data[..full]);
            if (full == data.Length) return;
            Span<byte> last = stackalloc byte[16];
            last.Clear();
            data[full..].CopyTo(last);
            Blocks(last);
        }

        private void Blocks(ReadOnlySpan<byte> data)
        {
            // Little-endian words straight from the span (one cast, no per-word call: calls cost in the interpreter).
            if (!BitConverter.IsLittleEndian)
            {
                Span<uint> swapped = stackalloc uint[4];
                for (int i = 0; i < data.Length; i += 16)
                {
                    for (int w = 0; w < 4; w++) swapped[w] = BinaryPrimitives.ReadUInt32LittleEndian(data[(i + 4 * w)..]);
                    Blocks(swapped);
                }
                return;
            }
            Blocks(MemoryMarshal.Cast<byte, uint>(data));
        }

        private void Blocks(ReadOnlySpan<uint> words)
        {
            uint r0 = _r0, r1 = _r1, r2 = _r2, r3 = _r3, r4 = _r4;
            uint s1 = r1 * 5, s2 = r2 * 5, s3 = r3 * 5, s4 = r4 * 5;
            uint h0 = _h0, h1 = _h1, h2 = _h2, h3 = _h3, h4 = _h4;
            for (int i = 0; i < words.Length; i += 4)
            {
                uint t0 = words[i], t1 = words[i + 1], t2 = words[i + 2], t3 = words[i + 3];
                h0 += t0 & 0x3ffffff;
                h1 += ((t0 >> 26) | (t1 << 6)) & 0x3ffffff;
                h2 += ((t1 >> 20) | (t2 << 12)) & 0x3ffffff;
                h3 += ((t2 >> 14) | (t3 << 18)) & 0x3ffffff;
                h4 += (t3 >> 8) | (1u << 24);

                ulong d0 = (ulong)h0 * r0 + (ulong)h1 * s4 + (ulong)h2 * s3 + (ulong)h3 * s2 + (ulong)h4 * s1;
                ulong d1 = (ulong)h0 * r1 + (ulong)h1 * r0 + (ulong)h2 * s4 + (ulong)h3 * s3 + (ulong)h4 * s2;
                ulong d2 = (ulong)h0 * r2 + (ulong)h1 * r1 + (ulong)h2 * r0 + (ulong)h3 * s4 + (ulong)h4 * s3;
                ulong d3 = (ulong)h0 * r3 + (ulong)h1 * r2 + (ulong)h2 * r1 + (ulong)h3 * r0 + (ulong)h4 * s4;
                ulong d4 = (ulong)h0 * r4 + (ulong)h1 * r3 + (ulong)h2 * r2 + (ulong)h3 * r1 + (ulong)h4 * r0;

                ulong c = d0 >> 26; h0 = (uint)d0 & 0x3ffffff;
                d1 += c; c = d1 >> 26; h1 = (uint)d1 & 0x3ffffff;
                d2 += c; c = d2 >> 26; h2 = (uint)d2 & 0x3ffffff;
                d3 += c; c = d3 >> 26; h3 = (uint)d3 & 0x3ffffff;
                d4 += c; c = d4 >> 26; h4 = (uint)d4 & 0x3ffffff;
                h0 += (uint)c * 5; h1 += h0 >> 26; h0 &= 0x3ffffff;
            }
            _h0 = h0; _h1 = h1; _h2 = h2; _h3 = h3; _h4 = h4;
        }

        /// <summary>Writes the 16-byte tag: h fully reduced mod 2^130 - 5, plus s, mod 2^128.</summary>
        public void Finish(Span<byte> tag)
        {
            uint h0 = _h0, h1 = _h1, h2 = _h2, h3 = _h3, h4 = _h4;
            uint c = h1 >> 26; h1 &= 0x3ffffff;
            h2 += c; c = h2 >> 26; h2 &= 0x3ffffff;
            h3 += c; c = h3 >> 26; h3 &= 0x3ffffff;
            h4 += c; c = h4 >> 26; h4 &= 0x3ffffff;
            h0 += c * 5; c = h0 >> 26; h0 &= 0x3ffffff;
            h1 += c;

            // g = h + 5 - 2^130: if it does not borrow, h >= p and g is the reduced value.
            uint g0 = h0 + 5; c = g0 >> 26; g0 &= 0x3ffffff;
            uint g1 = h1 + c; c = g1 >> 26; g1 &= 0x3ffffff;
            uint g2 = h2 + c; c = g2 >> 26; g2 &= 0x3ffffff;
            uint g3 = h3 + c; c = g3 >> 26; g3 &= 0x3ffffff;
            uint g4 = h4 + c - (1u << 26);
            uint useG = (g4 >> 31) - 1; // all ones when g4 did not borrow
            h0 = (h0 & ~useG) | (g0 & useG);
            h1 = (h1 & ~useG) | (g1 & useG);
            h2 = (h2 & ~useG) | (g2 & useG);
            h3 = (h3 & ~useG) | (g3 & useG);
            h4 = (h4 & ~useG) | (g4 & useG);

            ulong f = (ulong)(h0 | (h1 << 26)) + _pad0;
            BinaryPrimitives.WriteUInt32LittleEndian(tag, (uint)f);
            f = (ulong)((h1 >> 6) | (h2 << 20)) + _pad1 + (f >> 32);
            BinaryPrimitives.WriteUInt32LittleEndian(tag[4..], (uint)f);
            f = (ulong)((h2 >> 12) | (h3 << 14)) + _pad2 + (f >> 32);
            BinaryPrimitives.WriteUInt32LittleEndian(tag[8..], (uint)f);
            f = (ulong)((h3 >> 18) | (h4 << 8)) + _pad3 + (f >> 32);
            BinaryPrimitives.WriteUInt32LittleEndian(tag[12..], (uint)f);
        }
    }
}
