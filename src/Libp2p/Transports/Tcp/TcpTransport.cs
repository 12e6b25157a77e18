using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Libp2p.Multiformats;

namespace Libp2p.Transports.Tcp;

/// <summary>
/// TCP on <see cref="System.Net.Sockets"/>: listeners announce their real addresses (one per
/// interface address for 0.0.0.0 and ::), accept with backoff on errors, and report everything
/// through a bounded event channel; dials resolve /dns, /dns4 and /dns6 and try each address in turn.
/// </summary>
public sealed partial class TcpTransport : ITransport
{
    private readonly TcpTransportOptions _options;
    private readonly Channel<TransportEvent> _events;
    private readonly Dictionary<ListenerId, TcpListenerLoop> _listeners = [];
    private readonly List<Task> _runs = []; // every listener's RunAsync, awaited on dispose
    private readonly CancellationTokenSource _disposing = new();
    private bool _disposed;

    /// <summary>A TCP transport with <paramref name="options"/> (defaults when null).</summary>
    public TcpTransport(TcpTransportOptions? options = null)
    {
        _options = options ?? new TcpTransportOptions();
        _events = Channel.CreateBounded<TransportEvent>(new BoundedChannelOptions(Math.Max(1, _options.EventCapacity))
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = false,
            SingleWriter = false,
        });
    }

    /// <inheritdoc/>
    public ChannelReader<TransportEvent> Events => _events.Reader;

    /// <inheritdoc/>
    public bool CanHandle(Multiaddr address) => TcpMultiaddr.TryParse(address, out _, out _);

    /// <inheritdoc />
    /// <remarks>IPv6 listeners are v6-only: an IPv4 peer must reach an IPv4 listener, so addresses stay honest.</remarks>
    public ListenerId Listen(Multiaddr address)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!TcpMultiaddr.TryParse(address, out var target, out var problem))
            throw new TransportNotSupportedException($"{problem}; not supported by the TCP transport");
        if (target.WhyNotListenable() is { } why)
            throw new TransportNotSupportedException($"cannot listen on {address}: {why}; not supported by the TCP transport");

        var ip = TcpZones.Resolve(target);
        var endPoint = new IPEndPoint(ip, target.Port);
        var socket = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        IPEndPoint bound;
        try
        {
            if (ip.AddressFamily == AddressFamily.InterNetworkV6) socket.DualMode = false;
            socket.Bind(endPoint);
            socket.Listen(_options.Backlog);
            bound = (IPEndPoint)socket.LocalEndPoint!;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw TcpSocketErrors.Bind(e, endPoint);
        }

        var id = ListenerId.Next();
        var loop = new TcpListenerLoop(id, AnnouncedAddresses(bound), ct => socket.AcceptAsync(ct), socket.Dispose,
            Configure, _events.Writer, _options, _disposing.Token);
        lock (_listeners)
        {
            if (_disposed)
            {
                socket.Dispose();
                throw new ObjectDisposedException(nameof(TcpTransport));
            }
            // Registered before it runs, so a loop that ends at once still finds itself to remove.
            _listeners[id] = loop;
            _runs.RemoveAll(t => t.IsCompleted);
        }
        var run = RunListenerAsync(loop);
        lock (_listeners) _runs.Add(run);
        return id;
    }

    /// <inheritdoc/>
    public bool RemoveListener(ListenerId id)
    {
        TcpListenerLoop? loop;
        lock (_listeners)
        {
            if (!_listeners.Remove(id, out loop)) return false;
        }
        loop.Stop();
        return true;
    }

    /// <summary>Stops every listener, waits for their loops to end, then completes <see cref="Events"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        List<TcpListenerLoop> loops;
        Task[] runs;
        lock (_listeners)
        {
            if (_disposed) return;
            _disposed = true;
            loops = [.. _listeners.Values];
            _listeners.Clear();
        }
        // Disposing cancels pending event writes, so loops end even when nobody reads events.
        _disposing.Cancel();
        foreach (var loop in loops) loop.Stop();
        lock (_listeners) runs = [.. _runs];
        await Task.WhenAll(runs).ConfigureAwait(false);
        _events.Writer.TryComplete();
        _disposing.Dispose();
    }

    private async Task RunListenerAsync(TcpListenerLoop loop)
    {
        try
        {
            await loop.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            lock (_listeners) _listeners.Remove(loop.Id);
        }
    }

    private static List<Multiaddr> AnnouncedAddresses(IPEndPoint bound)
    {
        if (!bound.Address.Equals(IPAddress.Any) && !bound.Address.Equals(IPAddress.IPv6Any))
            return [Multiaddr.FromTcpEndPoint(bound)];
        var addresses = new List<Multiaddr>();
        foreach (var ip in TcpInterfaceAddresses.Get(bound.AddressFamily))
            addresses.Add(Multiaddr.FromTcpEndPoint(new IPEndPoint(ip, bound.Port)));
        return addresses;
    }

    /// <summary>Per-connection socket options, for dialed and accepted sockets alike.</summary>
    private void Configure(Socket socket)
    {
        socket.NoDelay = _options.NoDelay;
        if (_options.KeepAlive)
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            if (_options.KeepAliveTime is { } idle)
                socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, Math.Max(1, (int)idle.TotalSeconds));
        }
    }
}
