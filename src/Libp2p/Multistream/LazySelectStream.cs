using System.Runtime.ExceptionServices;
using Libp2p.Core;

namespace Libp2p.Multistream;

/// <summary>
/// The stream <c>MultistreamSelect.SelectLazy</c> returns. The negotiation lines ride on the first write
/// (one inner write for header, protocol and data) or are flushed before the first read or the half-close.
/// The listener's answer (its header and the echoed protocol) is read and checked from the start, alongside the
/// caller's writes, so a refusal is noticed even by a caller that only writes: the inner stream is then aborted
/// and every later (or pending) read and write throws the <see cref="MultistreamException"/>. The caller's first
/// read waits for the answer. Once the answer is checked every call goes straight through.
/// </summary>
internal sealed class LazySelectStream : IDuplexStream
{
    // First data up to this size is copied into the request, so that a small first message (a Noise handshake
    // message, a ping) leaves in the same inner write; a larger one follows in a write of its own.
    private const int MaxCoalescedBytes = 16 * 1024;

    private readonly IDuplexStream _inner;
    private readonly string _protocol;
    private readonly TaskCompletionSource _requestSent = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _answer;
    private readonly CancellationTokenSource? _timeout;
    private int _sendClaimed;              // 0 until the read or the write side takes on sending the request
    private bool _requestDone;             // write side: the request is known to be out
    private volatile bool _answerChecked;  // the echo was verified
    private volatile Exception? _failure;  // why the negotiation failed (the exception every call then throws)
    private volatile bool _closed;         // disposed or aborted by the caller: a failing answer read is expected

    public LazySelectStream(IDuplexStream inner, string protocol, TimeSpan? timeout, TimeProvider time)
    {
        _inner = inner;
        _protocol = protocol;
        if (timeout is { } t) _timeout = new CancellationTokenSource(t, time);
        _answer = ReadAnswerAsync();
    }

    /// <summary>True once the listener's header and echo were read and checked.</summary>
    internal bool Confirmed => _answerChecked;

    // After negotiation calls go straight to the inner stream: no extra state machine on the data path.
    public ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        => _answerChecked ? _inner.WriteAsync(buffer, cancellationToken) : WriteUncheckedAsync(buffer, cancellationToken);

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        => _answerChecked ? _inner.ReadAsync(buffer, cancellationToken) : ReadUncheckedAsync(buffer, cancellationToken);

