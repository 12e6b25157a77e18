using Libp2p.Core;
using Libp2p.Host;
using Libp2p.Host.Resources;
using Libp2p.Protocols.Ping;
using Libp2p.Tests.Yamux;
using Libp2p.Yamux;
using Microsoft.Extensions.Time.Testing;
using static Libp2p.Tests.Host.Hosts;

namespace Libp2p.Tests.Host;

/// <summary>Limits as the layers enforce them: streams, memory, write timeout, answer backpressure, handler timeouts.</summary>
public class HostLimitsTests
{
    private static readonly TimeSpan T = Hosts.Timeout;

    [Fact]
    public async Task StreamsBeyondTheConnectionLimitAreResetAndTheConnectionGoesOn()
    {
        var held = new TaskCompletionSource();
        var (server, addr) = await CreateListeningAsync(o => o.Limits.StreamsInboundPerConnection = 2);
        await using var _ = server;
        server.SetHandler("/hold/1", async (ctx, ct) => await held.Task.WaitAsync(ct));
        await using var client = Create(o => o.EnableIdentify = false); // its identify request would take a slot
        var connection = await client.DialAsync(addr).AsTask().WaitAsync(T);
        var a = await connection.OpenStreamAsync("/hold/1").AsTask().WaitAsync(T);
        var b = await connection.OpenStreamAsync("/hold/1").AsTask().WaitAsync(T);
        await Assert.ThrowsAnyAsync<Exception>(() => connection.OpenStreamAsync("/hold/1").AsTask().WaitAsync(T));
        held.SetResult();
        await a.DisposeAsync();
        await b.DisposeAsync();
        Assert.True(await client.PingAsync(connection).AsTask().WaitAsync(T) > TimeSpan.Zero);
        Assert.True(server.Resources.Refusals >= 1);
    }

    [Fact]
    public async Task DataBeyondTheMemoryBudgetResetsItsStreamAndEveryByteReturns()
    {
        var release = new TaskCompletionSource();
        var (server, addr) = await CreateListeningAsync(o => o.Limits.MemoryPerConnection = 600 * 1024);
        await using var _ = server;
        // A handler that never reads: what the peer sends stays in the stream's receive buffer.
        server.SetHandler("/sink/1", async (ctx, ct) => await release.Task.WaitAsync(ct));
        await using var client = Create();
        var connection = await client.DialAsync(addr).AsTask().WaitAsync(T);
        var payload = new byte[200 * 1024];
        int reset = 0;
        var streams = new List<IDuplexStream>();
        for (int i = 0; i < 5; i++)
        {
            var s = await connection.OpenStreamAsync("/sink/1").AsTask().WaitAsync(T);
            streams.Add(s);
            await s.WriteAsync(payload).AsTask().WaitAsync(T);
        }
        // Three 256 KiB rings (200 KiB rounds up) do not fit 600 KiB: later streams are reset by the server.
        var deadline = DateTime.UtcNow + T;
        while (DateTime.UtcNow < deadline && reset == 0)
        {
            reset = 0;
            foreach (var s in streams)
            {
                try { await s.WriteAsync(new byte[1]).AsTask().WaitAsync(TimeSpan.FromSeconds(1)); }
                catch (YamuxStreamResetException) { reset++; }
            }
            if (reset == 0) await Task.Delay(50);
        }
        Assert.True(reset >= 1, "no stream was reset although the budget was spent");
        Assert.True(server.Resources.Usage.Memory <= 600 * 1024, $"{server.Resources.Usage.Memory} bytes reserved");
        release.SetResult();
        foreach (var s in streams) s.Abort();
        await connection.CloseAsync().AsTask().WaitAsync(T);
        deadline = DateTime.UtcNow + T;
        while (server.Resources.Usage.Memory != 0 && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.Equal(0, server.Resources.Usage.Memory);
    }

    [Fact]
    public async Task AWriteThatMakesNoProgressForTheWriteTimeoutAbortsTheSession()
    {
        var time = new FakeTimeProvider();
        var (a, b) = InMemoryDuplex.CreatePair(16 * 1024); // b never reads: a's writes stop after 16 KiB
        var session = new YamuxSession(a, isInitiator: true, new YamuxOptions { KeepAliveInterval = null, TimeProvider = time });
        session.Start();
        var stream = await session.OpenStreamAsync().AsTask().WaitAsync(T);
        _ = stream.WriteAsync(new byte[200 * 1024]).AsTask();
        var deadline = DateTime.UtcNow + T;
        while (!session.Completion.IsCompleted && DateTime.UtcNow < deadline)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(20);
        }
        var e = await Assert.ThrowsAsync<YamuxSessionClosedException>(() => session.Completion.WaitAsync(T));
        Assert.Contains("write timeout", e.Message);
        await b.DisposeAsync();
    }

