using Libp2p.Core;

namespace Libp2p.Tests.Protocols;

/// <summary>
/// A synchronous scripted peer: reads yield <paramref name="readable"/> bytes (the first from
/// <paramref name="prefix"/>, then zeros) then EOF; writes are counted and dropped, and once
/// <paramref name="cancelAfterWritten"/> bytes were written the given source is cancelled.
/// Allocates nothing per call, so allocation measured around it belongs to the protocol code.
/// </summary>
internal sealed class SourceSinkStream(byte[] prefix, ulong readable, ulong cancelAfterWritten = ulong.MaxValue, CancellationTokenSource? cancel = null) : IDuplexStream
{
    private ulong _read;
    public ulong Written { get; private set; }
    public bool WriteClosed { get; private set; }

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n = (int)Math.Min((ulong)buffer.Length, readable - _read);
        Span<byte> span = buffer.Span[..n];
        span.Clear();
        if (_read < (ulong)prefix.Length)
        {
            int p = (int)Math.Min((ulong)n, (ulong)prefix.Length - _read);
            prefix.AsSpan((int)_read, p).CopyTo(span);
        }
        _read += (ulong)n;
        return ValueTask.FromResult(n);
    }

    public ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Written += (ulong)buffer.Length;
        if (Written >= cancelAfterWritten)
            cancel?.Cancel();
        return ValueTask.CompletedTask;
    }

    public ValueTask CloseWriteAsync(CancellationToken cancellationToken = default)
    {
        WriteClosed = true;
        return ValueTask.CompletedTask;
    }

    public void Abort(Exception? reason = null) { }
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
