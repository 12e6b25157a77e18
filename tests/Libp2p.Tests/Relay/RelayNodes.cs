using Libp2p.Host;
using Libp2p.Identity;
using Libp2p.Multiformats;
using Libp2p.Relay;
using Libp2p.Tests.Host;

namespace Libp2p.Tests.Relay;

/// <summary>
/// A relay R (TCP, serving hop) and clients with the relay transport, over loopback. A client that listens through R
/// listens on nothing else: R is its only way in.
/// </summary>
internal sealed class RelayNodes : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = [];

    public static readonly TimeSpan T = Hosts.Timeout;

    public required Libp2pHost Relay { get; init; }
    public required RelayService Service { get; init; }
    public required Multiaddr RelayAddress { get; init; }

    public static async Task<RelayNodes> StartAsync(RelayServiceOptions? service = null, Action<HostOptions>? configureRelay = null)
    {
        var (relay, address) = await Hosts.CreateListeningAsync(configureRelay);
        var nodes = new RelayNodes { Relay = relay, RelayAddress = address, Service = relay.StartRelayService(service) };
        nodes._owned.Add(nodes.Service);
        nodes._owned.Add(relay);
        return nodes;
    }

    /// <summary>A client host with the relay transport (and TCP to reach the relay); it listens on nothing.</summary>
    public Libp2pHost Client(RelayClientOptions? client = null, Action<HostOptions>? configure = null)
    {
        var host = Hosts.Create(o =>
        {
            o.AddCircuitRelay(client);
            configure?.Invoke(o);
        });
        _owned.Insert(0, host);
        return host;
    }

    /// <summary>A client that reserved a slot on the relay; returns its circuit address (…/p2p/R/p2p-circuit/p2p/CLIENT).</summary>
    public async Task<(Libp2pHost Host, Multiaddr Circuit)> ReachableClientAsync(RelayClientOptions? client = null, Action<HostOptions>? configure = null)
    {
        var host = Client(client, configure);
        var addrs = await host.ListenAsync(CircuitAddress.ListenAddress(RelayAddress)).AsTask().WaitAsync(T);
        return (host, addrs[0].WithPeerId(host.PeerId));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var d in _owned)
            await d.DisposeAsync().AsTask().WaitAsync(T);
    }
}
