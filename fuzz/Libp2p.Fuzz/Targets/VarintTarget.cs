using Libp2p.Multiformats;

namespace Libp2p.Fuzz;

/// <summary>Unsigned varint: a value is decoded only from its one minimal encoding, and encodes back to it.</summary>
internal static class VarintTarget
{
    public static readonly FuzzTarget Target = new("varint", "Varint.TryRead / Read", Run, Seeds);

    private static void Run(byte[] data)
    {
        try
        {
            if (!Varint.TryRead(data, out ulong value, out int read))
            {
                if (data.Length >= Varint.MaxLength) throw new FuzzFindingException("TryRead asked for more bytes past 9.");
                return;
            }
            if (read is < 1 or > Varint.MaxLength) throw new FuzzFindingException($"TryRead consumed {read} bytes.");
            byte[] again = Varint.Encode(value);
            if (!again.AsSpan().SequenceEqual(data.AsSpan(0, read)))
                throw new FuzzFindingException($"Decoded {value} from a non-canonical encoding.");
            if (Varint.GetLength(value) != read) throw new FuzzFindingException("GetLength disagrees with the decoder.");
        }
        catch (VarintFormatException) { }
    }

    private static IEnumerable<byte[]> Seeds()
    {
        foreach (ulong v in new ulong[] { 0, 1, 127, 128, 300, 16384, uint.MaxValue, Varint.MaxValue })
            yield return Varint.Encode(v);
    }
}
