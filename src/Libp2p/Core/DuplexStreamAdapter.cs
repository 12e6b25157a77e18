namespace Libp2p.Core;

/// <summary>
/// A <see cref="Stream"/> view of an <see cref="IDuplexStream"/>, for BCL code that wants a <c>Stream</c>
/// (<c>SslStream</c>, <c>GZipStream</c>, pipes). Made by <see cref="DuplexStreamExtensions.AsStream"/>.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Asynchronous only: <see cref="Read(byte[], int, int)"/> and <see cref="Write(byte[], int, int)"/> throw
/// <see cref="NotSupportedException"/>, because the stack never blocks a thread (inside Wasm there is only one).</item>
/// <item>The <see cref="Memory{T}"/> overloads go straight to the inner stream and allocate nothing; the
/// <c>byte[]</c> overloads return a <see cref="Task"/>, which is allocated when they complete asynchronously.</item>
/// <item>A read of 0 bytes into a non-empty buffer means end of stream (the remote half-closed). A read into an
/// empty buffer is the zero-byte read of <see cref="IDuplexStream.ReadAsync"/>: it waits for data and consumes nothing.</item>
/// <item>Writes complete when the layer below accepted the bytes, so <see cref="Flush"/> has nothing to do.</item>
/// <item>Half-close: a <see cref="Stream"/> has none, so <see cref="CloseWriteAsync"/> does it (the remote reads EOF,
/// reading goes on); <see cref="Abort"/> tears the stream down.</item>
/// <item>Disposal disposes the inner stream unless the adapter was made with <c>leaveOpen</c>.
/// <see cref="DisposeAsync"/> waits for it; <see cref="Stream.Dispose()"/> starts it and does not wait (it never blocks).</item>
/// <item>Cancellation tokens are passed to the inner stream; what a cancelled operation leaves behind is the
/// inner stream's contract (for most layers: the stream is no longer usable).</item>
/// <item>One reader and one writer may work concurrently, as on <see cref="IDuplexStream"/>.</item>
/// </list>
/// </remarks>
public sealed class DuplexStreamAdapter : Stream
{
    private readonly bool _leaveOpen;
    private int _disposed;

    internal DuplexStreamAdapter(IDuplexStream inner, bool leaveOpen)
    {
        Inner = inner;
        _leaveOpen = leaveOpen;
    }

    /// <summary>The stream this adapter reads from and writes to.</summary>
    public IDuplexStream Inner { get; }

    /// <inheritdoc/>
    public override bool CanRead => _disposed == 0;
    /// <inheritdoc/>
    public override bool CanWrite => _disposed == 0;
    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return Inner.ReadAsync(buffer, cancellationToken);
    }

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <inheritdoc/>
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return Inner.WriteAsync(buffer, cancellationToken);
    }

    /// <inheritdoc/>
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <inheritdoc/>
    public override IAsyncResult BeginRead(byte[] buffer, int offset, int count, AsyncCallback? callback, object? state)
        => TaskToAsyncResult.Begin(ReadAsync(buffer, offset, count, CancellationToken.None), callback, state);

    /// <inheritdoc/>
    public override int EndRead(IAsyncResult asyncResult) => TaskToAsyncResult.End<int>(asyncResult);

    /// <inheritdoc/>
    public override IAsyncResult BeginWrite(byte[] buffer, int offset, int count, AsyncCallback? callback, object? state)
        => TaskToAsyncResult.Begin(WriteAsync(buffer, offset, count, CancellationToken.None), callback, state);

    /// <inheritdoc/>
    public override void EndWrite(IAsyncResult asyncResult) => TaskToAsyncResult.End(asyncResult);

    /// <summary>Half-close: no more writes; the remote reads EOF after the bytes already written. Reading goes on.</summary>
    public ValueTask CloseWriteAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return Inner.CloseWriteAsync(cancellationToken);
    }

    /// <summary>Tears the inner stream down at once (TCP abort, Yamux RST); pending and later operations fail.</summary>
    public void Abort(Exception? reason = null) => Inner.Abort(reason);

    /// <summary>Nothing to do: a completed write was already accepted by the layer below.</summary>
    public override void Flush() { }

    /// <inheritdoc/>
    public override Task FlushAsync(CancellationToken cancellationToken)
        => cancellationToken.IsCancellationRequested ? Task.FromCanceled(cancellationToken) : Task.CompletedTask;

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => throw SyncNotSupported();
    /// <inheritdoc/>
    public override int Read(Span<byte> buffer) => throw SyncNotSupported();
    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => throw SyncNotSupported();
    /// <inheritdoc/>
    public override void Write(ReadOnlySpan<byte> buffer) => throw SyncNotSupported();

    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException("A duplex stream has no length.");
    /// <inheritdoc/>
    public override long Position
    {
        get => throw new NotSupportedException("A duplex stream cannot seek.");
        set => throw new NotSupportedException("A duplex stream cannot seek.");
    }
    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("A duplex stream cannot seek.");
    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException("A duplex stream has no length.");

    /// <inheritdoc/>
    public override async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        if (Interlocked.Exchange(ref _disposed, 1) != 0 || _leaveOpen) return;
        await Inner.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (!disposing || Interlocked.Exchange(ref _disposed, 1) != 0 || _leaveOpen) return;
        // Never block: start the inner disposal, observe its outcome, and return.
        var pending = Inner.DisposeAsync();
        if (!pending.IsCompleted) _ = ObserveAsync(pending);
        else if (!pending.IsCompletedSuccessfully) _ = pending.AsTask().Exception;
    }

    private static async Task ObserveAsync(ValueTask pending)
    {
        try { await pending.ConfigureAwait(false); }
        catch (Exception) { } // nobody waits for it: a synchronous Dispose cannot report it
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed != 0, this);

    private static NotSupportedException SyncNotSupported()
        => new("Only asynchronous reads and writes are supported: the libp2p stack never blocks a thread.");
}
