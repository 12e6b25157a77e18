using Libp2p.Core;
using Libp2p.Daemon;
using Libp2p.Daemon.Endpoints;
using Libp2p.Daemon.Pb;
using Libp2p.Identity;
using Libp2p.Multiformats;
using Libp2p.Tests.Host;
using Libp2p.Transports;
using Libp2p.Transports.Tcp;

namespace Libp2p.Tests.Daemon;

/// <summary>The real control endpoints: a TCP transport's listener (as natively and, with the WASI transport, in Wasm) and a unix socket.</summary>
public class ControlEndpointTests
{
    private static async Task<Response> IdentifyOverAsync(IDuplexStream connection)
    {
        var client = new ControlClient(connection);
        return await client.RequestAsync(new Request { Type = Request.Types.Type.Identify });
    }

    [Fact]
    public async Task TcpControlEndpointAnnouncesTheRealPortAndServesRequests()
    {
        await using var host = Hosts.Create();
        var endpoint = await TransportControlEndpoint.ListenAsync(new TcpTransport(new TcpTransportOptions()),
            Multiaddr.Parse("/ip4/127.0.0.1/tcp/0"), CancellationToken.None).AsTask().WaitAsync(DaemonHarness.Timeout);
        await using var daemon = new P2pDaemon(host, endpoint);
        var serving = daemon.RunAsync();
        Assert.DoesNotContain("/tcp/0", daemon.ControlAddress.ToString());

        await using var dialer = new TcpTransport(new TcpTransportOptions());
        await using var connection = await dialer.DialAsync(daemon.ControlAddress).AsTask().WaitAsync(DaemonHarness.Timeout);
        var response = await IdentifyOverAsync(connection);
        Assert.Equal(host.PeerId, PeerId.FromBytes(response.Identify.Id.Span));

        await daemon.DisposeAsync();
        await serving.WaitAsync(DaemonHarness.Timeout); // the accept loop ends when the daemon is disposed
    }

    [Fact]
    public async Task UnixControlEndpointServesRequestsAndRemovesItsSocketFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"p2pd-{Guid.NewGuid():N}.sock");
        var address = Multiaddr.Parse($"/unix{path}");
        await using var host = Hosts.Create();
        var daemon = new P2pDaemon(host, UnixControlEndpoint.Listen(address));
        var serving = daemon.RunAsync();
        Assert.True(File.Exists(path));

        var probe = UnixControlEndpoint.Listen(Multiaddr.Parse($"/unix{Path.GetTempPath().TrimEnd('/')}/unused-{Guid.NewGuid():N}.sock"));
        await using (var connection = await probe.DialAsync(address, CancellationToken.None).AsTask().WaitAsync(DaemonHarness.Timeout))
        {
            var response = await IdentifyOverAsync(connection);
            Assert.Equal(host.PeerId, PeerId.FromBytes(response.Identify.Id.Span));
        }
        await probe.DisposeAsync();

        var e = Assert.Throws<TransportException>(() => UnixControlEndpoint.Listen(address));
        Assert.Contains("exists already", e.Message);

        await daemon.DisposeAsync();
        await serving.WaitAsync(DaemonHarness.Timeout);
        Assert.False(File.Exists(path));
    }
}
