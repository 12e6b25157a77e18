using System.Net;
using System.Threading.Channels;
using Libp2p.Multiformats;
using Libp2p.Transport.WasiSockets.Scheduling;
using Libp2p.Transport.WasiSockets.Wit;
using Libp2p.Transports;

namespace Libp2p.Transport.WasiSockets;

/// <summary>
/// <see cref="ITransport"/> over <c>wasi:sockets/tcp</c> 0.2 — the counterpart of the Rust seed
/// <c>libp2p-wasi-sockets</c>. Listens on <c>/ip4|ip6/…/tcp/…</c> (several listeners, real ports announced from
/// <c>local-address</c>), dials <c>/ip4|ip6|dns|dns4|dns6/…/tcp/…</c> (names through <c>ip-name-lookup</c>).
/// Every WASI error becomes a <see cref="TransportException"/> naming the error code; <c>access-denied</c> a
/// <see cref="NetworkAccessDeniedException"/> saying what to grant. Single-threaded: use it from the scheduler's loop.
/// </summary>
public sealed class WasiTcpTransport : ITransport
{
    private readonly IWasiBackend _backend;
    private readonly IWasiScheduler _scheduler;
    private readonly WasiHostDefects _hostDefects;
    private readonly WasiTcpTransportOptions _options;
    private readonly Network _network;
    private readonly Channel<TransportEvent> _events;
    private readonly Dictionary<ListenerId, WasiTcpListener> _listeners = new();
    private bool _disposed;

