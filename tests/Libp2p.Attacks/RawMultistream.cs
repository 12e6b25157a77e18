using System.Text;

namespace Libp2p.Attacks;

/// <summary>multistream-select messages written by hand: a varint length, the text, a newline.</summary>
public static class RawMultistream
{
    public static byte[] Message(string text)
    {
        var body = Encoding.UTF8.GetBytes(text + "\n");
        return [.. Varint(body.Length), .. body];
    }

    /// <summary>The header and one proposal in one write, as a dialer sends them.</summary>
    public static byte[] Propose(string protocol) => [.. Message("/multistream/1.0.0"), .. Message(protocol)];

    public static byte[] Varint(long value)
    {
        var bytes = new List<byte>();
        do
        {
            byte b = (byte)(value & 0x7F);
            value >>= 7;
            bytes.Add(value != 0 ? (byte)(b | 0x80) : b);
        }
        while (value != 0);
        return [.. bytes];
    }

    /// <summary>Reads one message (for the answers the node sends); null at EOF.</summary>
    public static async Task<string?> ReadAsync(Func<Memory<byte>, CancellationToken, Task> readExactly, CancellationToken ct)
    {
        var one = new byte[1];
        int length = 0, shift = 0;
        while (true)
        {
            await readExactly(one, ct).ConfigureAwait(false);
            length |= (one[0] & 0x7F) << shift;
            if (one[0] < 0x80) break;
            shift += 7;
            if (shift > 14) throw new InvalidDataException("multistream length too long");
        }
        var body = new byte[length];
        await readExactly(body, ct).ConfigureAwait(false);
        return Encoding.UTF8.GetString(body).TrimEnd('\n');
    }
}
