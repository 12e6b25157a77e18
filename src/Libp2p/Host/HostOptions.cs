using Libp2p.Host.Resources;
using Libp2p.Identity;
using Libp2p.Security;
using Libp2p.Security.Noise;
using Libp2p.Security.Tls;
using Libp2p.Transports;
using Libp2p.Yamux;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Libp2p.Host;

/// <summary>Everything a <see cref="Libp2pHost"/> is built from; the defaults suit a small node.</summary>
public sealed class HostOptions
{
    /// <summary>The node's identity; a fresh Ed25519 key when not set.</summary>
    public PrivateKey? Identity { get; set; }

    /// <summary>Transports tried in order for each dial and listen.</summary>
    public IList<ITransport> Transports { get; } = new List<ITransport>();

    /// <summary>
    /// Security protocols, in order of preference: the dialer proposes them in this order (the first one
    /// optimistically, saving a round trip; see <see cref="ConnectionUpgrader"/>), the listener accepts any of them.
    /// Default: Noise, then TLS (as go-libp2p and js-libp2p); Noise alone where <see cref="TlsSecurity.IsSupported"/> is
    /// false (inside WebAssembly). <see cref="Security.Plaintext.PlaintextSecurity"/> is never here unless added explicitly.
    /// </summary>
    public IList<ISecurityProtocol> SecurityProtocols { get; } = DefaultSecurityProtocols();

    private static List<ISecurityProtocol> DefaultSecurityProtocols()
    {
        var list = new List<ISecurityProtocol> { new NoiseSecurity() };
        if (TlsSecurity.IsSupported) list.Add(new TlsSecurity());
        return list;
    }

    /// <summary>The protocol version identify announces.</summary>
    public string ProtocolVersion { get; set; } = "ipfs/0.1.0";

    /// <summary>The agent version identify announces.</summary>
    public string AgentVersion { get; set; } = "libp2p-dotnet/0.1.0";

    /// <summary>Serve <c>/ipfs/ping/1.0.0</c>.</summary>
    public bool EnablePing { get; set; } = true;

    /// <summary>Serve <c>/ipfs/id/1.0.0</c> and <c>/ipfs/id/push/1.0.0</c>, and identify every new connection.</summary>
    public bool EnableIdentify { get; set; } = true;

    /// <summary>
    /// How long a new connection waits before we ask its peer to identify itself (zero: at once). On a fresh
    /// connection the streams the dial was made for go first instead of sharing the cores with identify's stream
    /// (both hosts identify each other: ~0.5 ms of a 3.5 ms dial-to-first-ping on two cores). Skipped when the
    /// connection closed meanwhile or <see cref="Libp2pHost.IdentifyAsync"/> already asked, which never waits.
    /// </summary>
    public TimeSpan IdentifyDelay { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Serve <c>/perf/1.0.0</c>; off by default because it lets any peer make us send any amount of data.</summary>
    public bool EnablePerf { get; set; }

    /// <summary>Time for the whole security + muxer upgrade of a new connection (js-libp2p uses 10 s).</summary>
    public TimeSpan UpgradeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Time an accepted connection has to send its first bytes (a dialer speaks first: the multistream-select header);
    /// a connection that sends nothing is reset then and its pending-upgrade slot returns.
    /// </summary>
    public TimeSpan InboundFirstByteTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the ping handler waits for the next 32-byte ping on a stream (go-libp2p: 10 s).</summary>
    public TimeSpan PingTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Time for either side of identify and for receiving an identify push (go-libp2p: 5 s).</summary>
    public TimeSpan IdentifyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Time the perf handler waits for the 8-byte request header before it takes any buffer.</summary>
    public TimeSpan PerfRequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Time for a dial, including the upgrade.</summary>
    public TimeSpan DialTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Time for multistream-select on a new stream.</summary>
    public TimeSpan StreamNegotiationTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A connection without streams for this long is closed; null keeps connections open.</summary>
    public TimeSpan? IdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Bound on closing one connection (the GoAway flush and the graceful end of its session) and so on
    /// <see cref="Libp2pHost.DisposeAsync"/>, which closes all of them at once. Past it the connection is aborted and its
    /// buffers return, whatever the peer does. Measured on <see cref="TimeProvider"/> or the real clock, whichever runs
    /// out first, so a host on a clock that stands still (a test's fake clock) still shuts down.
    /// </summary>
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Every limit of the host's resource manager (<see cref="Libp2pHost.Resources"/>): connections, streams and memory
    /// per node, remote address, peer, connection, stream and protocol. The defaults protect a node on the internet;
    /// <c>docs/limits.md</c> lists them. Tests and benchmarks that open thousands of connections from one address raise them.
    /// </summary>
    public ResourceLimits Limits { get; set; } = new();

    /// <summary>Shorthand for <see cref="ResourceLimits.Connections"/>: open connections, both directions, upgrading ones included.</summary>
    public int MaxConnections
    {
        get => Limits.Connections;
        set => Limits.Connections = value;
    }

    /// <summary>Shorthand for <see cref="ResourceLimits.PendingInbound"/>: inbound connections still in the upgrade (a slow-loris bound).</summary>
    public int MaxPendingUpgrades
    {
        get => Limits.PendingInbound;
        set => Limits.PendingInbound = value;
    }

    /// <summary>Yamux settings for every connection (stream limits, windows, keep-alive).</summary>
    public YamuxOptions Yamux { get; set; } = new();

    /// <summary>The clock of every timeout, keep-alive and expiry of the host (inside Wasm, the event loop's clock).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Where the host and its layers log (nowhere by default).</summary>
    public ILoggerFactory LoggerFactory { get; set; } = NullLoggerFactory.Instance;
}
