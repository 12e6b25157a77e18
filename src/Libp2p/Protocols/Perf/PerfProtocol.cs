using System.Buffers;
using System.Buffers.Binary;
using Libp2p.Core;

namespace Libp2p.Protocols.Perf;

/// <summary>
/// <c>/perf/1.0.0</c> (libp2p/specs perf/perf.md): the client sends the size it wants back as a
/// big-endian uint64, uploads, closes its write side; the server drains the upload to EOF, then
/// sends the requested bytes and closes. Both sides move data through one pooled 256 KiB buffer,
/// so any size up to 2^64-1 costs the same memory. The spec says perf SHOULD NOT be enabled by
/// default: the host decides whether to register <see cref="HandleAsync(IDuplexStream, CancellationToken)"/>.
/// </summary>
public static class PerfProtocol
{
    /// <summary>The protocol id, <c>/perf/1.0.0</c>.</summary>
    public const string ProtocolId = "/perf/1.0.0";

    /// <summary>The chunk each write and read moves.</summary>
    // 256 KiB: a Yamux window's worth per write, so a write needs few muxer batches and few Noise syscalls.
    public const int BufferSize = 256 * 1024;

    /// <summary>The shortest gap between two progress callbacks.</summary>
    public static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(100);

    private const int HeaderSize = sizeof(ulong);

    /// <summary>
    /// Client side. Progress (bytes uploaded, bytes downloaded) is reported at most once per
    /// <see cref="ProgressInterval"/> of <paramref name="time"/>, checked after each chunk.
    /// </summary>
    /// <exception cref="PerfException">The server sent more or fewer than <paramref name="download"/> bytes.</exception>
    public static async ValueTask<PerfResult> RunAsync(
        IDuplexStream stream, ulong upload, ulong download, TimeProvider time,
        Action<ulong, ulong>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(time);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        // A pooled buffer may hold another connection's plaintext: never send it as payload.
        buffer.AsSpan(0, BufferSize).Clear();
        long start = time.GetTimestamp();
        long lastReport = start;

        // The header rides in the first chunk, so a small run is a single write.
        BinaryPrimitives.WriteUInt64BigEndian(buffer, download);
        int headerPending = HeaderSize;
        ulong uploaded = 0;
        do
        {
            int chunk = (int)Math.Min((ulong)(BufferSize - headerPending), upload - uploaded);
            await stream.WriteAsync(buffer.AsMemory(0, headerPending + chunk), ct).ConfigureAwait(false);
            headerPending = 0;
            uploaded += (ulong)chunk;
            Report(progress, time, ref lastReport, uploaded, 0);
        }
        while (uploaded < upload);
        await stream.CloseWriteAsync(ct).ConfigureAwait(false);
        long uploadEnd = time.GetTimestamp();

        ulong downloaded = 0;
        while (true)
        {
            int n = await stream.ReadAsync(buffer.AsMemory(0, BufferSize), ct).ConfigureAwait(false);
            if (n == 0)
                break;
            downloaded += (ulong)n;
            if (downloaded > download)
                throw new PerfException($"The server sent more than the {download} byte(s) requested.");
            Report(progress, time, ref lastReport, uploaded, downloaded);
        }
        if (downloaded != download)
            throw new PerfException($"The server sent {downloaded} of the {download} byte(s) requested before closing.");
        long end = time.GetTimestamp();

        // Back to the pool only on success: after a failed or cancelled call the stream below may
        // still hold the buffer, so it is left to the GC instead.
        ArrayPool<byte>.Shared.Return(buffer);
        return new PerfResult(uploaded, downloaded,
            time.GetElapsedTime(start, uploadEnd), time.GetElapsedTime(uploadEnd, end));
    }

    private static void Report(Action<ulong, ulong>? progress, TimeProvider time, ref long last, ulong up, ulong down)
    {
        if (progress is null)
            return;
        long now = time.GetTimestamp();
        if (time.GetElapsedTime(last, now) < ProgressInterval)
            return;
        last = now;
        progress(up, down);
    }

    /// <summary>
    /// Server side: reads the requested size, drains the upload to EOF (never concurrently with the
    /// reply, as the spec requires), sends that many bytes and closes the write side.
    /// </summary>
    /// <exception cref="PerfException">The client closed before sending the 8-byte size.</exception>
    public static Task HandleAsync(IDuplexStream stream, CancellationToken ct = default)
        => HandleAsync(stream, Timeout.InfiniteTimeSpan, TimeProvider.System, ct);

    /// <summary>
    /// Server side with a bound on the request: the 8-byte size must arrive within <paramref name="headerTimeout"/>, and
    /// the transfer buffer is rented only after it has (a client that opens streams and sends nothing costs 8 bytes each).
    /// </summary>
    /// <exception cref="TimeoutException">The size did not arrive in time.</exception>
    /// <exception cref="PerfException">The client closed before sending the 8-byte size.</exception>
    public static async Task HandleAsync(IDuplexStream stream, TimeSpan headerTimeout, TimeProvider time, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(time);
        byte[] header = new byte[HeaderSize];
        int got = 0;
        using (var deadline = headerTimeout == Timeout.InfiniteTimeSpan ? null : new Deadline(headerTimeout, time, ct))
        {
            try
            {
                while (got < HeaderSize)
                {
                    int n = await stream.ReadAsync(header.AsMemory(got), deadline?.Token ?? ct).ConfigureAwait(false);
                    if (n == 0)
                        throw new PerfException($"The client closed the perf stream after {got} of the {HeaderSize} size bytes.");
                    got += n;
                }
            }
            catch (OperationCanceledException e) when (deadline is { Expired: true } && !ct.IsCancellationRequested)
            {
                throw new TimeoutException($"The perf request (8-byte size) did not arrive within {headerTimeout.TotalSeconds:0.###} s (perf request timeout).", e);
            }
        }
        ulong remaining = BinaryPrimitives.ReadUInt64BigEndian(header);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);

        // The upload is drained and dropped.
        while (await stream.ReadAsync(buffer.AsMemory(0, BufferSize), ct).ConfigureAwait(false) != 0)
        {
        }

        // The payload is unspecified: zeros, and never what the buffer held before.
        buffer.AsSpan(0, BufferSize).Clear();
        while (remaining > 0)
        {
            int chunk = (int)Math.Min((ulong)BufferSize, remaining);
            await stream.WriteAsync(buffer.AsMemory(0, chunk), ct).ConfigureAwait(false);
            remaining -= (ulong)chunk;
        }
        await stream.CloseWriteAsync(ct).ConfigureAwait(false);
        // Only on success (see RunAsync).
        ArrayPool<byte>.Shared.Return(buffer);
    }
}
