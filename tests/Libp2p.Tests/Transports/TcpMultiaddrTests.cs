using System.Net;
using System.Net.Sockets;
using Libp2p.Multiformats;
using Libp2p.Transports;

namespace Libp2p.Tests.Transports;

/// <summary>The one TCP multiaddr parser both TCP transports use.</summary>
public class TcpMultiaddrTests
{
    [Theory]
    [InlineData("/ip4/1.2.3.4/tcp/80", "1.2.3.4", null, AddressFamily.InterNetwork, 80, false)]
    [InlineData("/ip6/::1/tcp/443/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA", "::1", null, AddressFamily.InterNetworkV6, 443, true)]
    [InlineData("/dns/example.com/tcp/1", null, "example.com", AddressFamily.Unspecified, 1, false)]
    [InlineData("/dns4/example.com/tcp/2", null, "example.com", AddressFamily.InterNetwork, 2, false)]
    [InlineData("/dns6/example.com/tcp/3", null, "example.com", AddressFamily.InterNetworkV6, 3, false)]
    public void ReadsEveryTcpShape(string text, string? ip, string? host, AddressFamily family, int port, bool hasPeerId)
    {
        Assert.True(TcpMultiaddr.TryParse(Multiaddr.Parse(text), out var t, out var problem));
        Assert.Null(problem);
        Assert.Equal(ip is null ? null : IPAddress.Parse(ip), t.Ip);
        Assert.Equal(host, t.Host);
        Assert.Equal(host is not null, t.IsDns);
        Assert.Equal(family, t.Family);
        Assert.Equal(port, t.Port);
        Assert.Equal(hasPeerId, t.HasPeerId);
    }

    [Fact]
    public void ANumericZoneIsTheScopeIdAndANamedOneIsKept()
    {
        Assert.True(TcpMultiaddr.TryParse(Multiaddr.Parse("/ip6zone/7/ip6/fe80::1/tcp/1"), out var numeric, out _));
        Assert.Equal(7, numeric.Ip!.ScopeId);
        Assert.Null(numeric.Zone);

        Assert.True(TcpMultiaddr.TryParse(Multiaddr.Parse("/ip6zone/eth0/ip6/fe80::1/tcp/1"), out var named, out _));
        Assert.Equal("eth0", named.Zone);
        Assert.Equal(0, named.Ip!.ScopeId);
    }

    [Theory]
    [InlineData("/ip4/1.2.3.4/udp/80")]
    [InlineData("/ip4/1.2.3.4")]
    [InlineData("/ip4/1.2.3.4/tcp/1/ws")]
    [InlineData("/ip6zone/eth0/ip4/1.2.3.4/tcp/1")] // a zone belongs to an IPv6 address only
    [InlineData("/ip6zone/eth0/dns/example.com/tcp/1")]
    [InlineData("/ip6zone/eth0")]
    [InlineData("/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA")]
    [InlineData("/dnsaddr/bootstrap.libp2p.io")]
    public void OtherShapesAreNotTcp(string text)
    {
        Assert.False(TcpMultiaddr.TryParse(Multiaddr.Parse(text), out _, out var problem));
        Assert.Contains("not a TCP address", problem);
    }

    [Theory]
    [InlineData("/ip4/127.0.0.1/tcp/0", "port 0")]
    [InlineData("/ip4/0.0.0.0/tcp/1", "unspecified")]
    [InlineData("/ip6/::/tcp/1", "unspecified")]
    public void PortZeroAndUnspecifiedIpsAreNotDialable(string text, string why)
    {
        Assert.True(TcpMultiaddr.TryParse(Multiaddr.Parse(text), out var t, out _));
        Assert.Contains(why, t.WhyNotDialable());
    }

    [Theory]
    [InlineData("/dns4/localhost/tcp/1", "DNS name")]
    [InlineData("/ip4/127.0.0.1/tcp/1/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA", "/p2p")]
    public void NamesAndPeerIdsAreNotListenable(string text, string why)
    {
        Assert.True(TcpMultiaddr.TryParse(Multiaddr.Parse(text), out var t, out _));
        Assert.Contains(why, t.WhyNotListenable());
    }

    [Fact]
    public void DnsFamiliesFilterAnswersAndUnspecifiedAnswersAreDropped()
    {
        Assert.True(TcpMultiaddr.TryParse(Multiaddr.Parse("/dns4/x/tcp/1"), out var v4, out _));
        Assert.True(v4.Accepts(IPAddress.Loopback));
        Assert.False(v4.Accepts(IPAddress.IPv6Loopback));
        Assert.False(v4.Accepts(IPAddress.Any));
        Assert.True(TcpMultiaddr.TryParse(Multiaddr.Parse("/dns/x/tcp/1"), out var any, out _));
        Assert.True(any.Accepts(IPAddress.IPv6Loopback));
        Assert.False(any.Accepts(IPAddress.IPv6Any));
    }
}
