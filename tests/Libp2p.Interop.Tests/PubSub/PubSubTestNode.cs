using Libp2p.Host;
using Libp2p.Identity;
using Libp2p.Multiformats;
using Libp2p.PubSub;
using Libp2p.Transports.Tcp;

namespace Libp2p.Interop.Tests.PubSub;

/// <summary>An in-process C# host with a pubsub node, listening on loopback, recording what it receives.</summary>
internal sealed class PubSubTestNode : IAsyncDisposable
{
    public static readonly TimeSpan T = TimeSpan.FromSeconds(30);

    private readonly List<PubSubMessage> _received = [];

    private PubSubTestNode(Libp2pHost host, Multiaddr address, Libp2p.PubSub.PubSub pubsub)
    {
        Host = host;
        Address = address;
        PubSub = pubsub;
    }

    public Libp2pHost Host { get; }
    public Multiaddr Address { get; }
    public Libp2p.PubSub.PubSub PubSub { get; }

    /// <summary>Messages from others received so far (our own are left out).</summary>
    public IReadOnlyList<PubSubMessage> Received { get { lock (_received) return [.. _received]; } }

    public static async Task<PubSubTestNode> StartAsync(PubSubRouterKind router = PubSubRouterKind.GossipSub, Action<PubSubOptions>? configure = null)
    {
        var options = new HostOptions { IdleTimeout = null };
        options.Transports.Add(new TcpTransport());
        var host = new Libp2pHost(options);
        var address = (await host.ListenAsync(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0")).AsTask().WaitAsync(T))[0].WithPeerId(host.PeerId);
        var pubsubOptions = new PubSubOptions { Router = router };
        pubsubOptions.GossipSub.HeartbeatInterval = TimeSpan.FromMilliseconds(200);
        configure?.Invoke(pubsubOptions);
        return new PubSubTestNode(host, address, new Libp2p.PubSub.PubSub(host, pubsubOptions));
    }

    /// <summary>Subscribes and records every message from others in the background.</summary>
    public async Task SubscribeAsync(string topic)
    {
        var subscription = await PubSub.SubscribeAsync(topic);
        _ = Task.Run(async () =>
        {
            await foreach (var m in subscription)
                if (m.ReceivedFrom != Host.PeerId) lock (_received) _received.Add(m);
        });
    }

    public async Task DialAsync(string address) => await Host.DialAsync(Multiaddr.Parse(address)).AsTask().WaitAsync(T);

    /// <summary>Waits (checking every 20 ms) until <paramref name="condition"/> holds.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        using var cts = new CancellationTokenSource(T);
        while (!condition())
        {
            try { await Task.Delay(20, cts.Token); }
            catch (OperationCanceledException) { throw new TimeoutException($"Not {what} within {T}."); }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await PubSub.DisposeAsync();
        await Host.DisposeAsync().AsTask().WaitAsync(T);
    }
}
