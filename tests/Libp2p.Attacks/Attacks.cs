using System.Net.Sockets;
using System.Text;

namespace Libp2p.Attacks;

/// <summary>
/// The attacks of the adversarial suite, each against a node with default limits. Every loop is bounded in count and
/// stops when the token fires; attackers bind 127.0.0.2 and up (each attack its own addresses).
/// </summary>
public static class Attacks
{
    public static IReadOnlyList<Attack> All { get; } =
    [
        new("silent-connections", "300 TCP connections from one address that send nothing, renewed as the node closes them",
            "PendingInboundPerAddress", SilentConnectionsAsync),
        new("handshake-stall", "10 connections from each of 4 addresses that send the Noise hello and then nothing, renewed",
            "PendingInboundPerAddress", HandshakeStallAsync) { Addresses = 4, Duration = TimeSpan.FromSeconds(14) },
        new("bad-signature", "Noise handshakes whose identity signature does not verify, back to back",
            "signature over its Noise static key does not verify", BadSignatureAsync),
        new("garbage-key", "Noise handshakes with an identity key that does not decode, back to back",
            "identity key is invalid", GarbageKeyAsync),
        new("one-peer-many-connections", "one peer id opening connections from 24 addresses (8 each)",
            "ConnectionsInboundPerPeer", OnePeerManyConnectionsAsync) { Addresses = 24, Duration = TimeSpan.FromSeconds(10) },
        new("window-overrun", "a stream sent 300 KiB against a 256 KiB window, on connection after connection",
            "bytes of window", WindowOverrunAsync),
        new("oversize-frames", "a multistream line of 10,000 bytes and a Yamux data frame of 1 GiB announced",
            "bytes of window", OversizeFramesAsync),
        new("stream-flood", "a peer that reads opens 5,000 streams in one burst, then pings",
            "StreamsInboundPerConnection", StreamFloodAsync),
        new("ping-flood", "a peer that reads sends 100,000 Yamux pings in bursts",
            "", PingFloodAsync),
        new("stop-reading", "2 connections that stop reading and keep sending Yamux pings (each answered with a pong) until the node cannot write",
            "write timeout", StopReadingAsync) { Duration = TimeSpan.FromSeconds(18) },
        new("identify-push-flood", "identify pushes of 10 parts of tiny addresses (~20,000), 8 at a time on 8 connections, repeatedly",
            "maxInboundStreamsPerConnection", IdentifyPushFloodAsync),
    ];

    public static Attack Get(string name) => All.First(a => a.Name == name);

    // ---- before the handshake ----

    private static async Task SilentConnectionsAsync(AttackContext ctx, CancellationToken ct)
    {
        int connects = 0;
        const int MaxConnects = 20_000;
        async Task Worker()
        {
            while (!ct.IsCancellationRequested && Interlocked.Increment(ref connects) <= MaxConnects)
            {
                RawSocket socket;
                try { socket = await RawSocket.ConnectAsync(ctx.Source(), ctx.Target, ct); }
                catch (Exception e) when (e is SocketException or OperationCanceledException) { await PauseAsync(ct); continue; }
                await using (socket)
                {
                    if (await socket.ClosedByPeerWithinAsync(TimeSpan.FromSeconds(30), ct)) ctx.Refused();
                }
            }
        }
        await Task.WhenAll(Enumerable.Range(0, 300).Select(_ => Worker()));
    }

