using System.Net;
using Libp2p.Multiformats;
using Libp2p.Transport.WasiSockets;
using Libp2p.Transport.WasiSockets.Wit;

namespace Libp2p.Tests.WasiSockets;

public class MultiaddrConversionTests
{
    [Fact]
    public void Ip4TcpBecomesAnIpv4SocketAddress()
    {
        Assert.True(MultiaddrConversion.TryParse(Multiaddr.Parse("/ip4/10.1.2.3/tcp/4001"), out var t, out _));
        Assert.Equal(IpSocketAddress.V4([10, 1, 2, 3], 4001), MultiaddrConversion.ToSocketAddress(t));
        Assert.False(t.IsDns);
        Assert.Null(t.WhyNotDialable());
    }

    [Fact]
    public void Ip6TcpBecomesAnIpv6SocketAddressAndBack()
    {
        var ma = Multiaddr.Parse("/ip6/2001:db8::7/tcp/443");
        Assert.True(MultiaddrConversion.TryParse(ma, out var t, out _));
        var socketAddress = MultiaddrConversion.ToSocketAddress(t);
        Assert.Equal(IpAddressFamily.Ipv6, socketAddress.Family);
        Assert.Equal(0x2001, socketAddress.GetSegment(0));
        Assert.Equal(7, socketAddress.GetSegment(7));
        Assert.Equal(ma, MultiaddrConversion.ToMultiaddr(socketAddress));
    }

    [Fact]
    public void ANumericIp6zoneBecomesTheScopeIdAndRoundTrips()
    {
        // What the transport announces for a link-local listener it must also accept back.
        var ma = Multiaddr.Parse("/ip6zone/3/ip6/fe80::1/tcp/4001");
        Assert.True(MultiaddrConversion.TryParse(ma, out var t, out _));
        var socketAddress = MultiaddrConversion.ToSocketAddress(t);
        Assert.Equal(3u, socketAddress.ScopeId);
        Assert.Equal(ma, MultiaddrConversion.ToMultiaddr(socketAddress));
    }

    [Fact]
    public void ANamedIp6zoneIsNotServedBecauseWasiHasNoInterfaceList()
    {
        Assert.False(MultiaddrConversion.TryParse(Multiaddr.Parse("/ip6zone/eth0/ip6/fe80::1/tcp/4001"), out _, out var reason));
        Assert.Contains("interface", reason);
    }

    [Theory]
    [InlineData("/dns/example.com/tcp/1", DnsFamily.Any)]
    [InlineData("/dns4/example.com/tcp/1", DnsFamily.Ipv4)]
    [InlineData("/dns6/example.com/tcp/1", DnsFamily.Ipv6)]
    public void DnsNamesKeepTheFamilyFilter(string text, DnsFamily family)
    {
        Assert.True(MultiaddrConversion.TryParse(Multiaddr.Parse(text), out var t, out _));
        Assert.Equal("example.com", t.Host);
        Assert.Equal(family, MultiaddrConversion.ToDnsFamily(t.Family));
        Assert.Equal(1, t.Port);
        Assert.True(MultiaddrConversion.Accepts(DnsFamily.Ipv4, IPAddress.Loopback));
        Assert.False(MultiaddrConversion.Accepts(DnsFamily.Ipv4, IPAddress.IPv6Loopback));
        Assert.False(MultiaddrConversion.Accepts(DnsFamily.Ipv6, IPAddress.Loopback));
    }

    [Theory]
    [InlineData("/ip4/127.0.0.1/tcp/0", "port 0")]
    [InlineData("/ip4/0.0.0.0/tcp/4001", "unspecified")]
    [InlineData("/ip6/::/tcp/4001", "unspecified")]
    public void PortZeroAndUnspecifiedIpsAreNotDialable(string text, string why)
    {
        Assert.True(MultiaddrConversion.TryParse(Multiaddr.Parse(text), out var t, out _));
        Assert.Contains(why, t.WhyNotDialable());
    }

    [Theory]
    [InlineData("/ip4/127.0.0.1/udp/1")]
    [InlineData("/ip4/127.0.0.1")]
    [InlineData("/ip4/127.0.0.1/tcp/1/ws")]
    [InlineData("/dnsaddr/bootstrap.libp2p.io")]
    public void OtherAddressesAreNotServed(string text)
    {
        Assert.False(MultiaddrConversion.TryParse(Multiaddr.Parse(text), out _, out var reason));
        Assert.False(string.IsNullOrEmpty(reason));
    }

    [Fact]
    public void Ipv4EndpointRoundTripsThroughIpSocketAddress()
    {
        var ep = new IPEndPoint(IPAddress.Parse("192.0.2.1"), 65535);
        var a = IpSocketAddress.FromIPEndPoint(ep);
        Assert.Equal(ep, a.ToIPEndPoint());
        Assert.False(a.IsUnspecified);
        Assert.True(IpSocketAddress.FromIPEndPoint(new IPEndPoint(IPAddress.Any, 1)).IsUnspecified);
    }
}