    /// <summary>A transport over <paramref name="environment"/>'s <c>wasi:sockets</c>, with <paramref name="options"/> (defaults when null).</summary>
    /// <param name="environment">The backend and event loop: <see cref="WasiEnvironment.Component"/> or <see cref="WasiEnvironment.NodeJsHost()"/>.</param>
    /// <param name="options">Socket options and limits.</param>
    public WasiTcpTransport(WasiEnvironment environment, WasiTcpTransportOptions? options = null)
    {
        _backend = environment.Backend;
        _scheduler = environment.Scheduler;
        _hostDefects = environment.HostDefects;
        _options = options ?? new WasiTcpTransportOptions();
        _network = Network.Instance(_backend);
        _events = Channel.CreateBounded<TransportEvent>(new BoundedChannelOptions(Math.Max(1, _options.EventCapacity))
        {
            SingleWriter = false,
            SingleReader = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <inheritdoc/>
    public ChannelReader<TransportEvent> Events => _events.Reader;

    /// <summary>The scheduler's clock, for the layers above (timeouts, keep-alives).</summary>
    public TimeProvider TimeProvider => _scheduler.TimeProvider;

    /// <inheritdoc/>
    public bool CanHandle(Multiaddr address) => MultiaddrConversion.TryParse(address, out _, out _);

    /// <summary>Binds and listens on <c>/ip4|ip6/…/tcp/…</c> (synchronously); the bound address (the real port for <c>/tcp/0</c>) arrives as a <see cref="TransportEvent.NewAddress"/>.</summary>
    /// <exception cref="TransportNotSupportedException">Not a TCP address this transport listens on.</exception>
    /// <exception cref="TransportException">The host refused the bind or listen (its WASI error code inside).</exception>
    public ListenerId Listen(Multiaddr address)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!MultiaddrConversion.TryParse(address, out var target, out var reason))
            throw new TransportNotSupportedException($"Cannot listen on {address}: {reason}.");
        if (target.WhyNotListenable() is { } why)
            throw new TransportNotSupportedException($"Cannot listen on {address}: {why}.");
        var local = MultiaddrConversion.ToSocketAddress(target);

        var socket = CreateSocket(local.Family, "Listening on", address);
        try
        {
            Check(socket.StartBind(_network, local), "Binding", address);
            Finish(socket, static s => s.FinishBind(), "Binding", address);
            // Backlog before listen (as the WIT suggests); hosts may ignore it.
            IgnoreUnsupported(socket.SetListenBacklogSize(_options.ListenBacklog), "listen-backlog-size", address);
            Check(socket.StartListen(), "Listening on", address);
            Finish(socket, static s => s.FinishListen(), "Listening on", address);
            var bound = socket.LocalAddress();
            Check(bound, "Reading the bound address of", address);
            var announced = MultiaddrConversion.ToMultiaddr(bound.Value);

            var id = ListenerId.Next();
            var listener = new WasiTcpListener(id, socket, announced);
            _listeners.Add(id, listener);
            Publish(new TransportEvent.NewAddress(id, announced));
            listener.AcceptLoop = AcceptLoopAsync(listener);
            return id;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public bool RemoveListener(ListenerId id)
    {
        if (!_listeners.Remove(id, out var listener)) return false;
        listener.Stop();
        Publish(new TransportEvent.AddressExpired(id, listener.Address));
        Publish(new TransportEvent.ListenerClosed(id, null));
        return true;
    }

    /// <summary>Connects to <c>/ip4|ip6|dns|dns4|dns6/…/tcp/…</c> (names through <c>ip-name-lookup</c>, each resolved address tried in order).</summary>
    /// <exception cref="TransportNotSupportedException">Not a TCP address this transport dials.</exception>
    /// <exception cref="TransportException">Every attempt failed (the last one's WASI error code inside); <see cref="NetworkAccessDeniedException"/> when the host denied the network.</exception>
    public async ValueTask<IRawConnection> DialAsync(Multiaddr address, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!MultiaddrConversion.TryParse(address, out var target, out var reason))
            throw new TransportNotSupportedException($"Cannot dial {address}: {reason}.");
        if (target.WhyNotDialable() is { } why)
            throw new TransportNotSupportedException($"Cannot dial {address}: {why}.");

        if (!target.IsDns)
            return await ConnectAsync(MultiaddrConversion.ToSocketAddress(target), address, cancellationToken);

        var family = MultiaddrConversion.ToDnsFamily(target.Family);
        var candidates = await ResolveAsync(target.Host, family, cancellationToken);
        if (candidates.Count == 0)
            throw new TransportException(Libp2pError.NameResolutionFailed, $"Dialing {address} failed: {target.Host} has no {family switch { DnsFamily.Ipv4 => "IPv4 ", DnsFamily.Ipv6 => "IPv6 ", _ => "" }}address.");
        List<TransportException>? errors = null;
        foreach (var candidate in candidates)
        {
            try
            {
                return await ConnectAsync(IpSocketAddress.FromIPEndPoint(new IPEndPoint(candidate, target.Port)), address, cancellationToken);
            }
            catch (NetworkAccessDeniedException) { throw; }
            catch (TransportException e) { (errors ??= new()).Add(e); }
        }
        // As the TCP transport: the last attempt's error says what kind of failure this was.
        throw new TransportException(errors![^1].Libp2pError, $"Dialing {address} failed for every resolved address.", new AggregateException(errors));
    }

    /// <summary>Resolves <paramref name="host"/> through <c>ip-name-lookup</c> (resolve-addresses, then resolve-next-address until none).</summary>
    public async ValueTask<IReadOnlyList<IPAddress>> ResolveAsync(string host, DnsFamily family = DnsFamily.Any, CancellationToken cancellationToken = default)
    {
        var started = ResolveAddressStream.Start(_backend, _network, host);
        if (!started.IsOk) throw WasiErrors.ToException(started.Error, "Resolving", host);
        using var stream = started.Value;
        var result = new List<IPAddress>();
        while (true)
        {
            var next = stream.Next();
            if (next.IsWouldBlock) { await _scheduler.WaitAsync(stream.Pollable, cancellationToken); continue; }
            if (!next.IsOk) throw WasiErrors.ToException(next.Error, "Resolving", host);
            if (next.Value is not { } ip) return result;
            if (MultiaddrConversion.Accepts(family, ip) && !result.Contains(ip)) result.Add(ip);
        }
    }

    private async ValueTask<IRawConnection> ConnectAsync(IpSocketAddress remote, Multiaddr address, CancellationToken cancellationToken)
    {
        var socket = CreateSocket(remote.Family, "Dialing", address);
        try
        {
            ApplyOptions(socket, address);
            Check(socket.StartConnect(_network, remote), "Dialing", address);
            while (true)
            {
                var r = socket.FinishConnect();
                if (r.IsWouldBlock) { await _scheduler.WaitAsync(socket.Pollable, cancellationToken); continue; }
                if (!r.IsOk) throw WasiErrors.ToException(r.Error, "Dialing", address.ToString());
                var (input, output) = r.Value;
                var local = socket.LocalAddress();
                var peer = socket.RemoteAddress();
                return new WasiTcpConnection(socket, input, output, _scheduler, _options,
                    local.IsOk ? MultiaddrConversion.ToMultiaddr(local.Value) : address,
                    peer.IsOk ? MultiaddrConversion.ToMultiaddr(peer.Value) : MultiaddrConversion.ToMultiaddr(remote), _hostDefects);
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task AcceptLoopAsync(WasiTcpListener listener)
    {
        var token = listener.Stopping;
        try
        {
            while (!token.IsCancellationRequested)
            {
                var r = listener.Socket.Accept();
                if (r.IsWouldBlock) { await _scheduler.WaitAsync(listener.Socket.Pollable, token); continue; }
                if (!r.IsOk)
                {
                    // Non-fatal (e.g. connection-aborted before accept): report, back off, keep listening.
                    Publish(new TransportEvent.ListenerError(listener.Id, WasiErrors.ToException(r.Error, "Accepting on", listener.Address.ToString())));
                    await Task.Delay(_options.AcceptErrorBackoff, _scheduler.TimeProvider, token);
                    continue;
                }
                var (socket, input, output) = r.Value;
                WasiTcpConnection connection;
                try
                {
                    ApplyOptions(socket, listener.Address);
                    var local = socket.LocalAddress();
                    var remote = socket.RemoteAddress();
                    if (!remote.IsOk) throw WasiErrors.ToException(remote.Error, "Reading the remote address on", listener.Address.ToString());
                    connection = new WasiTcpConnection(socket, input, output, _scheduler, _options,
                        local.IsOk ? MultiaddrConversion.ToMultiaddr(local.Value) : listener.Address,
                        MultiaddrConversion.ToMultiaddr(remote.Value), _hostDefects);
                }
                catch (TransportException e)
                {
                    input.Dispose(); output.Dispose(); socket.Dispose();
                    Publish(new TransportEvent.ListenerError(listener.Id, e));
                    continue;
                }
                // Bounded: waits while the reader is behind, which stops accepting (backpressure).
                try
                {
                    await _events.Writer.WriteAsync(new TransportEvent.Incoming(listener.Id, connection, connection.LocalAddress, connection.RemoteAddress), token);
                }
                catch
                {
                    await connection.DisposeAsync();
                    throw;
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested) { }
        catch (ChannelClosedException) { }
        catch (Exception e)
        {
            // A fatal listener failure: close it with the reason.
            if (_listeners.Remove(listener.Id))
            {
                Publish(new TransportEvent.AddressExpired(listener.Id, listener.Address));
                Publish(new TransportEvent.ListenerClosed(listener.Id, e));
            }
        }
        finally
        {
            listener.Socket.Dispose();
        }
    }

    private TcpSocket CreateSocket(IpAddressFamily family, string operation, Multiaddr address)
    {
        var r = TcpSocket.Create(_backend, family);
        if (!r.IsOk) throw WasiErrors.ToException(r.Error, operation, address.ToString());
        return r.Value;
    }

    private void ApplyOptions(TcpSocket s, Multiaddr address)
    {
        IgnoreUnsupported(s.SetKeepAliveEnabled(_options.KeepAlive), "keep-alive-enabled", address);
        if (_options.KeepAlive)
        {
            if (_options.KeepAliveIdleTime is { } idle) IgnoreUnsupported(s.SetKeepAliveIdleTime(idle), "keep-alive-idle-time", address);
            if (_options.KeepAliveInterval is { } interval) IgnoreUnsupported(s.SetKeepAliveInterval(interval), "keep-alive-interval", address);
            if (_options.KeepAliveCount is { } count) IgnoreUnsupported(s.SetKeepAliveCount(count), "keep-alive-count", address);
        }
        if (_options.HopLimit is { } hops) IgnoreUnsupported(s.SetHopLimit(hops), "hop-limit", address);
        if (_options.ReceiveBufferSize is { } rcv) IgnoreUnsupported(s.SetReceiveBufferSize(rcv), "receive-buffer-size", address);
        if (_options.SendBufferSize is { } snd) IgnoreUnsupported(s.SetSendBufferSize(snd), "send-buffer-size", address);
    }

    /// <summary>An option the host does not support is not worth failing a connection for; anything else is a real error.</summary>
    private static void IgnoreUnsupported(WasiResult r, string option, Multiaddr address)
    {
        if (r.IsOk || r.Error == NetworkErrorCode.NotSupported) return;
        throw WasiErrors.ToException(r.Error, $"Setting {option} on", address.ToString());
    }

    private static void Check(WasiResult r, string operation, Multiaddr address)
    {
        if (!r.IsOk) throw WasiErrors.ToException(r.Error, operation, address.ToString());
    }

    private static void Check<T>(WasiResult<T> r, string operation, Multiaddr address)
    {
        if (!r.IsOk) throw WasiErrors.ToException(r.Error, operation, address.ToString());
    }

    /// <summary>
    /// Completes a start/finish pair synchronously (<see cref="ITransport.Listen"/> is synchronous): bind and listen
    /// finish at once on real hosts; on would-block the socket's pollable is blocked on briefly.
    /// </summary>
    private static void Finish(TcpSocket socket, Func<TcpSocket, WasiResult> finish, string operation, Multiaddr address)
    {
        while (true)
        {
            var r = finish(socket);
            if (r.IsWouldBlock) { socket.Pollable.Block(); continue; }
            Check(r, operation, address);
            return;
        }
    }

    private void Publish(TransportEvent e)
    {
        if (_events.Writer.TryWrite(e)) return;
        // Full: queue behind the blocked writers (the bounded channel keeps their order).
        _ = _events.Writer.WriteAsync(e).AsTask().ContinueWith(static _ => { }, TaskScheduler.Default);
    }

    /// <summary>Removes every listener (their events are published), completes <see cref="Events"/> and drops the network handle.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var id in _listeners.Keys.ToArray()) RemoveListener(id);
        _events.Writer.TryComplete();
        await Task.CompletedTask;
        _network.Dispose();
    }
}

internal sealed class WasiTcpListener(ListenerId id, TcpSocket socket, Multiaddr address)
{
    private readonly CancellationTokenSource _stop = new();

    public ListenerId Id { get; } = id;
    public TcpSocket Socket { get; } = socket;
    public Multiaddr Address { get; } = address;
    public CancellationToken Stopping => _stop.Token;
    public Task? AcceptLoop { get; set; }

    /// <summary>
    /// Cancels the pending accept wait (which takes the socket's pollable out of the scheduler at once), then drops the
    /// socket now: once <see cref="WasiTcpTransport.RemoveListener"/> returned, the port accepts nothing more. (The
    /// accept loop, resumed later, finds the token cancelled; its own dispose is then a no-op.)
    /// </summary>
    public void Stop()
    {
        _stop.Cancel();
        Socket.Dispose();
    }
}
