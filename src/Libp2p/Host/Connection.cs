using Libp2p.Core;
using Libp2p.Host.Resources;
using Libp2p.Identity;
using Libp2p.Multiformats;
using Libp2p.Multistream;
using Libp2p.Protocols.Identify;
using Libp2p.Transports;
using Libp2p.Yamux;

namespace Libp2p.Host;

/// <summary>Who opened a connection: we dialed it (outbound) or the remote did (inbound).</summary>
public enum ConnectionDirection
{
    /// <summary>We dialed it.</summary>
    Outbound,

    /// <summary>The remote dialed us.</summary>
    Inbound,
}

/// <summary>
/// An authenticated (Noise, TLS or plaintext), multiplexed (Yamux) connection to one peer. Inbound streams are
/// negotiated here and handed to the host's protocol handlers; outbound streams are opened by id.
/// </summary>
public sealed class Connection : IAsyncDisposable
{
    private readonly Libp2pHost _host;
    private readonly YamuxSession _session;
    private readonly ConnectionScope _scope;
    private readonly Dictionary<string, int> _inboundPerProtocol = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource<Exception?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _lastActivityTicks;
    private int _activeStreams;
    private int _keepAlive;
    private int _closing;

    internal Connection(Libp2pHost host, YamuxSession session, ConnectionScope scope, PeerId remotePeer, PublicKey remotePublicKey,
        Multiaddr localAddress, Multiaddr remoteAddress, ConnectionDirection direction, string securityProtocol)
    {
        SecurityProtocol = securityProtocol;
        _host = host;
        _session = session;
        _scope = scope;
        RemotePeer = remotePeer;
        RemotePublicKey = remotePublicKey;
        LocalAddress = localAddress;
        RemoteAddress = remoteAddress;
        Direction = direction;
        OpenedAt = host.TimeProvider.GetUtcNow();
        _lastActivityTicks = host.TimeProvider.GetTimestamp();
    }

    /// <summary>The authenticated peer at the other end.</summary>
    public PeerId RemotePeer { get; }
    /// <summary>The remote peer's key, as its security handshake proved it.</summary>
    public PublicKey RemotePublicKey { get; }
    /// <summary>Our end's address.</summary>
    public Multiaddr LocalAddress { get; }
    /// <summary>The real remote address, with <c>/p2p/&lt;remote id&gt;</c>.</summary>
    public Multiaddr RemoteAddress { get; }
    /// <summary>Whether we dialed the connection or accepted it.</summary>
    public ConnectionDirection Direction { get; }

    /// <summary>The security protocol the connection runs over, e.g. <c>/noise</c> or <c>/tls/1.0.0</c>.</summary>
    public string SecurityProtocol { get; }
    /// <summary>When the connection was established (on the host's clock).</summary>
    public DateTimeOffset OpenedAt { get; }

    /// <summary>
    /// The limits of the path this connection runs over (a circuit relay v2 connection: the relay ends it after a duration
    /// or an amount of data), or null for a direct connection. <see cref="ConnectionLimit.None"/> when the path announced
    /// no limit. Set from the raw connection (<see cref="ILimitedRawConnection"/>) before the connection is published.
    /// </summary>
    public ConnectionLimit? Limit { get; internal set; }

    /// <summary>True when the connection runs over a limited path (relayed): prefer another one for bulk data.</summary>
    public bool IsLimited => Limit is not null;

    /// <summary>What the remote said about itself over identify, once it has answered.</summary>
    public IdentifyInfo? RemoteIdentify { get; internal set; }

    // The identify request running on this connection: js-libp2p accepts one inbound /ipfs/id/1.0.0 stream per
    // connection (maxInboundStreams: 1) and resets a second, so concurrent requests share this one.
    internal Task<IdentifyInfo>? IdentifyInFlight;

    // When the peer's last identify push was taken (pushes are rate-limited per connection).
    internal long LastIdentifyPushTimestamp;
    internal readonly Lock IdentifyLock = new();

    /// <summary>Streams open on this connection right now (both directions).</summary>
    public int ActiveStreams => Volatile.Read(ref _activeStreams);

    /// <summary>Completes when the connection is closed; the result is the error that closed it, or null.</summary>
    public Task<Exception?> Closed => _closed.Task;

    /// <summary>True once the connection is closed.</summary>
    public bool IsClosed => _closed.Task.IsCompleted;

    internal YamuxSession Session => _session;

    internal ConnectionScope Scope => _scope;

    /// <summary>
    /// The connection's resource scope: memory reserved here is charged to the connection, its peer, its remote address
    /// and the node (see <see cref="ResourceManager"/>).
    /// </summary>
    public IResourceScope Resources => _scope;

    /// <summary>True while some <see cref="KeepAlive"/> handle is held.</summary>
    public bool IsKeptAlive => Volatile.Read(ref _keepAlive) > 0;

