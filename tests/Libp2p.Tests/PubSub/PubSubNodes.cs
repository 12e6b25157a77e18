using Libp2p.Host;
using Libp2p.Multiformats;
using Libp2p.PubSub;
using Libp2p.Tests.Host;

namespace Libp2p.Tests.PubSub;

/// <summary>Real hosts over loopback TCP with a pubsub node each; a fast heartbeat so meshes form quickly.</summary>
internal sealed class PubSubNode : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private PubSubNode(Libp2pHost host, Multiaddr address, Libp2p.PubSub.PubSub pubsub)
    {
        Host = host;
        Address = address;
        PubSub = pubsub;
    }

    public Libp2pHost Host { get; }
    public Multiaddr Address { get; }
    public Libp2p.PubSub.PubSub PubSub { get; }

    public static async Task<PubSubNode> StartAsync(Action<PubSubOptions>? configure = null)
    {
        var (host, address) = await Hosts.CreateListeningAsync(o => o.IdleTimeout = null);
        var options = new PubSubOptions();
        options.GossipSub.HeartbeatInterval = TimeSpan.FromMilliseconds(100);
        options.GossipSub.HeartbeatInitialDelay = TimeSpan.FromMilliseconds(10);
        configure?.Invoke(options);
        return new PubSubNode(host, address, new Libp2p.PubSub.PubSub(host, options));
    }

    public async Task ConnectAsync(PubSubNode other) => await Host.DialAsync(other.Address).AsTask().WaitAsync(Timeout);

    /// <summary>Waits until <paramref name="condition"/> holds (checked on every heartbeat-sized tick), or fails naming <paramref name="what"/>.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        using var cts = new CancellationTokenSource(Timeout);
        while (!condition())
        {
            try { await Task.Delay(20, cts.Token); }
            catch (OperationCanceledException) { Assert.Fail($"Timed out waiting until {what}."); }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await PubSub.DisposeAsync();
        await Host.DisposeAsync().AsTask().WaitAsync(Timeout);
    }
}
