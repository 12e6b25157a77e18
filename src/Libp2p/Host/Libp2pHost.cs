using System.Threading.Channels;
using Libp2p.Host.Resources;
using Libp2p.Identity;
using Libp2p.Multiformats;
using Libp2p.Security;
using Libp2p.Transports;
using Microsoft.Extensions.Logging;

namespace Libp2p.Host;

/// <summary>
/// A libp2p node: listens and dials through its transports, upgrades every connection
/// (multistream-select, a security protocol, Yamux), keeps one connection per peer, serves protocol handlers and
/// reports what happens through <see cref="Events"/>. Owns its transports; dispose it to shut down
/// gracefully. No threads of its own: everything runs on the caller's continuations.
/// </summary>
public sealed partial class Libp2pHost : IAsyncDisposable
{
    private readonly Dictionary<string, Registration> _handlers = new(StringComparer.Ordinal);
    private readonly Channel<HostEvent> _events = Channel.CreateBounded<HostEvent>(
        new BoundedChannelOptions(4096) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = false });
    private readonly CancellationTokenSource _shutdown = new();
    private int _disposed;

    /// <summary>A host with <paramref name="options"/> (its identity, transports, security protocols, limits); it listens and dials once asked to.</summary>
    public Libp2pHost(HostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Transports.Count == 0) throw new ArgumentException("A host needs at least one transport.", nameof(options));
        ISecurityProtocol[] security = [.. options.SecurityProtocols];
        if (security.Length == 0) throw new ArgumentException("A host needs at least one security protocol.", nameof(options));
        if (security.DistinctBy(p => p.ProtocolId).Count() != security.Length)
            throw new ArgumentException("HostOptions.SecurityProtocols names a protocol twice.", nameof(options));
        SecurityProtocols = security;
        Options = options;
        Identity = options.Identity ?? PrivateKey.Generate();
        PeerId = Identity.ToPeerId();
        TimeProvider = options.TimeProvider;
        options.Yamux.TimeProvider = TimeProvider;
        Log = options.LoggerFactory.CreateLogger("Libp2p.Host");
        Metrics = new HostMetrics();
        Resources = new ResourceManager(options.Limits, TimeProvider, Log, Metrics.ResourceRefused);
        PeerStore = new PeerStore(TimeProvider);
        RegisterBuiltInProtocols();
        foreach (var transport in options.Transports)
        {
            if (transport is IHostAwareTransport aware) aware.Attach(this);
            _ = PumpTransportEventsAsync(transport);
        }
        if (options.IdleTimeout is { } idle)
            _ = SweepIdleConnectionsAsync(idle);
    }

    /// <summary>This host's peer id (of <see cref="Identity"/>).</summary>
    public PeerId PeerId { get; }
    /// <summary>This host's key.</summary>
    public PrivateKey Identity { get; }
    /// <summary>The options the host was created with.</summary>
    public HostOptions Options { get; }
    /// <summary>The host's clock (<see cref="HostOptions.TimeProvider"/>).</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>
    /// The resource manager: every limit of <see cref="HostOptions.Limits"/>, what the node holds now, and scopes in which
    /// protocols reserve memory for what they buffer on a peer's behalf.
    /// </summary>
    public ResourceManager Resources { get; }

    /// <summary>Host events in order; bounded, the oldest are dropped when nobody reads.</summary>
    public ChannelReader<HostEvent> Events => _events.Reader;

    /// <summary>The security protocols negotiated on every connection, in order of preference (fixed at construction).</summary>
    public IReadOnlyList<ISecurityProtocol> SecurityProtocols { get; }

    internal ILogger Log { get; }
    internal HostMetrics Metrics { get; }
    internal CancellationToken ShutdownToken => _shutdown.Token;

    /// <summary>Serves <paramref name="protocol"/> on inbound streams, at most <paramref name="maxInboundStreamsPerConnection"/> at once per connection.</summary>
    public void SetHandler(string protocol, StreamHandler handler, int maxInboundStreamsPerConnection = 64)
    {
        ArgumentException.ThrowIfNullOrEmpty(protocol);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxInboundStreamsPerConnection, 1);
        lock (_handlers) _handlers[protocol] = new Registration(handler, maxInboundStreamsPerConnection);
    }

    /// <summary>Stops serving <paramref name="protocol"/>; false when it was not served.</summary>
    public bool RemoveHandler(string protocol)
    {
        lock (_handlers) return _handlers.Remove(protocol);
    }

    /// <summary>The protocol ids this host serves (what identify announces).</summary>
    public IReadOnlyList<string> Protocols
    {
        get { lock (_handlers) return [.. _handlers.Keys.Order(StringComparer.Ordinal)]; }
    }

    internal bool HasHandler(string protocol)
    {
        lock (_handlers) return _handlers.ContainsKey(protocol);
    }

    internal StreamHandler? GetHandler(string protocol)
    {
        lock (_handlers) return _handlers.TryGetValue(protocol, out var r) ? r.Handler : null;
    }

    internal int GetInboundStreamLimit(string protocol)
    {
        lock (_handlers) return _handlers.TryGetValue(protocol, out var r) ? r.MaxInbound : 0;
    }

    internal void Publish(HostEvent e) => _events.Writer.TryWrite(e);

    /// <summary>
    /// Shuts down: stops listening, closes every connection with GoAway, then disposes the transports. Each close is
    /// bounded by <see cref="HostOptions.CloseTimeout"/> (connections close at once, in parallel: the limited ones first,
    /// then the rest), so this finishes within twice that bound plus the time to dispose the transports, whatever the
    /// peers and the clock do.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _shutdown.Cancel();
        foreach (var (transport, id) in ListenerSnapshot())
            transport.RemoveListener(id);
        // Limited (relayed) connections run over streams of other connections: they close first, while the connection
        // under them still carries their GoAway, or each would wait out its close timeout.
        foreach (bool limited in new[] { true, false })
        {
            var closing = ConnectionSnapshot().Where(c => c.IsLimited == limited).Select(c => c.CloseAsync().AsTask()).ToArray();
            try { await Task.WhenAll(closing).ConfigureAwait(false); }
            catch (Exception e) { Log.ShutdownCloseFailed(e); }
        }
        foreach (var transport in Options.Transports)
            await transport.DisposeAsync().ConfigureAwait(false);
        _events.Writer.TryComplete();
        Metrics.Dispose();
    }

    private sealed record Registration(StreamHandler Handler, int MaxInbound);
}
