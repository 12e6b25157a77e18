namespace Libp2p.Core;

/// <summary>
/// The one byte-stream shape used at every layer: a raw transport connection, a Noise-secured
/// connection and a Yamux stream all look like this, so each layer can sit on any other.
/// </summary>
/// <remarks>
/// One reader and one writer may use the stream concurrently (a read and a write in flight at the
/// same time), but never two reads or two writes at once. Implementations must not allocate per
/// read or write on the hot path (use <see cref="System.Threading.Tasks.Sources.IValueTaskSource"/>
/// or pooled state) and must apply backpressure: <see cref="WriteAsync"/> completes only when the
/// bytes are accepted by a bounded buffer below.
/// </remarks>
public interface IDuplexStream : IAsyncDisposable
{
    /// <summary>Reads at most <paramref name="buffer"/>.Length bytes; 0 means the remote closed its write side (EOF).</summary>
    /// <remarks>
    /// Zero-byte read (the Kestrel pattern, so that an idle reader holds no buffer): <c>ReadAsync</c> with an empty
    /// buffer waits until data is available, the end of the stream is reached, or an error occurs, consumes nothing,
    /// and returns 0 (an error is thrown as a real read would throw it); callers then read for real. Readers that
    /// rent their buffer await a zero-byte read first, rent, read, and return the buffer once it is drained.
    /// </remarks>
    ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);

    /// <summary>Writes all of <paramref name="buffer"/>; completes when the layer below accepted it.</summary>
    ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default);

    /// <summary>Half-close: no more writes; the remote reads EOF after the bytes already written. Reading goes on.</summary>
    ValueTask CloseWriteAsync(CancellationToken cancellationToken = default);

    /// <summary>Tears the stream down at once (TCP abort, Yamux RST); pending and later operations fail.</summary>
    void Abort(Exception? reason = null);
}