    /// <summary>
    /// Keeps the connection out of the host's idle timeout (<see cref="HostOptions.IdleTimeout"/>) until the returned handle
    /// is disposed, for a connection that must stay open without streams: a relay reservation (on both ends), say. It does
    /// not stop the peer or an explicit <see cref="CloseAsync"/> from closing it.
    /// </summary>
    public IDisposable KeepAlive()
    {
        Interlocked.Increment(ref _keepAlive);
        return new KeepAliveHandle(this);
    }

    internal long LastActivityTimestamp => Interlocked.Read(ref _lastActivityTicks);

    /// <summary>Opens a stream and negotiates <paramref name="protocol"/> on it.</summary>
    public ValueTask<IDuplexStream> OpenStreamAsync(string protocol, CancellationToken cancellationToken = default)
        => OpenStreamAsync([protocol], cancellationToken);

    /// <summary>Opens a stream and negotiates the first of <paramref name="protocols"/> the remote supports.</summary>
    /// <remarks>
    /// Negotiation completes here (one round trip per proposal): a refusal throws a <see cref="MultistreamException"/>
    /// with <see cref="MultistreamError.NoProtocolSupported"/>.
    /// </remarks>
    public async ValueTask<IDuplexStream> OpenStreamAsync(IReadOnlyList<string> protocols, CancellationToken cancellationToken = default)
        => (await OpenNegotiatedStreamAsync(protocols, cancellationToken).ConfigureAwait(false)).Stream;