    private static async Task HandshakeStallAsync(AttackContext ctx, CancellationToken ct)
    {
        var hello = new byte[32];
        hello[0] = 9;
        byte[] firstFlight = [.. RawMultistream.Propose("/noise"), 0, 32, .. hello];
        int connects = 0;
        async Task Worker(int address)
        {
            while (!ct.IsCancellationRequested && Interlocked.Increment(ref connects) <= 20_000)
            {
                RawSocket socket;
                try
                {
                    socket = await RawSocket.ConnectAsync(ctx.Source(address), ctx.Target, ct);
                    await socket.WriteAsync(firstFlight, ct);
                }
                catch (Exception e) when (e is SocketException or OperationCanceledException or IOException) { await PauseAsync(ct); continue; }
                await using (socket)
                {
                    if (await socket.ClosedByPeerWithinAsync(TimeSpan.FromSeconds(30), ct)) ctx.Refused();
                }
            }
        }
        await Task.WhenAll(Enumerable.Range(0, 4).SelectMany(a => Enumerable.Range(0, 10).Select(_ => Worker(a))));
    }

    private static Task BadSignatureAsync(AttackContext ctx, CancellationToken ct) => ForgedHandshakesAsync(ctx, HandshakeForgery.BadSignature, ct);

    private static Task GarbageKeyAsync(AttackContext ctx, CancellationToken ct) => ForgedHandshakesAsync(ctx, HandshakeForgery.GarbageKey, ct);

