using System.Buffers;
using Libp2p.Core;
using Libp2p.Host.Resources;

namespace Libp2p.Daemon;

/// <summary>
/// Pipes two byte streams into each other until both directions ended, forwarding each end-of-stream as a
/// half-close. An error in either direction aborts both streams. Holds no buffer while a side is idle: each copy
/// waits with a zero-byte read and rents its buffer only while bytes are there, after reserving it in
/// <c>memory</c> (the libp2p stream's scope: what the pipe holds is charged to that stream's peer and the node); a
/// refused reservation fails the pipe with <see cref="ResourceLimitExceededException"/>, before any buffer is rented.
/// </summary>
internal static class StreamPipe
{
    public static async Task RunAsync(IDuplexStream a, IDuplexStream b, int bufferSize, IResourceScope? memory, CancellationToken ct)
    {
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var aToB = CopyAsync(a, b, bufferSize, memory, failed);
        var bToA = CopyAsync(b, a, bufferSize, memory, failed);
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

    private static async Task CopyAsync(IDuplexStream from, IDuplexStream to, int bufferSize, IResourceScope? memory, CancellationTokenSource failed)
    {
        var ct = failed.Token;
        try
        {
            while (true)
            {
                await from.ReadAsync(Memory<byte>.Empty, ct).ConfigureAwait(false);
                bool reserved = false;
                if (memory is not null)
                {
                    // Refused because the libp2p stream is gone (both ends closed, nothing left in its buffers): what
                    // is left to read is its end, so nothing will be held. Refused at a limit: the pipe fails.
                    try { memory.ReserveMemory(bufferSize); reserved = true; }
                    catch (ResourceLimitExceededException) when (memory.IsClosed) { }
                }
                try
                {
                    byte[] buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
                    int n = await from.ReadAsync(buffer.AsMemory(0, bufferSize), ct).ConfigureAwait(false);
                    if (n == 0)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        await to.CloseWriteAsync(ct).ConfigureAwait(false);
                        return;
                    }
                    await to.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                    // Returned only after a completed write: a failed one may leave the buffer with the stream below
                    // (the GC's then; its reservation returns all the same).
                    ArrayPool<byte>.Shared.Return(buffer);
                }
                finally
                {
                    if (reserved) memory!.ReleaseMemory(bufferSize);
                }
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