    private async ValueTask WriteUncheckedAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            if (_failure is { } failure) ExceptionDispatchInfo.Throw(failure);
            if (!_requestDone)
            {
                if (Interlocked.Exchange(ref _sendClaimed, 1) == 0)
                {
                    await SendRequestAsync(buffer, cancellationToken).ConfigureAwait(false);
                    return;
                }
                await _requestSent.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
                _requestDone = true;
            }
            if (!buffer.IsEmpty)
                await _inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException && e != _failure)
        {
            ExceptionDispatchInfo.Throw(await ExplainAsync(e).ConfigureAwait(false));
        }
    }

    /// <summary>
    /// A call failed before the answer was checked. A refusing listener often resets the stream right after its
    /// <c>na</c>, and that reset can reach a write first: let the answer reader finish (the stream is dead, so
    /// abort it, which ends that read at once) and report the negotiation's failure when there is one.
    /// </summary>
    private async ValueTask<Exception> ExplainAsync(Exception e)
    {
        if (_answerChecked || _closed || e is ObjectDisposedException) return e;
        _inner.Abort(e);
        try { await _answer.ConfigureAwait(false); }
        catch (Exception) { }
        return _failure ?? e;
    }

    private async ValueTask<int> ReadUncheckedAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        // A protocol where the listener speaks first would otherwise wait forever for our request.
        if (Interlocked.Exchange(ref _sendClaimed, 1) == 0)
        {
            try { await SendRequestAsync(ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false); }
            catch (Exception e) when (e is not OperationCanceledException && e != _failure) { ExceptionDispatchInfo.Throw(await ExplainAsync(e).ConfigureAwait(false)); }
        }
        try
        {
            await _answer.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            ExceptionDispatchInfo.Throw(_failure ?? e);
        }
        return await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads and checks the listener's header and echo; on failure records it and aborts the inner stream.</summary>
    private async Task ReadAnswerAsync()
    {
        var ct = _timeout?.Token ?? CancellationToken.None;
        try
        {
            await MultistreamSelect.ExpectHeaderAsync(_inner, ct).ConfigureAwait(false);
            string answer = await MultistreamMessage.ReadAsync(_inner, ct).ConfigureAwait(false);
            if (answer == MultistreamMessage.NotAvailable)
                throw new MultistreamException(MultistreamError.NoProtocolSupported, $"The listener does not support '{_protocol}'.");
            if (answer != _protocol)
                throw new MultistreamException(MultistreamError.ProtocolViolation, $"Proposed '{_protocol}' and the listener answered '{MultistreamSelect.Printable(answer)}'.");
            _answerChecked = true;
        }
        catch (Exception e)
        {
            Exception failure = e switch
            {
                MultistreamException m => m,
                OperationCanceledException when _timeout is { IsCancellationRequested: true } =>
                    Libp2pException.Timeout($"The listener did not confirm '{_protocol}' in time.", e),
                // A listener that refuses an optimistic dialer often resets the stream right after its `na`,
                // which can overtake the `na` (js-libp2p does this): name the protocol that was not confirmed.
                _ => new MultistreamException(MultistreamError.UnexpectedEndOfStream,
                    $"The stream failed before the listener confirmed '{_protocol}' (does the peer support it?): {e.Message}", e),
            };
            _failure = failure;
            // Aborting makes a writer blocked on a refused stream (window never granted) fail instead of hang. Not
            // after the caller closed the stream: that ends the answer read too, and must stay a graceful close.
            if (!_closed) _inner.Abort(failure);
            if (failure == e) throw;
            throw failure;
        }
        finally
        {
            _timeout?.Dispose();
        }
    }

    public async ValueTask CloseWriteAsync(CancellationToken cancellationToken = default)
    {
        await WriteAsync(ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
        await _inner.CloseWriteAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Abort(Exception? reason = null)
    {
        _closed = true;
        _requestSent.TrySetException(reason ?? new Libp2pException(Libp2pError.ConnectionAborted, "The stream was aborted."));
        _ = _requestSent.Task.Exception; // observed: nobody may be waiting
        _inner.Abort(reason);
    }

    public async ValueTask DisposeAsync()
    {
        _closed = true;
        await _inner.DisposeAsync().ConfigureAwait(false);
        // The answer reader ends with the inner stream; its outcome matters to nobody now.
        try { await _answer.ConfigureAwait(false); }
        catch (Exception) { }
    }

    // Header, protocol and the first data in one write: that is what makes the negotiation free of a round trip.
    private async ValueTask SendRequestAsync(ReadOnlyMemory<byte> firstData, CancellationToken cancellationToken)
    {
        try
        {
            int headerLength = MultistreamMessage.GetEncodedLength(MultistreamMessage.Header);
            int requestLength = headerLength + MultistreamMessage.GetEncodedLength(_protocol);
            var coalesced = firstData.Length <= MaxCoalescedBytes ? firstData : default;
            var request = new byte[requestLength + coalesced.Length];
            MultistreamMessage.Write(MultistreamMessage.Header, request);
            MultistreamMessage.Write(_protocol, request.AsSpan(headerLength));
            coalesced.Span.CopyTo(request.AsSpan(requestLength));
            await _inner.WriteAsync(request, cancellationToken).ConfigureAwait(false);
            _requestDone = true;
            _requestSent.TrySetResult();
            if (coalesced.Length != firstData.Length)
                await _inner.WriteAsync(firstData, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _requestSent.TrySetException(e);
            _ = _requestSent.Task.Exception;
            throw;
        }
    }
}