    private static async Task ForgedHandshakesAsync(AttackContext ctx, HandshakeForgery forgery, CancellationToken ct)
    {
        var identity = new RawIdentity();
        async Task Worker()
        {
            for (int i = 0; i < 5_000 && !ct.IsCancellationRequested; i++)
            {
                try
                {
                    await using var socket = await RawSocket.ConnectAsync(ctx.Source(), ctx.Target, ct);
                    await RawNoise.HandshakeAsync(socket, identity, forgery, ct);
                    if (await socket.ClosedByPeerWithinAsync(TimeSpan.FromSeconds(10), ct)) ctx.Refused();
                }
                catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or System.Security.Cryptography.CryptographicException) { }
            }
        }
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Worker()));
    }

    private static async Task OnePeerManyConnectionsAsync(AttackContext ctx, CancellationToken ct)
    {
        var identity = new RawIdentity();
        var held = new List<RawYamux>();
        try
        {
            for (int address = 0; address < 24 && !ct.IsCancellationRequested; address++)
            {
                for (int i = 0; i < 8 && !ct.IsCancellationRequested; i++)
                {
                    try
                    {
                        var session = await RawYamux.ConnectAsync(ctx.Source(address), ctx.Target, identity, ct);
                        session.StartReading(ct);
                        held.Add(session);
                    }
                    catch (Exception e) when (e is SocketException or IOException or OperationCanceledException) { ctx.Refused(); }
                }
            }
            // The node refuses beyond its per-peer limit right after the handshake (GoAway, then close).
            using var settle = CancellationTokenSource.CreateLinkedTokenSource(ct);
            settle.CancelAfter(TimeSpan.FromSeconds(10));
            while (held.Count(h => !h.Closed.IsCompleted) > 8 && !settle.IsCancellationRequested)
                await Task.Delay(100, CancellationToken.None);
            ctx.Refused(held.Count(h => h.Closed.IsCompleted));
            ctx.Notes.Add($"{held.Count(h => !h.Closed.IsCompleted)} of {held.Count} authenticated connections of one peer id kept open");
            await Task.Delay(Timeout.Infinite, ct).ContinueWith(_ => { }, TaskScheduler.Default);
        }
        finally
        {
            foreach (var h in held) await h.DisposeAsync();
        }
    }

    // ---- after the handshake: Yamux and multistream ----

    private static async Task WindowOverrunAsync(AttackContext ctx, CancellationToken ct)
    {
        var identity = new RawIdentity();
        var payload = new byte[300 * 1024];
        for (int i = 0; i < 500 && !ct.IsCancellationRequested; i++)
        {
            try
            {
                await using var session = await RawYamux.ConnectAsync(ctx.Source(), ctx.Target, identity, ct);
                uint id = session.NextStreamId();
                await session.SendAsync(RawYamux.Frame(RawYamux.WindowUpdate, RawYamux.Syn, id, 0), ct);
                for (int off = 0; off < payload.Length; off += 60 * 1024)
                    await session.SendAsync(RawYamux.DataFrame(id, 0, payload.AsSpan(off, Math.Min(60 * 1024, payload.Length - off))), ct);
                if (await session.Socket.ClosedByPeerWithinAsync(TimeSpan.FromSeconds(10), ct)) ctx.Refused();
            }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException) { }
        }
    }

    private static async Task OversizeFramesAsync(AttackContext ctx, CancellationToken ct)
    {
        var identity = new RawIdentity();
        for (int i = 0; i < 500 && !ct.IsCancellationRequested; i++)
        {
            try
            {
                await using var session = await RawYamux.ConnectAsync(ctx.Source(), ctx.Target, identity, ct);
                session.StartReading(ct);
                // A multistream line of 10,000 bytes on a stream: the node resets the stream, the session lives on.
                uint id = session.NextStreamId();
                byte[] line = [.. RawMultistream.Message("/multistream/1.0.0"), .. RawMultistream.Varint(10_000), .. new byte[10_000]];
                await session.SendAsync([.. RawYamux.Frame(RawYamux.WindowUpdate, RawYamux.Syn, id, 0), .. RawYamux.DataFrame(id, 0, line)], ct);
                // A data frame announcing 1 GiB: beyond any window, the session ends with a protocol error.
                uint big = session.NextStreamId();
                await session.SendAsync([.. RawYamux.Frame(RawYamux.WindowUpdate, RawYamux.Syn, big, 0), .. RawYamux.Frame(RawYamux.Data, 0, big, 1u << 30), .. new byte[4096]], ct);
                if (await session.Socket.ClosedByPeerWithinAsync(TimeSpan.FromSeconds(10), ct) || session.Closed.IsCompleted) ctx.Refused(1 + session.Resets);
            }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException) { }
        }
    }

    private static async Task StreamFloodAsync(AttackContext ctx, CancellationToken ct)
    {
        var identity = new RawIdentity();
        await using var session = await RawYamux.ConnectAsync(ctx.Source(), ctx.Target, identity, ct);
        session.StartReading(ct);
        var burst = new List<byte>(5_000 * 12);
        for (int i = 0; i < 5_000; i++) burst.AddRange(RawYamux.Frame(RawYamux.WindowUpdate, RawYamux.Syn, session.NextStreamId(), 0));
        await session.SendAsync(burst.ToArray(), ct);
        // The session must outlive the burst: a ping is answered.
        for (int i = 0; i < 100 && !ct.IsCancellationRequested && session.Pongs == 0 && !session.Closed.IsCompleted; i++)
        {
            await session.SendAsync(RawYamux.Frame(RawYamux.Ping, RawYamux.Syn, 0, (uint)i), ct);
            await Task.Delay(100, ct).ContinueWith(_ => { }, TaskScheduler.Default);
        }
        ctx.Refused(session.Resets);
        ctx.Notes.Add($"{session.Resets} of 5,000 streams reset, {session.Acks} accepted, session {(session.Closed.IsCompleted ? "ENDED" : "alive")}, {session.Pongs} pong(s)");
        await Task.Delay(Timeout.Infinite, ct).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private static async Task PingFloodAsync(AttackContext ctx, CancellationToken ct)
    {
        var identity = new RawIdentity();
        await using var session = await RawYamux.ConnectAsync(ctx.Source(), ctx.Target, identity, ct);
        session.StartReading(ct);
        var burst = new byte[5_000 * 12];
        for (int round = 0; round < 20 && !ct.IsCancellationRequested && !session.Closed.IsCompleted; round++)
        {
            for (int i = 0; i < 5_000; i++)
                RawYamux.Frame(RawYamux.Ping, RawYamux.Syn, 0, (uint)(round * 5_000 + i)).CopyTo(burst, i * 12);
            try { await session.SendAsync(burst, ct); } catch (Exception e) when (e is SocketException or IOException or OperationCanceledException) { break; }
        }
        using var settle = CancellationTokenSource.CreateLinkedTokenSource(ct);
        settle.CancelAfter(TimeSpan.FromSeconds(5));
        while (session.Pongs < 100_000 && !session.Closed.IsCompleted && !settle.IsCancellationRequested)
            await Task.Delay(50, CancellationToken.None);
        ctx.Notes.Add($"{session.Pongs:N0} pongs for 100,000 pings, session {(session.Closed.IsCompleted ? "ENDED" : "alive")}");
        await Task.Delay(Timeout.Infinite, ct).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private static async Task StopReadingAsync(AttackContext ctx, CancellationToken ct)
    {
        var identity = new RawIdentity();
        async Task OneConnection()
        {
            await using var session = await RawYamux.ConnectAsync(ctx.Source(), ctx.Target, identity, ct);
            session.Socket.SetSmallReceiveBuffer();
            // Not reading from here on, while asking for answers: Yamux pings, each answered with a pong. The pongs pile
            // up on the node's side until its socket is full; then the node must not hold on forever.
            var burst = new byte[5_000 * 12];
            for (int i = 0; i < 5_000; i++) RawYamux.Frame(RawYamux.Ping, RawYamux.Syn, 0, (uint)i).CopyTo(burst, i * 12);
            for (int round = 0; round < 2_000 && !ct.IsCancellationRequested; round++)
                await session.SendAsync(burst, ct);
        }
        async Task Guarded()
        {
            // The node ends the connection (its write timeout): our writes fail then.
            try { await OneConnection(); }
            catch (Exception e) when (e is SocketException or IOException) { ctx.Refused(); }
            catch (OperationCanceledException) { }
        }
        await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Guarded()));
    }

    private static async Task IdentifyPushFloodAsync(AttackContext ctx, CancellationToken ct)
    {
        var identity = new RawIdentity();
        // One push: 10 parts of tiny /ip4 addresses, as big as the node accepts (8 KiB each).
        byte[] tiny = [0x04, 1, 2, 3, 4];
        var part = new List<byte>();
        while (part.Count + 7 < 8 * 1024 - 16) part.AddRange([0x12, (byte)tiny.Length, .. tiny]);
        byte[] framedPart = [.. RawMultistream.Varint(part.Count), .. part];
        byte[] push = [.. RawMultistream.Propose("/ipfs/id/push/1.0.0"), .. Enumerable.Repeat(framedPart, 10).SelectMany(p => p)];
        async Task OneConnection()
        {
            await using var session = await RawYamux.ConnectAsync(ctx.Source(), ctx.Target, identity, ct);
            session.StartReading(ct);
            for (int round = 0; round < 200 && !ct.IsCancellationRequested && !session.Closed.IsCompleted; round++)
            {
                var frames = new List<byte>();
                for (int s = 0; s < 8; s++)
                {
                    uint id = session.NextStreamId();
                    frames.AddRange(RawYamux.Frame(RawYamux.WindowUpdate, RawYamux.Syn, id, 0));
                    for (int off = 0; off < push.Length; off += 60 * 1024)
                        frames.AddRange(RawYamux.DataFrame(id, 0, push.AsSpan(off, Math.Min(60 * 1024, push.Length - off))));
                    frames.AddRange(RawYamux.Frame(RawYamux.WindowUpdate, RawYamux.Fin, id, 0));
                }
                await session.SendAsync(frames.ToArray(), ct);
                await Task.Delay(200, ct);
            }
            ctx.Refused(session.Resets);
        }
        async Task Guarded()
        {
            try { await OneConnection(); }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException) { }
        }
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Guarded()));
    }

    private static Task PauseAsync(CancellationToken ct) => Task.Delay(20, ct).ContinueWith(_ => { }, TaskScheduler.Default);

    internal static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);
}
