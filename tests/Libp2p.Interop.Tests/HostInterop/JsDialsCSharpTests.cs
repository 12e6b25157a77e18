using System.Text.Json;
using Libp2p.Host;
using Libp2p.Interop.Tests.JsPeers;
using Libp2p.Identity;
using Libp2p.Multiformats;
using Libp2p.Protocols.Echo;
using Libp2p.Protocols.Identify;
using Libp2p.Protocols.Perf;
using Libp2p.Protocols.Ping;
using Libp2p.Transports.Tcp;

namespace Libp2p.Interop.Tests.HostInterop;

/// <summary>js-libp2p dials our host: it pings, identifies, runs concurrent echo streams and perf against us.</summary>
public class JsDialsCSharpTests
{
    private static readonly TimeSpan T = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task JsPingsIdentifiesEchoesAndPerfsAgainstUs()
    {
        var options = new HostOptions { EnablePerf = true, AgentVersion = "dotnet-interop-test" };
        options.Transports.Add(new TcpTransport());
        await using var host = new Libp2pHost(options);
        host.SetHandler(EchoProtocol.ProtocolId, (ctx, ct) => EchoProtocol.HandleAsync(ctx.Stream, ct));
        var addrs = await host.ListenAsync(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0")).AsTask().WaitAsync(T);
        var target = addrs[0].WithPeerId(host.PeerId).ToString();

        const long echoBytes = 8L << 20; // 4 streams x 8 MiB = 32 MiB each way, content checked by js
        const long perfBytes = 100L << 20;
        await using var js = await JsPeer.StartAsync(
            "--dial", target, "--ping", "3", "--identify",
            "--echo-streams", "4", "--echo-bytes", echoBytes.ToString(),
            "--perf-upload", perfBytes.ToString(), "--perf-download", perfBytes.ToString(),
            "--exit-after-actions");
        var (exit, events) = await js.WaitForExitAsync(T);
        JsonElement Event(string name) => events.Single(e => e.GetProperty("event").GetString() == name);

        Assert.True(exit == 0, $"peer.mjs exited {exit}: {string.Join('\n', events)}\n{js.Process.Stderr}");
        Assert.Equal(3, events.Count(e => e.GetProperty("event").GetString() == "ping"));

        var id = Event("identify");
        Assert.Equal(host.PeerId.ToString(), id.GetProperty("peerId").GetString());
        Assert.Equal("dotnet-interop-test", id.GetProperty("agentVersion").GetString());
        var protocols = id.GetProperty("protocols").EnumerateArray().Select(p => p.GetString()).ToList();
        Assert.Contains(PingProtocol.ProtocolId, protocols);
        Assert.Contains(IdentifyProtocol.ProtocolId, protocols);
        Assert.Contains(PerfProtocol.ProtocolId, protocols);
        Assert.Contains(EchoProtocol.ProtocolId, protocols);
        Assert.Contains(addrs[0].ToString(), id.GetProperty("listenAddrs").EnumerateArray().Select(a => a.GetString()!.Split("/p2p/")[0]));

        var echo = Event("echo");
        Assert.True(echo.GetProperty("ok").GetBoolean());
        Assert.Equal(4, echo.GetProperty("streams").GetInt32());

        var perf = Event("perf");
        Assert.Equal(perfBytes, perf.GetProperty("uploadBytes").GetInt64());
        Assert.Equal(perfBytes, perf.GetProperty("downloadBytes").GetInt64());

        // Our side saw the js peer and learned about it through identify.
        var conn = host.Connections.FirstOrDefault(c => c.RemotePeer.ToString() == js.PeerId);
        if (conn is not null) // the js peer may already have hung up after its actions
            Assert.Equal(ConnectionDirection.Inbound, conn.Direction);
    }

    [Fact]
    public async Task WeIdentifyTheJsPeerThatDialedUs()
    {
        var options = new HostOptions();
        options.Transports.Add(new TcpTransport());
        await using var host = new Libp2pHost(options);
        var addrs = await host.ListenAsync(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0")).AsTask().WaitAsync(T);
        await using var js = await JsPeer.StartAsync("--dial", addrs[0].WithPeerId(host.PeerId).ToString(), "--ping", "1");
        await js.WaitForEventAsync("ping", T);

        using var cts = new CancellationTokenSource(T);
        while (true)
        {
            var e = await host.Events.ReadAsync(cts.Token);
            if (e is HostEvent.PeerIdentified p)
            {
                Assert.Equal(js.PeerId, p.Connection.RemotePeer.ToString());
                Assert.Contains(PingProtocol.ProtocolId, p.Connection.RemoteIdentify!.Protocols);
                Assert.Contains(Multiaddr.Parse(js.TcpAddr), p.Connection.RemoteIdentify.ListenAddresses);
                break;
            }
        }
    }
}
