using System.Threading.Channels;
using Google.Protobuf;
using Libp2p.Core;
using Libp2p.Daemon;
using Libp2p.Daemon.Control;
using Libp2p.Daemon.Endpoints;
using Libp2p.Daemon.Pb;
using Libp2p.Host;
using Libp2p.Multiformats;
using Libp2p.Protocols.Echo;
using Libp2p.Tests.Host;

namespace Libp2p.Tests.Daemon;

/// <summary>
/// A control endpoint in memory: tests open control connections with <see cref="Connect"/>, and the daemon's dials
/// to stream-handler addresses arrive in <see cref="Dialed"/> as the client's end.
/// </summary>
internal sealed class InMemoryControlEndpoint : IControlEndpoint
{
    private readonly Channel<IDuplexStream> _incoming = Channel.CreateUnbounded<IDuplexStream>();

    public Multiaddr Address { get; } = Multiaddr.Parse("/ip4/127.0.0.1/tcp/1");

    public Channel<(Multiaddr Address, IDuplexStream Client)> Dialed { get; } = Channel.CreateUnbounded<(Multiaddr, IDuplexStream)>();

    public IDuplexStream Connect()
    {
        var (client, daemonSide) = InMemoryDuplex.CreatePair();
        _incoming.Writer.TryWrite(daemonSide);
        return client;
    }

    public async ValueTask<IDuplexStream?> AcceptAsync(CancellationToken cancellationToken)
    {
        try { return await _incoming.Reader.ReadAsync(cancellationToken); }
        catch (ChannelClosedException) { return null; }
    }

    public bool CanDial(Multiaddr address) => !UnixControlEndpoint.IsUnix(address);

    public ValueTask<IDuplexStream> DialAsync(Multiaddr address, CancellationToken cancellationToken)
    {
        var (client, daemonSide) = InMemoryDuplex.CreatePair();
        Dialed.Writer.TryWrite((address, client));
        return ValueTask.FromResult(daemonSide);
    }

    public ValueTask DisposeAsync()
    {
        _incoming.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }
}

/// <summary>A daemon on host A (listening on loopback TCP) and a peer host B that serves echo, both real.</summary>
internal sealed class DaemonHarness : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly Task _serving;

    private DaemonHarness(Libp2pHost a, Libp2pHost b, Multiaddr bAddress, InMemoryControlEndpoint endpoint, P2pDaemon daemon)
    {
        A = a;
        B = b;
        BAddress = bAddress;
        Endpoint = endpoint;
        Daemon = daemon;
        _serving = daemon.RunAsync();
    }

    public Libp2pHost A { get; }
    public Libp2pHost B { get; }
    public Multiaddr BAddress { get; }
    public InMemoryControlEndpoint Endpoint { get; }
    public P2pDaemon Daemon { get; }

    public static async Task<DaemonHarness> StartAsync(Action<DaemonOptions>? configure = null, Action<HostOptions>? configureA = null)
    {
        var (a, _) = await Hosts.CreateListeningAsync(o =>
        {
            o.IdleTimeout = null;
            configureA?.Invoke(o);
        });
        var (b, bAddress) = await Hosts.CreateListeningAsync(o => o.IdleTimeout = null);
        b.SetHandler(EchoProtocol.ProtocolId, (ctx, ct) => EchoProtocol.HandleAsync(ctx.Stream, ct));
        var options = new DaemonOptions();
        configure?.Invoke(options);
        var endpoint = new InMemoryControlEndpoint();
        return new DaemonHarness(a, b, bAddress, endpoint, new P2pDaemon(a, endpoint, options));
    }

    public ControlClient Connect() => new(Endpoint.Connect());

    public async ValueTask DisposeAsync()
    {
        await Daemon.DisposeAsync();
        await _serving.WaitAsync(Timeout);
        await A.DisposeAsync();
        await B.DisposeAsync();
    }
}

/// <summary>The client side of one control connection: varint-delimited messages, as @libp2p/daemon-client writes them.</summary>
internal sealed class ControlClient(IDuplexStream stream)
{
    public IDuplexStream Stream { get; } = stream;

    public Task SendAsync(Request request) => Stream.WriteAsync(ControlCodec.Frame(request)).AsTask().WaitAsync(DaemonHarness.Timeout);

    public Task SendRawAsync(byte[] bytes) => Stream.WriteAsync(bytes).AsTask().WaitAsync(DaemonHarness.Timeout);

    public async Task<Response> RequestAsync(Request request)
    {
        await SendAsync(request);
        return await ReadAsync(Response.Parser);
    }

    /// <summary>The next varint-delimited message; reads no byte past it.</summary>
    public async Task<T> ReadAsync<T>(MessageParser<T> parser) where T : IMessage<T>
    {
        byte[] payload = await ReadFrameAsync() ?? throw new EndOfStreamException("The daemon closed the connection instead of answering.");
        return parser.ParseFrom(payload);
    }

    public async Task<byte[]?> ReadFrameAsync()
    {
        var prefix = new byte[Varint.MaxLength];
        for (int i = 0; i < prefix.Length; i++)
        {
            int n = await Stream.ReadAsync(prefix.AsMemory(i, 1)).AsTask().WaitAsync(DaemonHarness.Timeout);
            if (n == 0) return i == 0 ? null : throw new EndOfStreamException("EOF inside a length prefix");
            if (Varint.TryRead(prefix.AsSpan(0, i + 1), out ulong length, out _))
            {
                var payload = new byte[length];
                await Stream.ReadExactlyAsync(payload).AsTask().WaitAsync(DaemonHarness.Timeout);
                return payload;
            }
        }
        throw new InvalidDataException("bad length prefix");
    }

    /// <summary>Everything until EOF.</summary>
    public async Task<byte[]> ReadToEndAsync()
    {
        var all = new List<byte>();
        var buffer = new byte[4096];
        while (true)
        {
            int n = await Stream.ReadAsync(buffer).AsTask().WaitAsync(DaemonHarness.Timeout);
            if (n == 0) return [.. all];
            all.AddRange(buffer.AsSpan(0, n).ToArray());
        }
    }

    /// <summary>True when the daemon closed the connection (EOF) with nothing more to read.</summary>
    public async Task<bool> IsClosedAsync() => await ReadFrameAsync() is null;
}
