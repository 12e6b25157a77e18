using Libp2p.Core;

namespace Libp2p.Multistream;

/// <summary>
/// The stream <see cref="MultistreamSelect.SelectLazy"/> returns. The negotiation lines ride on the first write
/// (one inner write for header, protocol and data) or are flushed before the first read or the half-close;
/// the first read consumes and checks the listener's two echoed lines. After that every call goes straight through.
/// </summary>
internal sealed class LazySelectStream(IDuplexStream inner, string protocol) : IDuplexStream
{
    private readonly TaskCompletionSource _requestSent = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _sendClaimed;       // 0 until the read or the write side takes on sending the request
    private bool _requestDone;      // write side: the request is known to be out
    private bool _answerChecked;    // read side: the echo was verified
    private MultistreamException? _failure;

    // After negotiation calls go straight to the inner stream: no extra state machine on the data path.
    public ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        => _requestDone ? inner.WriteAsync(buffer, cancellationToken) : WriteFirstAsync(buffer, cancellationToken);

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        => _answerChecked ? inner.ReadAsync(buffer, cancellationToken) : ReadFirstAsync(buffer, cancellationToken);

    private async ValueTask WriteFirstAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
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
            await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<int> ReadFirstAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (!_answerChecked)
        {
            if (_failure is not null) throw _failure;
            // A protocol where the listener speaks first would otherwise wait forever for our request.
            if (Interlocked.Exchange(ref _sendClaimed, 1) == 0)
                await SendRequestAsync(ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
            try
            {
                await MultistreamSelect.ExpectHeaderAsync(inner, cancellationToken).ConfigureAwait(false);
                string answer = await MultistreamMessage.ReadAsync(inner, cancellationToken).ConfigureAwait(false);
                if (answer == MultistreamMessage.NotAvailable)
                    throw new MultistreamException(MultistreamError.NoProtocolSupported, $"The listener does not support '{protocol}'.");
                if (answer != protocol)
                    throw new MultistreamException(MultistreamError.ProtocolViolation, $"Proposed '{protocol}' and the listener answered '{MultistreamSelect.Printable(answer)}'.");
            }
            catch (MultistreamException e)
            {
                _failure = e;
                throw;
            }
            _answerChecked = true;
        }
        return await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask CloseWriteAsync(CancellationToken cancellationToken = default)
    {
        await WriteAsync(ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
        await inner.CloseWriteAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Abort(Exception? reason = null)
    {
        _requestSent.TrySetException(reason ?? new IOException("The stream was aborted."));
        inner.Abort(reason);
    }

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    // Header, protocol and the first data in one write: that is what makes the negotiation free of a round trip.
    private async ValueTask SendRequestAsync(ReadOnlyMemory<byte> firstData, CancellationToken cancellationToken)
    {
        try
        {
            int headerLength = MultistreamMessage.GetEncodedLength(MultistreamMessage.Header);
            int requestLength = headerLength + MultistreamMessage.GetEncodedLength(protocol);
            var request = new byte[requestLength + firstData.Length];
            MultistreamMessage.Write(MultistreamMessage.Header, request);
            MultistreamMessage.Write(protocol, request.AsSpan(headerLength));
            firstData.Span.CopyTo(request.AsSpan(requestLength));
            await inner.WriteAsync(request, cancellationToken).ConfigureAwait(false);
            _requestDone = true;
            _requestSent.TrySetResult();
        }
        catch (Exception e)
        {
            _requestSent.TrySetException(e);
            throw;
        }
    }
}
