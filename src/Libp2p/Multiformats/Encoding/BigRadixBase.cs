namespace Libp2p.Multiformats;

/// <summary>
/// A base whose radix is not a power of two (base58btc, base36): the text is one big number, and each
/// leading zero character stands for one leading zero byte. Quadratic, so callers bound the input length.
/// </summary>
internal sealed class BigRadixBase
{
    public static readonly BigRadixBase Base58Btc = new("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz", caseInsensitive: false);
    public static readonly BigRadixBase Base36 = new("0123456789abcdefghijklmnopqrstuvwxyz", caseInsensitive: true);

    private readonly string _alphabet;
    private readonly int _radix;
    private readonly sbyte[] _lookup = new sbyte[128];

    private BigRadixBase(string alphabet, bool caseInsensitive)
    {
        _alphabet = alphabet;
        _radix = alphabet.Length;
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
        // log(58)/log(256) < 0.733, log(36)/log(256) < 0.647: 3/4 of the digits is always enough room.
        var buf = new byte[(text.Length - zeros) * 3 / 4 + 1];
        int used = 0; // bytes of buf in use, counted from the end (big-endian)
        for (int i = zeros; i < text.Length; i++)
        {
            char c = text[i];
            int carry = c < 128 ? _lookup[c] : -1;
            if (carry < 0)
                return false;
            int j = 0;
            for (int k = buf.Length - 1; k >= 0 && (carry != 0 || j < used); k--, j++)
            {
                carry += _radix * buf[k];
                buf[k] = (byte)carry;
                carry >>= 8;
            }
            used = j;
        }
        bytes = new byte[zeros + used];
        buf.AsSpan(buf.Length - used).CopyTo(bytes.AsSpan(zeros));
        return true;
    }

    public string Encode(ReadOnlySpan<byte> data)
    {
        int zeros = 0;
        while (zeros < data.Length && data[zeros] == 0)
            zeros++;
        // log(256)/log(36) < 1.55: 8/5 digits per byte is always enough room.
        var digits = new byte[(data.Length - zeros) * 8 / 5 + 1];
        int used = 0;
        for (int i = zeros; i < data.Length; i++)
        {
            int carry = data[i];
            int j = 0;
            for (int k = digits.Length - 1; k >= 0 && (carry != 0 || j < used); k--, j++)
            {
                carry += 256 * digits[k];
                digits[k] = (byte)(carry % _radix);
                carry /= _radix;
            }
            used = j;
        }
        var chars = new char[zeros + used];
        chars.AsSpan(0, zeros).Fill(_alphabet[0]);
        for (int i = 0; i < used; i++)
            chars[zeros + i] = _alphabet[digits[digits.Length - used + i]];
        return new string(chars);
    }
}
