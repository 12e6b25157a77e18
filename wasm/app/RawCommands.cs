using System.Buffers;
using Libp2p.Core;
using Libp2p.Multiformats;
using Libp2p.Transport.WasiSockets;
using Libp2p.Transports;

namespace Libp2p.WasmApp;

/// <summary>Raw-transport scenarios (no security or muxing): what the Wasm interop tests drive.</summary>
public static class RawCommands
{
    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(15);

    public static async Task<int> EchoServerAsync(WasmContext ctx, string[] args)
    {
        var listen = Args.All(args, "--listen");
        if (listen.Count == 0) listen.Add("/ip4/127.0.0.1/tcp/0");
        await using var transport = ctx.CreateTransport();
        foreach (var a in listen) transport.Listen(Multiaddr.Parse(a));
        await foreach (var e in transport.Events.ReadAllAsync())
        {
            PrintEvent(e);
            if (e is TransportEvent.Incoming incoming) _ = EchoAsync(incoming.Connection);
        }
        return 0;
    }

    public static async Task<int> DialAsync(WasmContext ctx, string[] args)
    {
        var target = Multiaddr.Parse(Args.Positional(args, 0, "MA"));
        long bytes = Args.Long(args, "--bytes", 1 << 20);
        int chunk = (int)Args.Long(args, "--chunk", 64 * 1024);
        await using var transport = ctx.CreateTransport();
        var started = ctx.TimeProvider.GetTimestamp();
        await using var conn = await transport.DialAsync(target);
        JsonLine.Write("dialed", ("local", conn.LocalAddress), ("remote", conn.RemoteAddress),
            ("ms", ctx.TimeProvider.GetElapsedTime(started).TotalMilliseconds));

        var sendStart = ctx.TimeProvider.GetTimestamp();
        var writer = SendPatternAsync(conn, bytes, chunk);
        var reader = ReceivePatternAsync(conn, bytes, chunk);
        await Task.WhenAll(writer, reader);
        var elapsed = ctx.TimeProvider.GetElapsedTime(sendStart);
        // Half-close: the echo server sees EOF, finishes, and closes its side; we must then read EOF.
        await conn.CloseWriteAsync();
        var tail = new byte[16];
        int extra = await conn.ReadAsync(tail);
        JsonLine.Write("echo", ("bytes", bytes), ("ok", reader.Result && extra == 0), ("eof", extra == 0),
            ("ms", elapsed.TotalMilliseconds), ("mib_per_s", bytes / 1048576.0 / Math.Max(elapsed.TotalSeconds, 1e-9)));
        return reader.Result && extra == 0 ? 0 : 1;
    }

    public static async Task<int> PingAsync(WasmContext ctx, string[] args)
    {
        var target = Multiaddr.Parse(Args.Positional(args, 0, "MA"));
        int count = (int)Args.Long(args, "--count", 1000);
        int size = (int)Args.Long(args, "--size", 64);
        await using var transport = ctx.CreateTransport();
        await using var conn = await transport.DialAsync(target);
        var ping = new byte[size];
        var pong = new byte[size];
        var rtts = new double[count];
        for (int i = 0; i < count; i++)
        {
            ping.AsSpan().Fill((byte)i);
            long t = ctx.TimeProvider.GetTimestamp();
            await conn.WriteAsync(ping);
            await conn.ReadExactlyAsync(pong);
            rtts[i] = ctx.TimeProvider.GetElapsedTime(t).TotalMicroseconds;
            if (!pong.AsSpan().SequenceEqual(ping)) throw new InvalidDataException($"pong {i} differs from its ping");
        }
        Array.Sort(rtts);
        JsonLine.Write("ping", ("count", count), ("size", size), ("median_us", rtts[count / 2]),
            ("p90_us", rtts[(int)(count * 0.9)]), ("min_us", rtts[0]));
        return 0;
    }

