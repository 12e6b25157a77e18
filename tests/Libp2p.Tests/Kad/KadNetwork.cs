using Libp2p.Host;
using Libp2p.Identity;
using Libp2p.Kad;
using Libp2p.Multiformats;
using Libp2p.Transports.Tcp;

namespace Libp2p.Tests.Kad;

/// <summary>A few DHT nodes on loopback TCP, each joined through the first; disposed together.</summary>
internal sealed class KadNetwork : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public List<(Libp2pHost Host, KadDht Dht, Multiaddr Address)> Nodes { get; } = [];

    public static async Task<KadNetwork> StartAsync(int servers, int clients = 0, Action<KadOptions>? configure = null)
    {
        var net = new KadNetwork();
        for (int i = 0; i < servers + clients; i++)
            await net.AddNodeAsync(i < servers ? KadMode.Server : KadMode.Client, configure);
        // Everyone joins through the first node, then refreshes once more so the tables see the latecomers.
        var first = net.Nodes[0].Address;
        for (int i = 1; i < net.Nodes.Count; i++)
            await net.Nodes[i].Dht.BootstrapAsync([first]).WaitAsync(Timeout);
        foreach (var n in net.Nodes)
            await n.Dht.RefreshAsync(force: true).WaitAsync(Timeout);
        return net;
    }

    public async Task<(Libp2pHost Host, KadDht Dht, Multiaddr Address)> AddNodeAsync(KadMode mode, Action<KadOptions>? configure = null)
    {
        var options = new HostOptions { IdentifyDelay = TimeSpan.Zero };
        options.Transports.Add(new TcpTransport(new TcpTransportOptions()));
        var host = new Libp2pHost(options);
        var addrs = await host.ListenAsync(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0")).AsTask().WaitAsync(Timeout);
        var kad = new KadOptions { Mode = mode, EnablePeriodicRefresh = false };
        configure?.Invoke(kad);
        var node = (host, new KadDht(host, kad), addrs[0].WithPeerId(host.PeerId));
        Nodes.Add(node);
        return node;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (host, dht, _) in Nodes)
        {
            await dht.DisposeAsync();
            await host.DisposeAsync().AsTask().WaitAsync(Timeout);
        }
    }
}
