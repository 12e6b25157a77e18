using System.Text.Json;
using Libp2p.Host;
using Libp2p.Identity;
using Libp2p.Multiformats;
using Libp2p.Security.Tls;
using Libp2p.Transports.Tcp;

namespace Libp2p.Interop.Tests.Wasm;

/// <summary>
/// <c>/tls/1.0.0</c> inside WebAssembly, where there is no platform TLS: the Wasm node runs the managed engine
/// (BouncyCastle), the native host SslStream on OpenSSL — two independent TLS 1.3 implementations, each side
/// offering TLS only, in both directions, for both ABIs. (js-libp2p's TLS against the Wasm daemon is the interop
/// suite's echo group, run by scripts/test.)
/// </summary>
[Collection(WasmAppCollection.Name)]
public sealed class WasmSecurityTests(WasmAppFixture app)
{
    private static readonly TimeSpan Hard = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan T = TimeSpan.FromSeconds(60);

    private static Libp2pHost TlsOnlyHost()
    {
        var options = new HostOptions();
        options.SecurityProtocols.Clear();
        options.SecurityProtocols.Add(new TlsSecurity());
        options.Transports.Add(new TcpTransport());
        return new Libp2pHost(options);
    }

    private static List<JsonElement> Events(string stdout) =>
        stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.StartsWith('{')).Select(WasmAppFixture.Parse).ToList();

    [Theory]
    [MemberData(nameof(WasmAppFixture.Abis), MemberType = typeof(WasmAppFixture))]
    public async Task WasmAndANativeHostPingEachOtherOverTls(string abi)
    {
        await using var native = TlsOnlyHost();
        var addr = (await native.ListenAsync(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0")).AsTask().WaitAsync(T))[0].WithPeerId(native.PeerId);

        // Wasm dials: its managed TLS client against SslStream's server.
        await using (var ping = app.Start(abi, Hard, "ping", addr.ToString(), "--count", "2", "--interval", "0", "--json", "--security", "tls"))
        {
            Assert.True(await ping.WaitForExitAsync(T) == 0, ping.Stderr);
            var pings = Events(ping.Stdout).Where(e => e.GetProperty("event").GetString() == "ping").ToList();
            Assert.Equal(2, pings.Count);
            Assert.All(pings, e => Assert.Equal(native.PeerId.ToString(), e.GetProperty("peer").GetString()));
        }
        using (var cts = new CancellationTokenSource(T))
        {
            HostEvent e;
            do e = await native.Events.ReadAsync(cts.Token); while (e is not HostEvent.ConnectionOpened);
            Assert.Equal(TlsSecurity.Id, ((HostEvent.ConnectionOpened)e).Connection.SecurityProtocol);
        }

        // Wasm listens: its managed TLS server against SslStream's client.
        await using var wasm = app.Start(abi, Hard, "listen", "--json", "--security", "tls");
        var listening = WasmAppFixture.Parse(await wasm.WaitForLineAsync(l => WasmAppFixture.IsEvent(l, "listening"), T));
        var conn = await native.DialAsync(Multiaddr.Parse(listening.GetProperty("addrs")[0].GetString()!)).AsTask().WaitAsync(T);
        Assert.Equal(listening.GetProperty("peerId").GetString(), conn.RemotePeer.ToString());
        Assert.Equal(TlsSecurity.Id, conn.SecurityProtocol);
        for (int i = 0; i < 2; i++)
            Assert.True(await native.PingAsync(conn).AsTask().WaitAsync(T) > TimeSpan.Zero);
    }
}
