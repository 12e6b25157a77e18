using System.Buffers;
using Google.Protobuf;
using Libp2p.Core;
using Libp2p.Kad.Pb;
using Libp2p.Multiformats;

namespace Libp2p.Kad.Network;

/// <summary>
/// kad-dht messages on a stream: each an unsigned-varint length, then the protobuf. The length is checked against
/// the limit before any buffer is rented; only <see cref="KadProtocolException"/> (and the stream's own I/O errors)
/// escape a read.
/// </summary>
internal static class MessageFraming
{
    public static async ValueTask WriteAsync(IDuplexStream stream, Message message, int maxSize, CancellationToken ct)
    {
        int size = message.CalculateSize();
        if (size > maxSize) throw new KadProtocolException($"Refusing to send a {size}-byte message (limit {maxSize}).");
        int total = Varint.GetLength((ulong)size) + size;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(total);
        try
        {
            int n = Varint.Write((ulong)size, buffer);
            message.WriteTo(buffer.AsSpan(n, size));
            await stream.WriteAsync(buffer.AsMemory(0, total), ct).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The next message, or null at a clean end of stream before its first byte.</summary>
    public static async ValueTask<Message?> ReadAsync(IDuplexStream stream, int maxSize, CancellationToken ct)
    {
        int? length = await ReadLengthAsync(stream, maxSize, ct).ConfigureAwait(false);
        if (length is null) return null;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(length.Value, 1));
        bool complete = false;
        try
        {
            int got = 0;
            while (got < length.Value)
            {
                int n = await stream.ReadAsync(buffer.AsMemory(got, length.Value - got), ct).ConfigureAwait(false);
                if (n == 0) throw new KadProtocolException($"The stream ended {got} byte(s) into a {length}-byte message.");
                got += n;
            }
            complete = true;
            try { return Message.Parser.ParseFrom(buffer.AsSpan(0, length.Value)); }
            catch (InvalidProtocolBufferException e) { throw new KadProtocolException($"Malformed kad-dht message: {e.Message}", e); }
        }
        finally
        {
            // After a failed or cancelled read the stream below may still write into the buffer: leave it to the GC.
            if (complete) ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // A byte at a time, so nothing past the length is consumed; at most Varint.MaxLength bytes.
    private static async ValueTask<int?> ReadLengthAsync(IDuplexStream stream, int maxSize, CancellationToken ct)
    {
        var one = new byte[1];
        ulong value = 0;
        for (int i = 0; i < Varint.MaxLength; i++)
        {
            int n = await stream.ReadAsync(one, ct).ConfigureAwait(false);
            if (n == 0)
            {
                if (i == 0) return null;
                throw new KadProtocolException("The stream ended inside a message length.");
            }
            value |= (ulong)(one[0] & 0x7F) << (7 * i);
            if ((one[0] & 0x80) == 0)
            {
                if (i > 0 && one[0] == 0) throw new KadProtocolException("The message length is not a minimal varint.");
                if (value > (ulong)maxSize) throw new KadProtocolException($"A {value}-byte message is over the {maxSize}-byte limit.");
                return (int)value;
            }
        }
        throw new KadProtocolException("The message length varint is too long.");
    }
}
