namespace Libp2p.Multiformats;

/// <summary>
/// A base whose radix is not a power of two (base58btc, base36): the text is one big number, and each leading zero
/// character stands for one leading zero byte. The conversion works on 32-bit words and on chunks of digits (radix^k
/// just under 2^32) to keep the quadratic cost small; callers still bound the input length.
/// </summary>
internal sealed class BigRadixBase
{
    public static readonly BigRadixBase Base58Btc = new("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz", caseInsensitive: false);
    public static readonly BigRadixBase Base36 = new("0123456789abcdefghijklmnopqrstuvwxyz", caseInsensitive: true);

    private readonly string _alphabet;
    private readonly uint _radix;
    private readonly int _chunkDigits; // k: the most digits whose value fits in 32 bits
    private readonly uint _chunkRadix; // radix^k
    private readonly sbyte[] _lookup = new sbyte[128];

    private BigRadixBase(string alphabet, bool caseInsensitive)
    {
        _alphabet = alphabet;
        _radix = (uint)alphabet.Length;
        ulong r = 1;
        while (r * _radix <= uint.MaxValue) { r *= _radix; _chunkDigits++; }
        _chunkRadix = (uint)r;
        Array.Fill(_lookup, (sbyte)-1);
        for (int i = 0; i < alphabet.Length; i++)
        {
            char c = alphabet[i];
            _lookup[c] = (sbyte)i;
            if (caseInsensitive)
            {
                _lookup[char.ToUpperInvariant(c)] = (sbyte)i;
                _lookup[char.ToLowerInvariant(c)] = (sbyte)i;
            }
        }
    }

    public bool TryDecode(ReadOnlySpan<char> text, out byte[] bytes)
    {
        bytes = [];
        int zeros = 0;
        while (zeros < text.Length && text[zeros] == _alphabet[0])
            zeros++;
        var digits = text[zeros..];
        // The number in base 2^32, least significant word last; each digit carries < 6 bits.
        var words = new uint[digits.Length * 6 / 32 + 2];
        int used = 0;
        for (int pos = 0; pos < digits.Length;)
        {
            int take = pos == 0 && digits.Length % _chunkDigits != 0 ? digits.Length % _chunkDigits : _chunkDigits;
            uint chunk = 0, multiplier = 1;
            for (int i = 0; i < take; i++, pos++)
            {
                char c = digits[pos];
                int d = c < 128 ? _lookup[c] : -1;
                if (d < 0)
                    return false;
                chunk = chunk * _radix + (uint)d;
                multiplier *= _radix;
            }
            ulong carry = chunk;
            int j = 0;
            for (int k = words.Length - 1; k >= 0 && (carry != 0 || j < used); k--, j++)
            {
                ulong x = (ulong)words[k] * multiplier + carry;
                words[k] = (uint)x;
                carry = x >> 32;
            }
            used = j;
        }
        var all = new byte[used * 4];
        for (int i = 0; i < used; i++)
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(all.AsSpan(4 * i), words[words.Length - used + i]);
        int skip = all.AsSpan().IndexOfAnyExcept((byte)0);
        var significant = skip < 0 ? [] : all.AsSpan(skip);
        bytes = new byte[zeros + significant.Length];
        significant.CopyTo(bytes.AsSpan(zeros));
        return true;
    }

    public string Encode(ReadOnlySpan<byte> data)
    {
        int zeros = data.IndexOfAnyExcept((byte)0);
        if (zeros < 0)
            zeros = data.Length;
        var rest = data[zeros..];
        // The number in base radix^k, least significant limb last; each limb carries at least 31 bits for base 36
        // and 29 for base 58, so 8 bits a byte over 29 bits a limb is always enough room.
        var limbs = new uint[rest.Length * 8 / 29 + 2];
        int used = 0;
        for (int pos = 0; pos < rest.Length;)
        {
            int take = pos == 0 && rest.Length % 4 != 0 ? rest.Length % 4 : 4;
            ulong carry = 0;
            for (int i = 0; i < take; i++, pos++)
                carry = carry << 8 | rest[pos];
            int shift = 8 * take;
            int j = 0;
            for (int k = limbs.Length - 1; k >= 0 && (carry != 0 || j < used); k--, j++)
            {
                (carry, ulong rem) = Math.DivRem((ulong)limbs[k] << shift | carry, _chunkRadix);
                limbs[k] = (uint)rem;
            }
            used = j;
        }
        var sb = new System.Text.StringBuilder(zeros + used * _chunkDigits);
        sb.Append(_alphabet[0], zeros);
        Span<char> chunk = stackalloc char[_chunkDigits];
        for (int i = limbs.Length - used; i < limbs.Length; i++)
        {
            uint v = limbs[i];
            for (int d = _chunkDigits - 1; d >= 0; d--)
            {
                chunk[d] = _alphabet[(int)(v % _radix)];
                v /= _radix;
            }
            // The most significant limb is written without its leading zero digits.
            var digits = i == limbs.Length - used ? chunk.TrimStart(_alphabet[0]) : chunk;
            sb.Append(digits);
        }
        return sb.ToString();
    }
}
