using System.Buffers;
using Libp2p.Core;

namespace Libp2p.Daemon;

/// <summary>
/// Pipes two byte streams into each other until both directions ended, forwarding each end-of-stream as a
/// half-close. An error in either direction aborts both streams. Holds no buffer while a side is idle: each copy
/// waits with a zero-byte read and rents its buffer only while bytes are there.
/// </summary>
internal static class StreamPipe
{
    public static async Task RunAsync(IDuplexStream a, IDuplexStream b, int bufferSize, CancellationToken ct)
    {
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var aToB = CopyAsync(a, b, bufferSize, failed);
        var bToA = CopyAsync(b, a, bufferSize, failed);
        try
        {
            await Task.WhenAll(aToB, bToA).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Exception reason = aToB.Exception?.InnerException ?? bToA.Exception?.InnerException ?? e;
            a.Abort(reason);
            b.Abort(reason);
            throw;
        }
    }

    private static async Task CopyAsync(IDuplexStream from, IDuplexStream to, int bufferSize, CancellationTokenSource failed)
    {
        var ct = failed.Token;
        try
        {
            while (true)
            {
                await from.ReadAsync(Memory<byte>.Empty, ct).ConfigureAwait(false);
                byte[] buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
                int n = await from.ReadAsync(buffer, ct).ConfigureAwait(false);
                if (n == 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    await to.CloseWriteAsync(ct).ConfigureAwait(false);
                    return;
                }
                await to.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                // Returned only after a completed write: a failed one may leave the buffer with the stream below.
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        catch
        {
            // The other direction stops too: a pipe with one broken end is over.
            failed.Cancel();
            throw;
        }
    }
}
