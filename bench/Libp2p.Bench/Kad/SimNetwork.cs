using System.Threading.Channels;
using Libp2p.Core;
using Libp2p.Multiformats;
using Libp2p.Transports;

namespace Libp2p.Bench.Kad;

/// <summary>
/// An in-process network for the DHT simulation: each node listens on <c>/memory/N</c>; every link has a one-way
/// latency of 5–35 ms (fixed per pair, from the pair's ids), so lookups take the round trips a real network makes
/// them take. A node can vanish without notice: from then on nothing it sends or is sent arrives and dials to it
/// hang, as when a machine drops off the net (no RST, no FIN, no GoAway).
/// </summary>
internal sealed class SimNetwork
{
    private readonly Dictionary<ulong, SimTransport> _nodes = new();

    public SimTransport CreateTransport(ulong id)
    {
        var t = new SimTransport(this, id);
        lock (_nodes) _nodes[id] = t;
        return t;
    }

    public SimTransport? Find(ulong id)
    {
        lock (_nodes) return _nodes.GetValueOrDefault(id);
    }

    public static TimeSpan Latency(ulong a, ulong b)
    {
        ulong x = (Math.Min(a, b) * 0x9E3779B97F4A7C15UL) ^ (Math.Max(a, b) * 0xC2B2AE3D27D4EB4FUL);
        x ^= x >> 29;
        return TimeSpan.FromMilliseconds(5 + (double)(x % 3001) / 100);
    }
}

internal sealed class SimTransport(SimNetwork network, ulong id) : ITransport
{
    private readonly Channel<TransportEvent> _events = Channel.CreateUnbounded<TransportEvent>();
    private ListenerId? _listener;

    public ulong Id { get; } = id;
    public Multiaddr Address { get; } = Multiaddr.Parse($"/memory/{id}");

    /// <summary>Gone without notice: nothing to or from this node arrives any more.</summary>
    public volatile bool Vanished;

    public ChannelReader<TransportEvent> Events => _events.Reader;

    public bool CanHandle(Multiaddr address) =>
        address.Components.Count > 0 && address.Components[0].Protocol == MultiaddrProtocol.Memory;

    public ListenerId Listen(Multiaddr address)
    {
        var id = ListenerId.Next();
        _listener = id;
        _events.Writer.TryWrite(new TransportEvent.NewAddress(id, Address));
        return id;
    }

    public bool RemoveListener(ListenerId id) => false;

    public async ValueTask<IRawConnection> DialAsync(Multiaddr address, CancellationToken cancellationToken = default)
    {
        ulong target = ulong.Parse(address.Components[0].Value!, System.Globalization.CultureInfo.InvariantCulture);
        var remote = network.Find(target) ?? throw new TransportException($"Nothing listens on {address}.");
        if (remote.Vanished || Vanished)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false); // a SYN into the void
        }
        var latency = SimNetwork.Latency(Id, target);
        var (a, b) = InMemoryDuplex.CreatePair();
        var mine = new SimLinkEnd(a, latency, this, remote, Address, remote.Address);
        var theirs = new SimLinkEnd(b, latency, remote, this, remote.Address, Address);
        // The dialer's first bytes may only go out after one latency (the handshake's SYN/ACK is folded into it).
        await Task.Delay(latency * 2, cancellationToken).ConfigureAwait(false);
        remote._events.Writer.TryWrite(new TransportEvent.Incoming(remote._listener ?? default, theirs, remote.Address, Address));
        return mine;
    }

    public ValueTask DisposeAsync()
    {
        _events.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }
}

/// <summary>One end of a link: what it writes reaches the other end one latency later, unless either end vanished.</summary>
internal sealed class SimLinkEnd : IRawConnection
{
    private readonly IDuplexStream _inner;
    private readonly TimeSpan _latency;
    private readonly SimTransport _self, _peer;
    private readonly Channel<(long Due, byte[]? Data)> _out = Channel.CreateUnbounded<(long, byte[]?)>(new UnboundedChannelOptions { SingleReader = true });

    public SimLinkEnd(IDuplexStream inner, TimeSpan latency, SimTransport self, SimTransport peer, Multiaddr local, Multiaddr remote)
    {
        _inner = inner;
        _latency = latency;
        _self = self;
        _peer = peer;
        LocalAddress = local;
        RemoteAddress = remote;
        _ = PumpAsync();
    }

    public Multiaddr LocalAddress { get; }
    public Multiaddr RemoteAddress { get; }

    private bool Cut => _self.Vanished || _peer.Vanished;

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _inner.ReadAsync(buffer, cancellationToken);

    public ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!Cut) _out.Writer.TryWrite((Due(), buffer.ToArray()));
        return ValueTask.CompletedTask;
    }

    public ValueTask CloseWriteAsync(CancellationToken cancellationToken = default)
    {
        if (!Cut) _out.Writer.TryWrite((Due(), null));
        return ValueTask.CompletedTask;
    }

    public void Abort(Exception? reason = null)
    {
        _out.Writer.TryComplete();
        if (!Cut) _inner.Abort(reason); // a vanished peer hears no RST
    }

    public ValueTask DisposeAsync()
    {
        _out.Writer.TryComplete();
        return Cut ? ValueTask.CompletedTask : _inner.DisposeAsync();
    }

    private long Due() => Environment.TickCount64 + (long)_latency.TotalMilliseconds;

    private async Task PumpAsync()
    {
        try
        {
            await foreach (var (due, data) in _out.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                long wait = due - Environment.TickCount64;
                if (wait > 0) await Task.Delay((int)wait).ConfigureAwait(false);
                if (Cut) continue;
                if (data is null) await _inner.CloseWriteAsync().ConfigureAwait(false);
                else await _inner.WriteAsync(data).ConfigureAwait(false);
            }
        }
        catch (Exception)
        {
            // The link was aborted under us.
        }
    }
}