    /// <summary>
    /// Like <see cref="OpenStreamAsync(IReadOnlyList{string}, CancellationToken)"/>, and also says which of
    /// <paramref name="protocols"/> the remote accepted (a daemon reports it to its client; pubsub proposes <c>/meshsub/1.2.0</c> down to
    /// <c>/floodsub/1.0.0</c> and speaks what was chosen).
    /// </summary>
    public async ValueTask<(IDuplexStream Stream, string Protocol)> OpenNegotiatedStreamAsync(IReadOnlyList<string> protocols, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(IsClosed, this);
        ArgumentNullException.ThrowIfNull(protocols);
        var stream = await _session.OpenStreamAsync(cancellationToken).ConfigureAwait(false);
        // Not the optimistic (lazy) dialer: against js-libp2p 3.x, a stream whose request, data and FIN all arrive
        // before js answered the negotiation stalls the *next* perf stream on the same connection (js's perf
        // handler never finishes its close). One round trip per stream is the price of interop (docs/interop.md).
        var tracked = new TrackedStream(this, stream);
        try
        {
            using var timeout = new Deadline(_host.Options.StreamNegotiationTimeout, _host.TimeProvider, cancellationToken);
            string selected = await MultistreamSelect.SelectAsync(stream, protocols, timeout.Token).ConfigureAwait(false);
            if (stream.Resources is StreamScope scope && _host.Resources.SetProtocol(scope, selected) is { } refusal)
                throw refusal;
            _host.Metrics.StreamOpened(outbound: true);
            return (tracked, selected);
        }
        catch
        {
            stream.Abort();
            await tracked.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    internal void Start()
    {
        _ = AcceptLoopAsync();
        _ = WatchSessionAsync();
    }

    private async Task WatchSessionAsync()
    {
        Exception? reason = null;
        try { await _session.Completion.ConfigureAwait(false); }
        catch (Exception e) { reason = e; }
        MarkClosed(reason);
    }

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                var stream = await _session.AcceptStreamAsync().ConfigureAwait(false);
                _ = ServeInboundAsync(stream);
            }
        }
        catch (Exception e) when (e is YamuxSessionClosedException or ObjectDisposedException or IOException or YamuxProtocolException)
        {
            // The session is over; WatchSessionAsync reports why.
        }
    }

    private async Task ServeInboundAsync(YamuxStream stream)
    {
        var tracked = new TrackedStream(this, stream);
        string? protocol = null;
        try
        {
            using var cts = new Deadline(_host.Options.StreamNegotiationTimeout, _host.TimeProvider);
            protocol = await MultistreamSelect.HandleAsync(stream, _host.HasHandler, cts.Token).ConfigureAwait(false);
            var handler = _host.GetHandler(protocol);
            if (handler is null || !TryEnterProtocol(protocol))
            {
                if (handler is not null)
                    _host.Resources.ReportRefusal("maxInboundStreamsPerConnection", _host.GetInboundStreamLimit(protocol), _scope.Name,
                        $"inbound {protocol} stream (the handler's limit per connection)");
                _host.Log.InboundStreamRefused(RemotePeer, protocol);
                stream.Abort();
                protocol = null;
                return;
            }
            if (stream.Resources is StreamScope scope && _host.Resources.SetProtocol(scope, protocol) is { } refusal)
            {
                // Over the protocol's node-wide stream limit: the manager counted and logged it; the peer sees RST.
                stream.Abort(refusal);
                ExitProtocol(protocol);
                protocol = null;
                return;
            }
            _host.Metrics.StreamOpened(outbound: false);
            await handler(new StreamContext(this, tracked, protocol) { Resources = tracked.Resources }, _host.ShutdownToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _host.Log.InboundStreamFailed(RemotePeer, protocol, e);
            stream.Abort(e);
        }
        finally
        {
            if (protocol is not null) ExitProtocol(protocol);
            await tracked.DisposeAsync().ConfigureAwait(false);
        }
    }

    private bool TryEnterProtocol(string protocol)
    {
        int limit = _host.GetInboundStreamLimit(protocol);
        lock (_inboundPerProtocol)
        {
            _inboundPerProtocol.TryGetValue(protocol, out int n);
            if (n >= limit) return false;
            _inboundPerProtocol[protocol] = n + 1;
            return true;
        }
    }

    private void ExitProtocol(string protocol)
    {
        lock (_inboundPerProtocol)
        {
            if (_inboundPerProtocol.TryGetValue(protocol, out int n))
            {
                if (n <= 1) _inboundPerProtocol.Remove(protocol);
                else _inboundPerProtocol[protocol] = n - 1;
            }
        }
    }

    internal void StreamStarted()
    {
        Interlocked.Increment(ref _activeStreams);
        Interlocked.Exchange(ref _lastActivityTicks, _host.TimeProvider.GetTimestamp());
    }

    internal void StreamEnded()
    {
        Interlocked.Decrement(ref _activeStreams);
        Interlocked.Exchange(ref _lastActivityTicks, _host.TimeProvider.GetTimestamp());
    }

    private void MarkClosed(Exception? reason)
    {
        if (_closed.TrySetResult(reason))
            _host.OnConnectionClosed(this, reason);
    }

    /// <summary>
    /// Closes gracefully: GoAway, so the remote opens no more streams, then the session ends and the connection is
    /// disposed. Bounded by <see cref="HostOptions.CloseTimeout"/> (on the host's clock or the real one, whichever
    /// runs out first) and by <paramref name="cancellationToken"/>: past either, the connection is aborted and its
    /// buffers return. Never throws for the peer's behaviour.
    /// </summary>
    public async ValueTask CloseAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _closing, 1) == 1)
        {
            // Another caller is closing; it is bounded, so waiting for it is too.
            await Closed.WaitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }
        var timeout = _host.Options.CloseTimeout;
        Exception? aborted = null;
        using (var deadline = new CloseDeadline(timeout, _host.TimeProvider, cancellationToken))
        {
            try
            {
                await _session.GoAwayAsync(YamuxGoAwayCode.Normal, deadline.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or YamuxSessionClosedException or ObjectDisposedException)
            {
                // The session is over already; disposing it below returns at once.
            }
            catch (OperationCanceledException) when (deadline.Token.IsCancellationRequested) { }
            try
            {
                if (!deadline.Token.IsCancellationRequested)
                    await _session.DisposeAsync().AsTask().WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (deadline.Token.IsCancellationRequested) { }
            if (deadline.Token.IsCancellationRequested && !_session.Completion.IsCompleted)
            {
                aborted = deadline.Expired
                    ? Libp2pException.Timeout($"Closing the connection to {RemotePeer} took longer than {timeout.TotalSeconds:0.###} s; it was aborted.")
                    : new OperationCanceledException("Closing the connection was cancelled; it was aborted.", cancellationToken);
                _session.Abort(aborted);
            }
        }
        // Also after an abort: the session then ends without waiting on the peer, returning its buffers.
        await _session.DisposeAsync().ConfigureAwait(false);
        MarkClosed(aborted);
    }

    /// <summary>Closes the connection (<see cref="CloseAsync"/>).</summary>
    public ValueTask DisposeAsync() => CloseAsync();

    /// <inheritdoc/>
    public override string ToString() => $"{Direction} {RemoteAddress}";

    private sealed class KeepAliveHandle(Connection owner) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Interlocked.Decrement(ref owner._keepAlive);
                Interlocked.Exchange(ref owner._lastActivityTicks, owner._host.TimeProvider.GetTimestamp());
            }
        }
    }

    /// <summary>Counts a stream as activity for the idle timeout until it is disposed.</summary>
    private sealed class TrackedStream : IScopedStream
    {
        private readonly Connection _owner;
        private readonly YamuxStream _inner;
        private int _disposed;

        public TrackedStream(Connection owner, YamuxStream inner)
        {
            _owner = owner;
            _inner = inner;
            owner.StreamStarted();
        }

        public IResourceScope Resources => _inner.Resources as IResourceScope ?? _owner.Resources;

        public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _inner.ReadAsync(buffer, cancellationToken);
        public ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => _inner.WriteAsync(buffer, cancellationToken);
        public ValueTask CloseWriteAsync(CancellationToken cancellationToken = default) => _inner.CloseWriteAsync(cancellationToken);
        public void Abort(Exception? reason = null) => _inner.Abort(reason);

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
            try { await _inner.DisposeAsync().ConfigureAwait(false); }
            finally { _owner.StreamEnded(); }
        }
    }
}
