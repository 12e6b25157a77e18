using System.IO.Pipelines;

namespace Libp2p.Core;

/// <summary>
/// An <see cref="IDuplexPipe"/> view of an <see cref="IDuplexStream"/> (a connection, a secured channel, a Yamux
/// stream), for code written against System.IO.Pipelines: Kestrel-style protocol parsers, <c>PipeReader</c>
/// line readers, <c>CopyToAsync</c>. As Kestrel's socket transport does, one receive loop fills <see cref="Input"/>
/// and one send loop drains <see cref="Output"/>; both are async methods on the stream's own awaits (no thread).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>The stream's EOF completes <see cref="Input"/> (a read returns <c>IsCompleted</c>); a read failure makes
/// <c>Input.ReadAsync</c> throw it. The receive loop awaits a zero-byte read before it asks the pipe for memory, so
/// an idle view holds no buffer. Completing <see cref="Input"/> stops receiving.</item>
/// <item>Bytes flushed to <see cref="Output"/> are written to the stream in order; completing <see cref="Output"/>
/// writes what is left, then half-closes the stream (<see cref="IDuplexStream.CloseWriteAsync"/>), so the peer
/// reads EOF; completing it with an exception aborts the stream instead. A write failure makes the next
/// <c>Output.FlushAsync</c> throw it.</item>
/// <item>Backpressure: the pipes' thresholds (<see cref="PipeOptions"/>) bound what is buffered between the
/// application and the stream; past them <c>FlushAsync</c> waits for the stream.</item>
/// <item><see cref="DisposeAsync"/> completes <see cref="Output"/> (the bytes flushed so far still go out), stops
/// receiving, waits for both loops and disposes the stream unless the view was made with <c>leaveOpen</c>. It waits
/// for the stream to accept those bytes (a peer that never reads holds it up): abort the stream to give up.</item>
/// </list>
/// </remarks>
public sealed class DuplexStreamPipe : IDuplexPipe, IAsyncDisposable
{
    /// <summary>Least room asked of the input pipe per read (it hands out pooled segments of at least this).</summary>
    private const int MinimumReadSize = 4096;

    private static readonly PipeOptions s_defaultOptions = new(useSynchronizationContext: false);

    private readonly IDuplexStream _stream;
    private readonly bool _leaveOpen;
    private readonly Pipe _input;  // stream -> application
    private readonly Pipe _output; // application -> stream
    private readonly CancellationTokenSource _stopReceiving = new();
    private readonly Task _receiving;
    private readonly Task _sending;
    private int _disposed;

    internal DuplexStreamPipe(IDuplexStream stream, PipeOptions? options, bool leaveOpen)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        _input = new Pipe(options ?? s_defaultOptions);
        _output = new Pipe(options ?? s_defaultOptions);
        _receiving = ReceiveAsync();
        _sending = SendAsync();
    }

    /// <summary>What the stream receives.</summary>
    public PipeReader Input => _input.Reader;

    /// <summary>What to send on the stream.</summary>
    public PipeWriter Output => _output.Writer;

    private async Task ReceiveAsync()
    {
        var writer = _input.Writer;
        var stop = _stopReceiving.Token;
        Exception? error = null;
        try
        {
            while (true)
            {
                await _stream.ReadAsync(Memory<byte>.Empty, stop).ConfigureAwait(false);
                int n = await _stream.ReadAsync(writer.GetMemory(MinimumReadSize), stop).ConfigureAwait(false);
                if (n == 0) break; // EOF
                writer.Advance(n);
                var flushed = await writer.FlushAsync(stop).ConfigureAwait(false);
                if (flushed.IsCompleted) break; // the application completed Input
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
        catch (Exception e) { error = e; }
        await writer.CompleteAsync(error).ConfigureAwait(false);
    }

    private async Task SendAsync()
    {
        var reader = _output.Reader;
        Exception? error = null;
        try
        {
            while (true)
            {
                ReadResult result;
                try
                {
                    result = await reader.ReadAsync().ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    // The application completed Output with this error: the stream is not ending cleanly.
                    _stream.Abort(e);
                    error = e;
                    break;
                }
                var buffer = result.Buffer;
                foreach (var segment in buffer)
                    await _stream.WriteAsync(segment).ConfigureAwait(false);
                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted)
                {
                    await _stream.CloseWriteAsync().ConfigureAwait(false);
                    break;
                }
            }
        }
        catch (Exception e) { error = e; }
        // A write failure completes the reader with it: the application's next FlushAsync throws it.
        await reader.CompleteAsync(error).ConfigureAwait(false);
    }

    /// <summary>Completes both pipes and, unless the view was created with <c>leaveOpen</c>, disposes the stream.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _output.Writer.CompleteAsync().ConfigureAwait(false);
        await _sending.ConfigureAwait(false);
        _stopReceiving.Cancel();
        await _input.Reader.CompleteAsync().ConfigureAwait(false);
        await _receiving.ConfigureAwait(false);
        _stopReceiving.Dispose();
        if (!_leaveOpen) await _stream.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>The <see cref="IDuplexPipe"/> view of an <see cref="IDuplexStream"/>.</summary>
public static class DuplexStreamPipeExtensions
{
    /// <summary>
    /// A System.IO.Pipelines view of <paramref name="stream"/> (see <see cref="DuplexStreamPipe"/>). Use the stream only
    /// through the view from now on. Disposing the view disposes the stream unless <paramref name="leaveOpen"/>.
    /// </summary>
    /// <param name="stream">The stream to view.</param>
    /// <param name="options">Pool, schedulers and buffering thresholds of both pipes; by default 64 KiB each way, continuations on the thread pool.</param>
    /// <param name="leaveOpen">True to keep the stream open when the view is disposed.</param>
    public static DuplexStreamPipe AsDuplexPipe(this IDuplexStream stream, PipeOptions? options = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new DuplexStreamPipe(stream, options, leaveOpen);
    }
}