    public static async Task<int> LifecycleAsync(WasmContext ctx, string[] args)
    {
        await using var transport = ctx.CreateTransport();
        var first = transport.Listen(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0"));
        var second = transport.Listen(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0"));
        Multiaddr? firstAddress = null;
        for (int seen = 0; seen < 2;)
        {
            var e = await NextEventAsync(ctx, transport);
            PrintEvent(e);
            if (e is TransportEvent.NewAddress na) { seen++; if (na.ListenerId == first) firstAddress = na.Address; }
        }

        // Dial ourselves through the first listener and echo through it.
        var dial = transport.DialAsync(firstAddress!).AsTask();
        var incoming = await NextEventAsync(ctx, transport);
        PrintEvent(incoming);
        if (incoming is not TransportEvent.Incoming inc) throw new InvalidOperationException($"expected incoming, got {incoming}");
        var echo = EchoAsync(inc.Connection);
        await using (var conn = await dial)
        {
            JsonLine.Write("dialed", ("local", conn.LocalAddress), ("remote", conn.RemoteAddress),
                ("matches_incoming_remote", conn.LocalAddress == inc.RemoteAddress));
            var writer = SendPatternAsync(conn, 100_000, 8192);
            var reader = ReceivePatternAsync(conn, 100_000, 8192);
            await Task.WhenAll(writer, reader);
            await conn.CloseWriteAsync();
            JsonLine.Write("echo", ("bytes", 100_000), ("ok", reader.Result && await conn.ReadAsync(new byte[1]) == 0));
        }
        await echo;

        if (!transport.RemoveListener(second)) throw new InvalidOperationException("second listener not found");
        for (int i = 0; i < 2; i++) PrintEvent(await NextEventAsync(ctx, transport));
        JsonLine.Write("removed-again", ("found", transport.RemoveListener(second)));
        return 0;
    }

    public static async Task<int> ResolveAsync(WasmContext ctx, string[] args)
    {
        var addr = Multiaddr.Parse(Args.Positional(args, 0, "/dns4/NAME"));
        var c = addr.Components[0];
        var family = c.Protocol == MultiaddrProtocol.Dns4 ? DnsFamily.Ipv4 : c.Protocol == MultiaddrProtocol.Dns6 ? DnsFamily.Ipv6
            : c.Protocol == MultiaddrProtocol.Dns ? DnsFamily.Any : throw new ArgumentException($"{addr} is not a /dns, /dns4 or /dns6 address");
        await using var transport = ctx.CreateTransport();
        var ips = await transport.ResolveAsync(c.Value!, family);
        JsonLine.Write("resolved", ("name", c.Value), ("addrs", ips.Select(ip => ip.ToString()).ToList()));
        return 0;
    }

    private static async Task<TransportEvent> NextEventAsync(WasmContext ctx, ITransport transport)
    {
        using var cts = new CancellationTokenSource(EventTimeout, ctx.TimeProvider);
        return await transport.Events.ReadAsync(cts.Token);
    }

    private static void PrintEvent(TransportEvent e)
    {
        switch (e)
        {
            case TransportEvent.NewAddress na: JsonLine.Write("new-address", ("listener", na.ListenerId.Value), ("addr", na.Address)); break;
            case TransportEvent.AddressExpired ae: JsonLine.Write("address-expired", ("listener", ae.ListenerId.Value), ("addr", ae.Address)); break;
            case TransportEvent.Incoming i: JsonLine.Write("incoming", ("listener", i.ListenerId.Value), ("local", i.LocalAddress), ("remote", i.RemoteAddress)); break;
            case TransportEvent.ListenerClosed lc: JsonLine.Write("listener-closed", ("listener", lc.ListenerId.Value), ("reason", lc.Reason?.Message)); break;
            case TransportEvent.ListenerError le: JsonLine.Write("listener-error", ("listener", le.ListenerId.Value), ("error", le.Error.Message)); break;
        }
    }

    /// <summary>Echoes until EOF, half-closes, closes. Errors end this connection only.</summary>
    public static async Task EchoAsync(IRawConnection conn)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (true)
            {
                int n = await conn.ReadAsync(buffer);
                if (n == 0) break;
                await conn.WriteAsync(buffer.AsMemory(0, n));
            }
            await conn.CloseWriteAsync();
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            JsonLine.Write("echo-error", ("remote", conn.RemoteAddress), ("error", e.Message));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            await conn.DisposeAsync();
        }
    }

    private static byte Pattern(long i) => (byte)(i % 251);

    private static async Task SendPatternAsync(IDuplexStream conn, long total, int chunk)
    {
        var buffer = new byte[chunk];
        for (long sent = 0; sent < total;)
        {
            int n = (int)Math.Min(chunk, total - sent);
            for (int i = 0; i < n; i++) buffer[i] = Pattern(sent + i);
            await conn.WriteAsync(buffer.AsMemory(0, n));
            sent += n;
        }
    }

    private static async Task<bool> ReceivePatternAsync(IDuplexStream conn, long total, int chunk)
    {
        var buffer = new byte[chunk];
        bool ok = true;
        for (long received = 0; received < total;)
        {
            int n = await conn.ReadAsync(buffer.AsMemory(0, (int)Math.Min(chunk, total - received)));
            if (n == 0) throw new EndOfStreamException($"EOF after {received} of {total} echoed bytes");
            for (int i = 0; i < n && ok; i++) ok = buffer[i] == Pattern(received + i);
            received += n;
        }
        return ok;
    }
}

/// <summary>Minimal argument parsing (the commands take a handful of flags).</summary>
internal static class Args
{
    public static string Positional(string[] args, int index, string name)
    {
        int seen = 0;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal)) { i++; continue; }
            if (seen++ == index) return args[i];
        }
        throw new ArgumentException($"missing argument {name}");
    }

    public static List<string> All(string[] args, string flag)
    {
        var values = new List<string>();
        for (int i = 0; i + 1 < args.Length; i++) if (args[i] == flag) values.Add(args[++i]);
        return values;
    }

    public static long Long(string[] args, string flag, long fallback)
    {
        var v = All(args, flag);
        return v.Count == 0 ? fallback : long.Parse(v[^1], System.Globalization.CultureInfo.InvariantCulture);
    }
}
