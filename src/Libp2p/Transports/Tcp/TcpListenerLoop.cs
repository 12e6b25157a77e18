using System.Net.Sockets;
using System.Threading.Channels;
using Libp2p.Multiformats;

namespace Libp2p.Transports.Tcp;

/// <summary>
/// One listener: announces its addresses, accepts until stopped, then expires what it announced.
/// All of a listener's events come from this one async flow, so they are ordered, and each awaits
/// room in the bounded event channel (a slow reader slows accepting).
/// </summary>
internal sealed class TcpListenerLoop
{
    private readonly ListenerId _id;
    private readonly IReadOnlyList<Multiaddr> _addresses;
    private readonly Func<CancellationToken, ValueTask<Socket>> _accept;
    private readonly Action _closeSocket;
    private readonly Action<Socket> _configure;
    private readonly ChannelWriter<TransportEvent> _events;
    private readonly TcpTransportOptions _options;
    private readonly CancellationToken _disposing;
    private readonly CancellationTokenSource _stop = new();

    // accept: the listening socket's AcceptAsync (a fake in tests); closeSocket: called once, when
    // stopped or finished; configure: per-connection socket options; disposing: the transport's end.
    public TcpListenerLoop(
        ListenerId id,
        IReadOnlyList<Multiaddr> addresses,
        Func<CancellationToken, ValueTask<Socket>> accept,
        Action closeSocket,
        Action<Socket> configure,
        ChannelWriter<TransportEvent> events,
        TcpTransportOptions options,
        CancellationToken disposing)
    {
        _id = id;
        _addresses = addresses;
        _accept = accept;
        _closeSocket = closeSocket;
        _configure = configure;
        _events = events;
        _options = options;
        _disposing = disposing;
    }

    public ListenerId Id => _id;

    /// <summary>Runs until stopped, the listening socket fails, or the transport is disposed.</summary>
    public async Task RunAsync()
    {
        var announced = new List<Multiaddr>(_addresses.Count);
        Exception? reason = null;
        try
        {
            foreach (var address in _addresses)
            {
                await _events.WriteAsync(new TransportEvent.NewAddress(_id, address), _disposing).ConfigureAwait(false);
                announced.Add(address);
                if (_options.Logger is { } log) TcpLog.Listening(log, _id, address.ToString());
            }
            reason = await AcceptLoopAsync(announced).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_disposing.IsCancellationRequested)
        {
            // the transport is being disposed: nobody is owed further events
        }
        catch (ChannelClosedException)
        {
            // likewise: the transport completed its event channel
        }
        finally
        {
            StopSocket();
        }
        if (_disposing.IsCancellationRequested) return;
        if (reason is not null && _options.Logger is { } logger) TcpLog.ListenerDied(logger, _id, reason.Message);
        try
        {
            foreach (var address in announced)
                await _events.WriteAsync(new TransportEvent.AddressExpired(_id, address), _disposing).ConfigureAwait(false);
            await _events.WriteAsync(new TransportEvent.ListenerClosed(_id, reason), _disposing).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_disposing.IsCancellationRequested) { }
        catch (ChannelClosedException) { }
        finally
        {
            _stop.Dispose();
        }
    }

    /// <summary>Stops accepting now (the socket closes at once, so new connects are refused); events follow.</summary>
    public void Stop()
    {
        try { _stop.Cancel(); }
        catch (ObjectDisposedException) { }
        StopSocket();
    }

    private int _socketClosed;

    private void StopSocket()
    {
        if (Interlocked.Exchange(ref _socketClosed, 1) == 0) _closeSocket();
    }

    /// <summary>Returns null when stopped on request, the fatal error otherwise.</summary>
    private async Task<Exception?> AcceptLoopAsync(List<Multiaddr> announced)
    {
        var backoff = TimeSpan.Zero;
        var stop = _stop.Token;
        while (!stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _accept(stop).ConfigureAwait(false);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return null;
            }
            catch (SocketException e) when (TcpSocketErrors.IsTransientAcceptError(e.SocketErrorCode))
            {
                backoff = backoff == TimeSpan.Zero
                    ? _options.AcceptBackoffInitial
                    : TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.AcceptBackoffMax.Ticks));
                if (_options.Logger is { } log) TcpLog.AcceptFailed(log, _id, e.SocketErrorCode.ToString(), backoff);
                var error = new TransportException($"accept failed on {_id}: {e.SocketErrorCode}; retrying in {backoff.TotalMilliseconds} ms", e);
                // The pause starts with the error, before its report waits for room in the channel.
                var pause = Task.Delay(backoff, _options.TimeProvider, stop);
                await _events.WriteAsync(new TransportEvent.ListenerError(_id, error), _disposing).ConfigureAwait(false);
                try
                {
                    await pause.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return null;
                }
                continue;
            }
            catch (SocketException e)
            {
                return new TransportException($"listener {_id} failed: {e.SocketErrorCode} ({e.Message})", e);
            }
            catch (ObjectDisposedException e)
            {
                return new TransportException($"listener {_id} failed: its socket was closed", e);
            }
            backoff = TimeSpan.Zero;
            await DeliverAsync(socket, announced).ConfigureAwait(false);
        }
        return null;
    }

    private async ValueTask DeliverAsync(Socket socket, List<Multiaddr> announced)
    {
        TcpConnection connection;
        try
        {
            _configure(socket);
            connection = new TcpConnection(socket);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // the peer gave up between accept and here; nothing to deliver
            socket.Dispose();
            return;
        }
        // A wildcard listener announced the interface addresses it saw at start; a connection to an
        // address that was not announced (an interface added since) is not ours to report.
        if (!announced.Contains(connection.LocalAddress))
        {
            if (_options.Logger is { } log) TcpLog.Unannounced(log, _id, connection.LocalAddress.ToString());
            connection.Abort();
            return;
        }
        try
        {
            await _events.WriteAsync(new TransportEvent.Incoming(_id, connection, connection.LocalAddress, connection.RemoteAddress), _disposing).ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