    [Fact]
    public async Task ABurstOfSynsFromAPeerThatReadsIsAnsweredWithoutEndingTheSession()
    {
        var (session, peer) = RawYamuxPeer.Create(options: new YamuxOptions { KeepAliveInterval = null, MaxStreams = 16, MaxUnacknowledgedInboundStreams = 16 });
        await using var _ = session;
        // 20,000 SYNs in one write: far more answers (RSTs) than the control queue holds; the session pauses its
        // reading until they are written, instead of ending with "faster than it reads".
        var burst = new byte[20_000 * YamuxHeader.Size];
        for (int i = 0; i < 20_000; i++)
            new YamuxHeader(YamuxFrameType.WindowUpdate, YamuxFlags.Syn, (uint)(2 * i + 1), 0).Write(burst.AsSpan(i * YamuxHeader.Size));
        var write = peer.Io.WriteAsync(burst).AsTask();
        int resets = 0;
        while (resets < 20_000 - 16)
        {
            var frame = await peer.ReadFrameAsync();
            Assert.NotNull(frame);
            if ((frame.Value.Header.Flags & YamuxFlags.Rst) != 0) resets++;
        }
        await write.WaitAsync(T);
        await peer.WriteAsync(YamuxFrameType.Ping, YamuxFlags.Syn, 0, 77);
        var pong = await peer.ReadUntilAsync(h => h.Type == YamuxFrameType.Ping);
        Assert.Equal(77u, pong.Header.Length);
        Assert.False(session.Completion.IsCompleted);
    }

    [Fact]
    public async Task PingHandlerEndsAStreamThatStaysQuietForThePingTimeout()
    {
        var time = new FakeTimeProvider();
        var (a, b) = InMemoryDuplex.CreatePair();
        var handler = PingProtocol.HandleAsync(a, TimeSpan.FromSeconds(10), time);
        var ping = new byte[32];
        time.Advance(TimeSpan.FromSeconds(5));
        await b.WriteAsync(ping);
        await b.ReadExactlyAsync(new byte[32]).AsTask().WaitAsync(T);
        await Task.Delay(200); // the handler re-arms its timer right after the echo
        time.Advance(TimeSpan.FromSeconds(9)); // 14 s since the start, 9 since the echo: not yet
        await Task.Delay(200);
        Assert.False(handler.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(2));
        var e = await Assert.ThrowsAsync<TimeoutException>(() => handler.WaitAsync(T));
        Assert.Contains("ping timeout", e.Message);
    }

    [Fact]
    public async Task PerfHandlerWaitsForItsHeaderOnlyForThePerfRequestTimeout()
    {
        var time = new FakeTimeProvider();
        var (a, _) = InMemoryDuplex.CreatePair();
        var handler = Libp2p.Protocols.Perf.PerfProtocol.HandleAsync(a, TimeSpan.FromSeconds(10), time);
        time.Advance(TimeSpan.FromSeconds(11));
        var e = await Assert.ThrowsAsync<TimeoutException>(() => handler.WaitAsync(T));
        Assert.Contains("perf request timeout", e.Message);
    }

    [Fact]
    public async Task AConnectionThatSendsNothingIsResetAfterTheFirstByteTimeout()
    {
        var (server, addr) = await CreateListeningAsync(o => o.InboundFirstByteTimeout = TimeSpan.FromMilliseconds(300));
        await using var _ = server;
        var endpoint = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, addr.Components[1].ToPort());
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        await socket.ConnectAsync(endpoint).WaitAsync(T);
        var failed = (HostEvent.IncomingConnectionFailed)await NextEventAsync<HostEvent.IncomingConnectionFailed>(server);
        Assert.Contains("first-byte timeout", failed.Error.Message);
        Assert.Equal(0, server.Resources.Usage.PendingInbound);
    }
}
