using System.Net;
using System.Net.Sockets;
using Libp2p.Interop.Tests.Infrastructure;

namespace Libp2p.Interop.Tests.Wasm;

/// <summary>
/// The WASI TCP transport running inside WebAssembly (browser-wasm under Node, jco's preview2-shim as the WASI host)
/// against native .NET sockets in this process. Each test is its own Node process with a hard timeout.
/// </summary>
[Collection(WasmAppCollection.Name)]
public sealed class WasmRawTransportTests(WasmAppFixture app)
{
    private static readonly TimeSpan Hard = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Line = TimeSpan.FromSeconds(30);

    [Theory]
    [MemberData(nameof(WasmAppFixture.Abis), MemberType = typeof(WasmAppFixture))]
    public async Task WasmDialsNativeEchoServerAndGetsEveryByteBack(string abi)
    {
        await using var server = new NativeEchoServer(IPAddress.Loopback);
        await using var wasm = app.Start(abi, Hard, "raw-dial", $"/ip4/127.0.0.1/tcp/{server.Port}", "--bytes", "3000000");

        var dialed = WasmAppFixture.Parse(await wasm.WaitForLineAsync(l => WasmAppFixture.IsEvent(l, "dialed"), Line));
        Assert.Equal($"/ip4/127.0.0.1/tcp/{server.Port}", dialed.GetProperty("remote").GetString());
        var echo = WasmAppFixture.Parse(await wasm.WaitForLineAsync(l => WasmAppFixture.IsEvent(l, "echo"), Line));
        Assert.Equal(3000000, echo.GetProperty("bytes").GetInt64());
        Assert.True(echo.GetProperty("ok").GetBoolean(), wasm.Stdout);
        Assert.True(echo.GetProperty("eof").GetBoolean(), "the half-close should reach the native side and its EOF come back");
        Assert.Equal(0, await wasm.WaitForExitAsync(Line));

        // The dialer's local address as the Wasm side reported it is what the native listener saw.
        var local = dialed.GetProperty("local").GetString()!;
        lock (server.Accepted) Assert.Contains(server.Accepted, ep => local == $"/ip4/127.0.0.1/tcp/{ep.Port}");
    }

    [Theory]
    [MemberData(nameof(WasmAppFixture.Abis), MemberType = typeof(WasmAppFixture))]
    public async Task NativeClientEchoesThroughWasmListenerAndIncomingCarriesItsRealAddress(string abi)
    {
        await using var wasm = app.Start(abi, Hard, "raw-echo-server", "--listen", "/ip4/127.0.0.1/tcp/0");
        var listening = WasmAppFixture.Parse(await wasm.WaitForLineAsync(l => WasmAppFixture.IsEvent(l, "new-address"), Line));
        var addr = listening.GetProperty("addr").GetString()!;
        Assert.StartsWith("/ip4/127.0.0.1/tcp/", addr);
        int port = int.Parse(addr["/ip4/127.0.0.1/tcp/".Length..]);
        Assert.NotEqual(0, port);

        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(IPAddress.Loopback, port).WaitAsync(Line);
        var payload = new byte[200_000];
        Random.Shared.NextBytes(payload);
        var send = Task.Run(async () => { await client.SendAsync(payload); client.Shutdown(SocketShutdown.Send); });
        var received = new MemoryStream();
        var buffer = new byte[65536];
        while (true)
        {
            int n = await client.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(Line);
            if (n == 0) break;
            received.Write(buffer, 0, n);
        }
        await send.WaitAsync(Line);
        Assert.Equal(payload, received.ToArray());

        var incoming = WasmAppFixture.Parse(await wasm.WaitForLineAsync(l => WasmAppFixture.IsEvent(l, "incoming"), Line));
        Assert.Equal($"/ip4/127.0.0.1/tcp/{((IPEndPoint)client.LocalEndPoint!).Port}", incoming.GetProperty("remote").GetString());
        Assert.Equal(addr, incoming.GetProperty("local").GetString());
    }

