namespace Libp2p.Multiformats;

/// <summary>
/// Unsigned varint per multiformats/unsigned-varint: 7 bits a byte, little-endian groups, at most
/// 9 bytes (63 bits), and the minimal encoding only (no trailing 0x00 continuation groups).
/// </summary>
public static class Varint
{
    /// <summary>The longest encoding the spec allows.</summary>
    public const int MaxLength = 9;

    /// <summary>The largest value that fits in 9 bytes (2^63 - 1).</summary>
    public const ulong MaxValue = (1UL << 63) - 1;

    /// <summary>How many bytes <paramref name="value"/> takes as an unsigned varint (1 to 10).</summary>
    public static int GetLength(ulong value)
    {
        if (value > MaxValue) throw new ArgumentOutOfRangeException(nameof(value), "An unsigned varint holds at most 63 bits.");
        int n = 1;
        while (value >= 0x80) { value >>= 7; n++; }
        return n;
    }

    /// <summary>Writes <paramref name="value"/> and returns the number of bytes written.</summary>
    public static int Write(ulong value, Span<byte> destination)
    {
        if (value > MaxValue) throw new ArgumentOutOfRangeException(nameof(value), "An unsigned varint holds at most 63 bits.");
        int i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        destination[i++] = (byte)value;
        return i;
    }

    /// <paramref name="value"/> as an unsigned varint.
    public static byte[] Encode(ulong value)
    {
        var buf = new byte[GetLength(value)];
        Write(value, buf);
        return buf;
    }

    /// <summary>
    /// Reads a varint from the start of <paramref name="source"/>. Returns false when more bytes are
    /// needed (the input ends inside the varint).
    /// </summary>
    /// <exception cref="VarintFormatException">Longer than 9 bytes or not minimally encoded.</exception>
    public static bool TryRead(ReadOnlySpan<byte> source, out ulong value, out int bytesRead)
    {
        value = 0;
        bytesRead = 0;
        for (int i = 0; i < source.Length; i++)
        {
            if (i == MaxLength)
                throw new VarintFormatException("Varint is longer than 9 bytes.");
            byte b = source[i];
            value |= (ulong)(b & 0x7F) << (7 * i);
            if (b < 0x80)
            {
                if (b == 0 && i > 0)
                    throw new VarintFormatException("Varint is not minimally encoded.");
                bytesRead = i + 1;
                return true;
            }
        }
        if (source.Length >= MaxLength)
            throw new VarintFormatException("Varint is longer than 9 bytes.");
        value = 0;
        return false;
    }

    /// <summary>Reads a complete varint; a truncated one is an error.</summary>
    /// <exception cref="VarintFormatException">Truncated, too long or not minimal.</exception>
    public static ulong Read(ReadOnlySpan<byte> source, out int bytesRead)
    {
        if (!TryRead(source, out ulong value, out bytesRead))
            throw new VarintFormatException(source.IsEmpty ? "Varint expected, input is empty." : "Varint is truncated.");
        return value;
    }
}

/// <summary>Malformed unsigned varint.</summary>
public sealed class VarintFormatException(string message) : Libp2pException(Libp2pError.InvalidVarint, message);
