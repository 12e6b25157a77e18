namespace Libp2p.Multiformats;

/// <summary>Structural check of a multihash: varint code, varint digest length, exactly that many digest bytes.</summary>
internal static class Multihash
{
    public const ulong Identity = 0x00;
    public const ulong Sha2_256 = 0x12;

    public static bool TryValidate(ReadOnlySpan<byte> mh, out ulong code, out int digestLength, out string error)
    {
        code = 0;
        digestLength = 0;
        try
        {
            if (!Varint.TryRead(mh, out code, out int n1))
            {
                error = mh.IsEmpty ? "empty multihash" : "multihash code is truncated";
                return false;
            }
            if (!Varint.TryRead(mh[n1..], out ulong len, out int n2))
            {
                error = "multihash digest length is missing or truncated";
                return false;
            }
            int remaining = mh.Length - n1 - n2;
            if (len != (ulong)remaining)
            {
                error = $"multihash digest length {len} does not match the {remaining} bytes present";
                return false;
            }
            digestLength = remaining;
            error = "";
            return true;
        }
        catch (VarintFormatException e)
        {
            error = "malformed multihash varint: " + e.Message;
            return false;
        }
    }
}
