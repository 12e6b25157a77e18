using System.Buffers;
using System.IO.Pipelines;

namespace Libp2p.Core;

/// <summary>
/// Two connected in-memory <see cref="IDuplexStream"/> ends, for tests and for composing layers
/// without a socket. Each direction is a bounded <see cref="Pipe"/>, so writers see backpressure.
/// </summary>
internal static class InMemoryDuplex
{
    public static (IDuplexStream A, IDuplexStream B) CreatePair(long bufferBytes = 1 << 20)
    {
        var options = new PipeOptions(
            pauseWriterThreshold: bufferBytes,
            resumeWriterThreshold: bufferBytes / 2,
            readerScheduler: PipeScheduler.Inline,
            writerScheduler: PipeScheduler.Inline,
            useSynchronizationContext: false);
        var aToB = new Pipe(options);
        var bToA = new Pipe(options);
        return (new End(bToA.Reader, aToB.Writer), new End(aToB.Reader, bToA.Writer));
    }

    private sealed class End(PipeReader reader, PipeWriter writer) : IDuplexStream
    {
        private bool _writeClosed;

        public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (true)
            {
                ReadResult result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var seq = result.Buffer;
                if (buffer.Length == 0)
                {
                    // Zero-byte read: data (or the end) is there; consume and examine nothing, so the next
                    // ReadAsync returns the same bytes at once.
                    reader.AdvanceTo(seq.Start, seq.Start);
                    if (!seq.IsEmpty || result.IsCompleted || result.IsCanceled) return 0;
                    continue;
                }
                if (!seq.IsEmpty)
                {
                    int n = (int)Math.Min(seq.Length, buffer.Length);
                    seq.Slice(0, n).CopyTo(buffer.Span);
                    reader.AdvanceTo(seq.GetPosition(n));
                    return n;
                }
                reader.AdvanceTo(seq.Start, seq.End);
                if (result.IsCompleted || result.IsCanceled) return 0;
            }
        }

        public async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_writeClosed) throw new InvalidOperationException("The write side is closed.");
            FlushResult r = await writer.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (r.IsCanceled) throw new Libp2pException(Libp2pError.ConnectionAborted, "The stream was aborted.");
            if (r.IsCompleted) throw new Libp2pException(Libp2pError.ConnectionReset, "The remote end stopped reading.");
        }

        public ValueTask CloseWriteAsync(CancellationToken cancellationToken = default)
        {
            if (!_writeClosed) { _writeClosed = true; writer.Complete(); }
            return ValueTask.CompletedTask;
        }

        public void Abort(Exception? reason = null)
        {
            _writeClosed = true;
            var error = reason ?? new Libp2pException(Libp2pError.ConnectionAborted, "The stream was aborted.");
            writer.CancelPendingFlush(); // a write waiting for room fails now, as on a reset socket
            writer.Complete(error);
            reader.Complete(error);
        }

        public ValueTask DisposeAsync()
        {
            if (!_writeClosed) { _writeClosed = true; writer.Complete(); }
            reader.Complete();
            return ValueTask.CompletedTask;
        }
    }
}
