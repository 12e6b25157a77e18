using Libp2p.Host;
using Libp2p.Identity;
using Libp2p.Multiformats;
using Libp2p.Transports.Tcp;

namespace Libp2p.Tests.Host;

/// <summary>Builds hosts on the real TCP transport over loopback for host tests.</summary>
internal static class Hosts
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public static Libp2pHost Create(Action<HostOptions>? configure = null)
    {
        var options = new HostOptions();
        options.Transports.Add(new TcpTransport(new TcpTransportOptions()));
        configure?.Invoke(options);
        return new Libp2pHost(options);
    }

    public static async Task<(Libp2pHost Host, Multiaddr Address)> CreateListeningAsync(Action<HostOptions>? configure = null)
    {
        var host = Create(configure);
        var addrs = await host.ListenAsync(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0")).AsTask().WaitAsync(Timeout);
        return (host, addrs[0].WithPeerId(host.PeerId));
    }

    public static async Task<HostEvent> NextEventAsync<T>(Libp2pHost host) where T : HostEvent
    {
        using var cts = new CancellationTokenSource(Timeout);
        while (true)
        {
            var e = await host.Events.ReadAsync(cts.Token);
            if (e is T) return e;
        }
    }
}
