namespace Libp2p.Multiformats;

/// <summary>
/// A power-of-two base (16, 32, 64) as in RFC 4648: each character carries a fixed number of bits.
/// Decoding is strict (alphabet, length and zero trailing bits) so that one text maps to one byte string.
/// </summary>
internal sealed class RadixBase
{
    public static readonly RadixBase Base16 = new("0123456789abcdef", 4, caseInsensitive: true);
    public static readonly RadixBase Base32 = new("abcdefghijklmnopqrstuvwxyz234567", 5, caseInsensitive: true);
    public static readonly RadixBase Base64 = new("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 6, caseInsensitive: false);
    public static readonly RadixBase Base64Url = new("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 6, caseInsensitive: false);

    private readonly string _alphabet;
    private readonly int _bits;
    private readonly sbyte[] _lookup = new sbyte[128];

    private RadixBase(string alphabet, int bitsPerChar, bool caseInsensitive)
    {
        _alphabet = alphabet;
        _bits = bitsPerChar;
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

    /// <summary>Decodes <paramref name="text"/>; trailing '=' padding is accepted only when <paramref name="allowPadding"/>.</summary>
    public bool TryDecode(ReadOnlySpan<char> text, bool allowPadding, out byte[] bytes)
    {
        bytes = [];
        if (allowPadding)
            text = text.TrimEnd('=');
        long totalBits = (long)text.Length * _bits;
        // A last character that contributes no whole byte means the length is impossible.
        if (totalBits % 8 >= _bits)
            return false;
        var result = new byte[totalBits / 8];
        int acc = 0, accBits = 0, o = 0;
        foreach (char c in text)
        {
            int v = c < 128 ? _lookup[c] : -1;
            if (v < 0)
                return false;
            acc = (acc << _bits) | v;
            accBits += _bits;
            if (accBits >= 8)
            {
                accBits -= 8;
                result[o++] = (byte)(acc >> accBits);
                acc &= (1 << accBits) - 1;
            }
        }
        if (acc != 0) // non-zero trailing bits: not the canonical encoding of any byte string
            return false;
        bytes = result;
        return true;
    }

    /// <summary>Encodes without padding, in the alphabet's case.</summary>
    public string Encode(ReadOnlySpan<byte> data)
    {
        int chars = (int)(((long)data.Length * 8 + _bits - 1) / _bits);
        return string.Create(chars, (this, data.ToArray()), static (dest, state) =>
        {
            var (self, src) = state;
            int acc = 0, accBits = 0, o = 0, mask = (1 << self._bits) - 1;
            foreach (byte b in src)
            {
                acc = ((acc << 8) | b) & 0xFFFF;
                accBits += 8;
                while (accBits >= self._bits)
                {
                    accBits -= self._bits;
                    dest[o++] = self._alphabet[(acc >> accBits) & mask];
                }
            }
            if (accBits > 0)
                dest[o] = self._alphabet[(acc << (self._bits - accBits)) & mask];
        });
    }
}
