using System.Buffers;
using Google.Protobuf;
using Libp2p.Core;
using Libp2p.Multiformats;

namespace Libp2p.Relay;

/// <summary>
/// Hop and stop messages on the wire: each a varint length and that many protobuf bytes. Reading consumes exactly one
/// message (the length a byte at a time), because after the last message the same stream carries the relayed
/// connection's bytes.
/// </summary>
internal static class RelayFraming
{
    public static async ValueTask WriteAsync(IDuplexStream stream, IMessage message, CancellationToken ct)
    {
        int size = message.CalculateSize();
        if (size > RelayProtocol.MaxMessageSize)
            throw new InvalidOperationException($"A relay message of {size} bytes is over the {RelayProtocol.MaxMessageSize}-byte limit.");
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Varint.MaxLength + size);
        try
        {
            int at = Varint.Write((ulong)size, buffer);
            message.WriteTo(buffer.AsSpan(at, size));
            await stream.WriteAsync(buffer.AsMemory(0, at + size), ct).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>One message; <see cref="RelayProtocolException"/> when the stream ends first, the length is over the limit or the bytes do not parse.</summary>
    public static async ValueTask<T> ReadAsync<T>(IDuplexStream stream, MessageParser<T> parser, CancellationToken ct) where T : IMessage<T>
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(RelayProtocol.MaxMessageSize);
        bool done = false;
        try
        {
            int length = await ReadLengthAsync(stream, buffer, ct).ConfigureAwait(false);
            int got = 0;
            while (got < length)
            {
                int n = await stream.ReadAsync(buffer.AsMemory(got, length - got), ct).ConfigureAwait(false);
                if (n == 0) throw new RelayProtocolException($"The stream ended {got} byte(s) into a {length}-byte relay message.");
                got += n;
            }
            T message;
            try { message = parser.ParseFrom(buffer.AsSpan(0, length)); }
            catch (InvalidProtocolBufferException e) { throw new RelayProtocolException($"Malformed relay message: {e.Message}", e); }
            done = true;
            return message;
        }
        finally
        {
            // After a failed or cancelled read the stream below may still write into the buffer: leave it to the GC.
            if (done) ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async ValueTask<int> ReadLengthAsync(IDuplexStream stream, byte[] scratch, CancellationToken ct)
    {
        for (int i = 0; i < Varint.MaxLength; i++)
        {
            int n = await stream.ReadAsync(scratch.AsMemory(i, 1), ct).ConfigureAwait(false);
            if (n == 0)
                throw new RelayProtocolException(i == 0 ? "The stream ended before a relay message." : "The stream ended inside a relay message's length.");
            if ((scratch[i] & 0x80) == 0)
            {
                ulong value;
                try { value = Varint.Read(scratch.AsSpan(0, i + 1), out _); }
                catch (VarintFormatException e) { throw new RelayProtocolException($"A relay message's length is malformed: {e.Message}", e); }
                if (value > RelayProtocol.MaxMessageSize)
                    throw new RelayProtocolException($"A relay message of {value} bytes is over the {RelayProtocol.MaxMessageSize}-byte limit.");
                return (int)value;
            }
            if (i >= 2) break; // 4096 fits in two varint bytes
        }
        throw new RelayProtocolException($"A relay message's length is over the {RelayProtocol.MaxMessageSize}-byte limit.");
    }
}
