using SimpleBase;

namespace Libp2p.Multiformats;

/// <summary>
/// A base whose radix is not a power of two (base58btc, base36): the text is one big number, and each leading zero
/// character stands for one leading zero byte, so every text in the alphabet is the one encoding of its bytes.
/// The conversion is SimpleBase's (pure managed, no reflection; the assembly is marked IsTrimmable/IsAotCompatible);
/// this wrapper only turns its failures into false. Decoding is quadratic in the text length, so callers bound the
/// input first (<see cref="Multibase.MaxBigRadixLength"/>, the p2p value codec, PeerId).
/// </summary>
internal sealed class BigRadixBase
{
    public static readonly BigRadixBase Base58Btc = new(Base58.Bitcoin);
    // SimpleBase decodes base36 case-insensitively, as multibase 'k'/'K' requires; it prints lower case.
    public static readonly BigRadixBase Base36 = new(SimpleBase.Base36.LowerCase);

    private readonly IBaseCoder _coder;
    private readonly INonAllocatingBaseCoder _spanCoder;

    private BigRadixBase(Base58 coder) => (_coder, _spanCoder) = (coder, coder);
    private BigRadixBase(Base36 coder) => (_coder, _spanCoder) = (coder, coder);

    /// <summary>Decodes <paramref name="text"/>; false on any character outside the alphabet (never throws).</summary>
    public bool TryDecode(ReadOnlySpan<char> text, out byte[] bytes)
    {
        bytes = [];
        if (!IsVisibleAscii(text))
            return false;
        try
        {
            var buffer = new byte[_spanCoder.GetSafeByteCountForDecoding(text)];
            if (!_spanCoder.TryDecode(text, buffer, out int written))
                return false;
            bytes = written == buffer.Length ? buffer : buffer[..written];
            return true;
        }
        catch (ArgumentException) // SimpleBase reports bad input this way; callers expect false, never an exception
        {
            return false;
        }
    }

    public string Encode(ReadOnlySpan<byte> data) => _coder.Encode(data);

    /// <summary>
    /// Every alphabet here is visible ASCII, and text outside it must not reach the libraries: SimpleBase 5.6.4 indexes
    /// its 127-entry lookup table with the raw character (IndexOutOfRangeException from DEL or any non-ASCII
    /// character), and the BCL's Base64Url read out of bounds on non-ASCII input (dotnet/runtime#124513).
    /// </summary>
    internal static bool IsVisibleAscii(ReadOnlySpan<char> text) => !text.ContainsAnyExceptInRange('!', '~');
}
