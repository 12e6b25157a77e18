using Libp2p.Identity;
using Libp2p.Multiformats;
using Libp2p.Relay;

namespace Libp2p.Tests.Relay;

public class CircuitAddressTests
{
    private const string R = "12D3KooWK99VoVxNE7XzyBwXEzW7xhK7Gpv85r9F3V3fyKSUKPH5";
    private const string T = "12D3KooWJWoaqZhDaoEFshF7Rh1bpY9ohihFhzcW6d69Lr2NASuq";

    [Theory]
    [InlineData($"/ip4/1.2.3.4/tcp/4001/p2p/{R}/p2p-circuit/p2p/{T}", $"/ip4/1.2.3.4/tcp/4001/p2p/{R}", T)]
    [InlineData($"/p2p/{R}/p2p-circuit/p2p/{T}", $"/p2p/{R}", T)]
    [InlineData($"/dns4/relay.example/tcp/443/p2p/{R}/p2p-circuit", $"/dns4/relay.example/tcp/443/p2p/{R}", null)]
    public void RelayAndTargetAreTakenApart(string text, string relay, string? target)
    {
        var parsed = CircuitAddress.TryParse(Multiaddr.Parse(text), out var problem);

        Assert.Null(problem);
        Assert.Equal(Multiaddr.Parse(relay), parsed!.Relay);
        Assert.Equal(PeerId.Parse(R), parsed.RelayPeer);
        Assert.Equal(target is null ? null : PeerId.Parse(target), parsed.Target);
        Assert.Equal(relay.Contains("/tcp/"), parsed.RelayHasTransportAddress);
    }

    [Theory]
    [InlineData($"/ip4/1.2.3.4/tcp/4001/p2p/{R}", "no /p2p-circuit")]
    [InlineData($"/ip4/1.2.3.4/tcp/4001/p2p-circuit/p2p/{T}", "does not name the relay")]
    [InlineData($"/p2p/{R}/p2p-circuit/p2p/{T}/p2p-circuit/p2p/{R}", "more than one relay")]
    [InlineData($"/p2p/{R}/p2p-circuit/ip4/1.2.3.4", "must end in")]
    public void AnythingElseIsRefusedWithItsReason(string text, string reason)
    {
        Assert.Null(CircuitAddress.TryParse(Multiaddr.Parse(text), out var problem));
        Assert.Contains(reason, problem);
    }
}
