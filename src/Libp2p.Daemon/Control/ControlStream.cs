using System.Buffers;
using Google.Protobuf;
using Libp2p.Core;
using Libp2p.Daemon.Pb;
using Libp2p.Multiformats;

namespace Libp2p.Daemon.Control;

/// <summary>
/// One control connection seen as a sequence of length-prefixed messages. Reads never go past the current
/// message: after a STREAM_OPEN the bytes that follow belong to the piped stream, so the length prefix is read a
/// byte at a time (control messages are few and small) and then exactly the payload.
/// </summary>
internal sealed class ControlStream(IDuplexStream stream, int maxMessageSize)
{
    public IDuplexStream Stream { get; } = stream;

    /// <summary>The next request, or null when the client closed the connection between requests.</summary>
    /// <exception cref="ControlProtocolException">A bad, oversized or truncated message.</exception>
    public async ValueTask<Request?> ReadRequestAsync(CancellationToken ct)
    {
        int? length = await ReadLengthAsync(ct).ConfigureAwait(false);
        if (length is null) return null;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(length.Value, 1));
        int got = 0;
        while (got < length.Value)
        {
            int n = await Stream.ReadAsync(buffer.AsMemory(got, length.Value - got), ct).ConfigureAwait(false);
            if (n == 0)
                throw new ControlProtocolException(ControlProtocolError.Truncated,
                    $"The control connection ended {got} byte(s) into a {length.Value}-byte message.");
            got += n;
        }
        var request = ControlCodec.DecodeRequest(buffer.AsSpan(0, length.Value));
        // Back to the pool only when the read completed: after a failure the stream may still hold the buffer.
        ArrayPool<byte>.Shared.Return(buffer);
        return request;
    }

    public ValueTask WriteAsync(IMessage message, CancellationToken ct) => Stream.WriteAsync(ControlCodec.Frame(message), ct);

    public ValueTask WriteOkAsync(CancellationToken ct) => WriteAsync(Responses.Ok(), ct);

    public ValueTask WriteErrorAsync(string message, CancellationToken ct) => WriteAsync(Responses.Error(message), ct);

    private async ValueTask<int?> ReadLengthAsync(CancellationToken ct)
    {
        byte[] prefix = new byte[Varint.MaxLength];
        for (int i = 0; i < prefix.Length; i++)
        {
            int n = await Stream.ReadAsync(prefix.AsMemory(i, 1), ct).ConfigureAwait(false);
            if (n == 0)
            {
                if (i == 0) return null;
                throw new ControlProtocolException(ControlProtocolError.Truncated, "The control connection ended inside a length prefix.");
            }
            if (ControlCodec.TryReadLength(prefix.AsSpan(0, i + 1), maxMessageSize, out int length, out _))
                return length;
        }
        // Varint.TryRead refuses a 9th continuation byte, so the loop ends through a return or a throw.
        throw new ControlProtocolException(ControlProtocolError.BadLengthPrefix, "Bad control message length prefix.");
    }
}
