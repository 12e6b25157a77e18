namespace Libp2p.Multiformats;

/// <summary>Multibase text (a one-character prefix naming the base), decoding only the bases libp2p addresses use.</summary>
internal static class Multibase
{
    /// <summary>
    /// base58/base36 decoding is quadratic: longer texts are refused first. 256 characters hold 187 bytes of
    /// base58, far beyond any multihash or CID (a sha2-256 certhash is ~50); at 1024 one hostile /certhash cost
    /// ~0.5 ms natively and ~2.8 ms inside Wasm, and an identify message may carry several.
    /// </summary>
    public const int MaxBigRadixLength = 256;

    public static bool TryDecode(ReadOnlySpan<char> text, out byte[] bytes, out string error)
    {
        bytes = [];
        if (text.IsEmpty)
        {
            error = "empty multibase text";
            return false;
        }
        var body = text[1..];
        if (body.Length > MaxBigRadixLength && text[0] is 'k' or 'K' or 'z')
        {
            error = $"multibase '{text[0]}' text longer than {MaxBigRadixLength} characters";
            return false;
        }
        bool ok = text[0] switch
        {
            'f' or 'F' => RadixBase.Base16.TryDecode(body, allowPadding: false, out bytes),
            'b' or 'B' => RadixBase.Base32.TryDecode(body, allowPadding: false, out bytes),
            'c' or 'C' => RadixBase.Base32.TryDecode(body, allowPadding: true, out bytes),
            'k' or 'K' => BigRadixBase.Base36.TryDecode(body, out bytes),
            'z' => BigRadixBase.Base58Btc.TryDecode(body, out bytes),
            'm' => RadixBase.Base64.TryDecode(body, allowPadding: false, out bytes),
            'M' => RadixBase.Base64.TryDecode(body, allowPadding: true, out bytes),
            'u' => RadixBase.Base64Url.TryDecode(body, allowPadding: false, out bytes),
            'U' => RadixBase.Base64Url.TryDecode(body, allowPadding: true, out bytes),
            _ => Unsupported(out bytes),
        };
        error = ok ? "" : IsKnownPrefix(text[0]) ? $"not valid multibase '{text[0]}' text" : $"unsupported multibase prefix '{text[0]}'";
        return ok;
    }

    private static bool IsKnownPrefix(char c) => "fFbBcCkKzmMuU".Contains(c);

    private static bool Unsupported(out byte[] bytes)
    {
        bytes = [];
        return false;
    }
}
