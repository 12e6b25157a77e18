using Libp2p.Core;

namespace Libp2p.Fuzz;

/// <summary>
/// A duplex stream whose reads return the fuzz input (in chunks of at most <c>chunk</c> bytes, then EOF) and whose
/// writes are dropped. Everything completes synchronously, so a decoder runs to its end on the calling thread.
/// </summary>
internal sealed class ReplayStream(byte[] input, int chunk = int.MaxValue) : IDuplexStream
{
    private int _position;

    public int Remaining => input.Length - _position;

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        int n = Math.Min(Math.Min(buffer.Length, chunk), input.Length - _position);
        input.AsSpan(_position, n).CopyTo(buffer.Span);
        _position += n;
        return new ValueTask<int>(n);
    }

    public ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => default;
    public ValueTask CloseWriteAsync(CancellationToken cancellationToken = default) => default;
    public void Abort(Exception? reason = null) { }
    public ValueTask DisposeAsync() => default;
}