    [Theory]
    [MemberData(nameof(WasmAppFixture.Abis), MemberType = typeof(WasmAppFixture))]
    public async Task TwoListenersAnnounceRealPortsSelfDialEchoesAndRemovalExpiresThenCloses(string abi)
    {
        await using var wasm = app.Start(abi, Hard, "lifecycle");
        Assert.Equal(0, await wasm.WaitForExitAsync(Hard));
        var lines = wasm.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(WasmAppFixture.Parse).ToList();
        string Event(int i) => lines[i].GetProperty("event").GetString()!;

        Assert.Equal(new[] { "new-address", "new-address", "incoming", "dialed", "echo", "address-expired", "listener-closed", "removed-again" },
            lines.Select(l => l.GetProperty("event").GetString()!).ToArray());
        var first = lines[0].GetProperty("addr").GetString()!;
        var second = lines[1].GetProperty("addr").GetString()!;
        Assert.NotEqual(first, second);
        Assert.DoesNotContain("/tcp/0", new[] { first, second }.Select(a => a + "/"));
        Assert.Equal(first, lines[2].GetProperty("local").GetString());
        Assert.True(lines[3].GetProperty("matches_incoming_remote").GetBoolean());
        Assert.True(lines[4].GetProperty("ok").GetBoolean());
        Assert.Equal(second, lines[5].GetProperty("addr").GetString());
        Assert.Equal(lines[1].GetProperty("listener").GetInt64(), lines[5].GetProperty("listener").GetInt64());
        Assert.Equal(lines[1].GetProperty("listener").GetInt64(), lines[6].GetProperty("listener").GetInt64());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, lines[6].GetProperty("reason").ValueKind);
        Assert.False(lines[7].GetProperty("found").GetBoolean());
        Assert.Equal("address-expired", Event(5));
    }

    [Theory]
    [MemberData(nameof(WasmAppFixture.Abis), MemberType = typeof(WasmAppFixture))]
    public async Task WasmDialsNativeServerOverIpv6Loopback(string abi)
    {
        await using var server = new NativeEchoServer(IPAddress.IPv6Loopback);
        await using var wasm = app.Start(abi, Hard, "raw-dial", $"/ip6/::1/tcp/{server.Port}", "--bytes", "100000");
        var dialed = WasmAppFixture.Parse(await wasm.WaitForLineAsync(l => WasmAppFixture.IsEvent(l, "dialed"), Line));
        Assert.Equal($"/ip6/::1/tcp/{server.Port}", dialed.GetProperty("remote").GetString());
        Assert.StartsWith("/ip6/::1/tcp/", dialed.GetProperty("local").GetString());
        var echo = WasmAppFixture.Parse(await wasm.WaitForLineAsync(l => WasmAppFixture.IsEvent(l, "echo"), Line));
        Assert.True(echo.GetProperty("ok").GetBoolean());
        Assert.Equal(0, await wasm.WaitForExitAsync(Line));
    }

    [Theory]
    [MemberData(nameof(WasmAppFixture.Abis), MemberType = typeof(WasmAppFixture))]
    public async Task Dns4LocalhostResolvesThroughIpNameLookupAndDials(string abi)
    {
        await using (var resolve = app.Start(abi, Hard, "resolve", "/dns4/localhost"))
        {
            var resolved = WasmAppFixture.Parse(await resolve.WaitForLineAsync(l => WasmAppFixture.IsEvent(l, "resolved"), Line));
            var addrs = resolved.GetProperty("addrs").EnumerateArray().Select(a => a.GetString()).ToList();
            Assert.Contains("127.0.0.1", addrs);
            Assert.All(addrs, a => Assert.True(IPAddress.Parse(a!).AddressFamily == AddressFamily.InterNetwork, $"/dns4 gave {a}"));
            Assert.Equal(0, await resolve.WaitForExitAsync(Line));
        }

        await using var server = new NativeEchoServer(IPAddress.Loopback);
        await using var wasm = app.Start(abi, Hard, "raw-dial", $"/dns4/localhost/tcp/{server.Port}", "--bytes", "1000");
        var dialed = WasmAppFixture.Parse(await wasm.WaitForLineAsync(l => WasmAppFixture.IsEvent(l, "dialed"), Line));
        Assert.Equal($"/ip4/127.0.0.1/tcp/{server.Port}", dialed.GetProperty("remote").GetString());
        Assert.Equal(0, await wasm.WaitForExitAsync(Line));
    }

    [Theory]
    [MemberData(nameof(WasmAppFixture.Abis), MemberType = typeof(WasmAppFixture))]
    public async Task RefusedDialExits1WithTheErrorCodeNamed(string abi)
    {
        int port = NativeEchoServer.FreePort();
        await using var wasm = app.Start(abi, Hard, "raw-dial", $"/ip4/127.0.0.1/tcp/{port}");
        Assert.Equal(1, await wasm.WaitForExitAsync(Hard));
        Assert.Contains("connection-refused", wasm.Stderr);
        Assert.Contains("TransportException", wasm.Stderr);
        Assert.Single(wasm.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [MemberData(nameof(WasmAppFixture.Abis), MemberType = typeof(WasmAppFixture))]
    public async Task PortZeroIsNotDialable(string abi)
    {
        await using var wasm = app.Start(abi, Hard, "raw-dial", "/ip4/127.0.0.1/tcp/0");
        Assert.Equal(1, await wasm.WaitForExitAsync(Hard));
        Assert.Contains("TransportNotSupportedException", wasm.Stderr);
    }

    [Theory]
    [InlineData("js", "raw-dial", "/ip4/127.0.0.1/tcp/4001", "Dialing")]
    [InlineData("js", "raw-echo-server", "--listen", "Binding")]
    [InlineData("canonical", "raw-dial", "/ip4/127.0.0.1/tcp/4001", "Dialing")]
    [InlineData("canonical", "raw-echo-server", "--listen", "Binding")]
    public async Task WithoutTheNetworkCapabilityDialAndListenFailWithAccessDenied(string abi, string command, string arg, string operation)
    {
        string[] args = command == "raw-echo-server"
            ? ["--deny-network", command, arg, "/ip4/127.0.0.1/tcp/0"]
            : ["--deny-network", command, arg];
        await using var wasm = app.Start(abi, Hard, args);
        Assert.Equal(1, await wasm.WaitForExitAsync(Hard));
        var error = WasmAppFixture.Parse(wasm.Stderr.Trim());
        Assert.Equal("NetworkAccessDeniedException", error.GetProperty("error").GetString());
        var message = error.GetProperty("message").GetString()!;
        Assert.StartsWith(operation, message);
        Assert.Contains("access-denied", message);
        Assert.Contains("-S inherit-network", message);
        Assert.Contains("--wasi tcp=", message);
    }

    [Theory]
    [MemberData(nameof(WasmAppFixture.Abis), MemberType = typeof(WasmAppFixture))]
    public async Task PingPongOverNativeEchoCompletes(string abi)
    {
        await using var server = new NativeEchoServer(IPAddress.Loopback);
        await using var wasm = app.Start(abi, Hard, "raw-ping", $"/ip4/127.0.0.1/tcp/{server.Port}", "--count", "200");
        var ping = WasmAppFixture.Parse(await wasm.WaitForLineAsync(l => WasmAppFixture.IsEvent(l, "ping"), Line));
        Assert.Equal(200, ping.GetProperty("count").GetInt32());
        Assert.Equal(0, await wasm.WaitForExitAsync(Line));
    }
}
