using Libp2p.Core;

namespace Libp2p.Interop.Tests.HostInterop;

/// <summary>The deterministic byte pattern peer.mjs uses for echo streams (see interop/js/streams.mjs).</summary>
internal static class EchoPattern
{
    public static byte At(long offset, int stream) => (byte)((offset * 31 + stream * 7 + (offset >>> 16)) & 0xff);

    public static void Fill(Span<byte> chunk, long offset, int stream)
    {
        for (int i = 0; i < chunk.Length; i++) chunk[i] = At(offset + i, stream);
    }

    /// <summary>Writes <paramref name="total"/> pattern bytes while reading the echo back concurrently, checking every byte.</summary>
    public static async Task SendAndVerifyEchoAsync(IDuplexStream stream, int index, long total, CancellationToken ct)
    {
        var writer = WriteAllAsync(stream, index, total, ct);
        var buf = new byte[64 * 1024];
        long received = 0;
        while (true)
        {
            int n = await stream.ReadAsync(buf, ct);
            if (n == 0) break;
            for (int i = 0; i < n; i++)
            {
                if (buf[i] != At(received + i, index))
                    throw new InvalidDataException($"stream {index}: byte {received + i} is {buf[i]}, expected {At(received + i, index)}");
            }
            received += n;
        }
        await writer;
        if (received != total) throw new InvalidDataException($"stream {index}: echoed {received} of {total} bytes");
    }

    private static async Task WriteAllAsync(IDuplexStream stream, int index, long total, CancellationToken ct)
    {
        var chunk = new byte[64 * 1024];
        for (long sent = 0; sent < total;)
        {
            int n = (int)Math.Min(chunk.Length, total - sent);
            Fill(chunk.AsSpan(0, n), sent, index);
            await stream.WriteAsync(chunk.AsMemory(0, n), ct);
            sent += n;
        }
        await stream.CloseWriteAsync(ct);
    }
}
