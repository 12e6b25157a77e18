using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Libp2p.Multiformats;

/// <summary>Strict UTF-8 both ways, so that text and bytes map one to one (no replacement characters).</summary>
internal static class Utf8Text
{
    public static bool TryEncode(string text, out byte[] bytes)
    {
        bytes = [];
        var buf = new byte[Encoding.UTF8.GetMaxByteCount(text.Length)];
        if (Utf8.FromUtf16(text, buf, out _, out int written, replaceInvalidSequences: false) != OperationStatus.Done)
            return false; // a lone surrogate
        bytes = buf[..written];
        return true;
    }

    public static bool IsValid(ReadOnlySpan<byte> bytes) => Utf8.IsValid(bytes);

    public static string Decode(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);
}
