using Libp2p.Multiformats;

namespace Libp2p.Tests.Multiformats;

public class MultiaddrVectorTests
{
    [Theory]
    [MemberData(nameof(MultiaddrVectors.ConstructFails), MemberType = typeof(MultiaddrVectors))]
    public void RejectsInvalidText(string text)
    {
        var ex = Assert.Throws<MultiaddrFormatException>(() => Multiaddr.Parse(text));
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
        Assert.False(Multiaddr.TryParse(text, out _));
    }

    [Theory]
    [MemberData(nameof(MultiaddrVectors.ConstructSucceeds), MemberType = typeof(MultiaddrVectors))]
    public void AcceptsValidTextAndRoundTrips(string text)
    {
        var addr = Multiaddr.Parse(text);
        var bytes = addr.ToBytes();
        var fromBytes = Multiaddr.FromBytes(bytes);
        Assert.Equal(addr, fromBytes);
        Assert.Equal(bytes, fromBytes.ToBytes());
        Assert.Equal(addr.ToString(), fromBytes.ToString());
        Assert.Equal(addr, Multiaddr.Parse(addr.ToString()));
    }

    [Theory]
    [MemberData(nameof(MultiaddrVectors.TextAndBytes), MemberType = typeof(MultiaddrVectors))]
    public void TextAndBytesMatchTheVectors(string text, string hex)
    {
        var bytes = Convert.FromHexString(hex);
        Assert.Equal(hex, Convert.ToHexStringLower(Multiaddr.Parse(text).ToBytes()));
        Assert.Equal(text, Multiaddr.FromBytes(bytes).ToString());
    }

    [Theory]
    [MemberData(nameof(MultiaddrVectors.PrintsBackUnchanged), MemberType = typeof(MultiaddrVectors))]
    public void PrintsBackUnchanged(string text) => Assert.Equal(text, Multiaddr.Parse(text).ToString());

    [Theory]
    [MemberData(nameof(MultiaddrVectors.Canonicalizes), MemberType = typeof(MultiaddrVectors))]
    public void PrintsTheCanonicalForm(string input, string expected)
    {
        var addr = Multiaddr.Parse(input);
        Assert.Equal(expected, addr.ToString());
        Assert.Equal(Multiaddr.Parse(expected), addr);
    }

    [Theory]
    [MemberData(nameof(MultiaddrVectors.InvalidBytes), MemberType = typeof(MultiaddrVectors))]
    public void RejectsInvalidBytes(string hex)
    {
        var bytes = Convert.FromHexString(hex);
        var ex = Assert.Throws<MultiaddrFormatException>(() => Multiaddr.FromBytes(bytes));
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
        Assert.False(Multiaddr.TryFromBytes(bytes, out _));
    }

    [Fact]
    public void FeatureFileComponentsHaveTheListedParts()
    {
        // multiaddr.feature "Simple string form": per component string, packed form, value, protocol, codec, raw value.
        var addr = Multiaddr.Parse("/ip4/192.0.2.42/tcp/443");
        Assert.Equal(8, addr.ToBytes().Length);
        Assert.Equal(23, addr.ToString().Length);
        var (ip, tcp) = (addr.Components[0], addr.Components[1]);
        Assert.Equal(("/ip4/192.0.2.42", "192.0.2.42", "ip4", 4, "c000022a"), (ip.ToString(), ip.Value, ip.Protocol.Name, ip.Protocol.Code, Convert.ToHexStringLower(ip.RawValue.Span)));
        Assert.Equal(("/tcp/443", "443", "tcp", 6, "01bb"), (tcp.ToString(), tcp.Value, tcp.Protocol.Name, tcp.Protocol.Code, Convert.ToHexStringLower(tcp.RawValue.Span)));
        Assert.Equal("04c000022a", Convert.ToHexStringLower(new Multiaddr([ip]).ToBytes()));
        Assert.Equal("0601bb", Convert.ToHexStringLower(new Multiaddr([tcp]).ToBytes()));
    }

    [Fact]
    public void GoTestGetValueValues()
    {
        var a = Multiaddr.Parse("/ip4/127.0.0.1/utp/tcp/5555/udp/1234/tls/utp/ipfs/QmbHVEEepCi7rn7VL7Exxpd2Ci9NNB6ifvqwhsrbRMgQFP");
        string? Value(MultiaddrProtocol p) => a.Components.First(c => c.Protocol == p).Value;
        Assert.Equal("127.0.0.1", Value(MultiaddrProtocol.Ip4));
        Assert.Null(Value(MultiaddrProtocol.Utp));
        Assert.Equal("5555", Value(MultiaddrProtocol.Tcp));
        Assert.Equal("1234", Value(MultiaddrProtocol.Udp));
        Assert.Equal("QmbHVEEepCi7rn7VL7Exxpd2Ci9NNB6ifvqwhsrbRMgQFP", Value(MultiaddrProtocol.P2p));
        Assert.Equal("/a/b/c/d", Multiaddr.Parse("/ip4/0.0.0.0/unix/a/b/c/d").Components[1].Value);
    }

    [Fact]
    public void GoTestBytesSplitAndJoin()
    {
        var m = Multiaddr.Parse("/ip4/1.2.3.4/utp/ip4/2.3.4.5/udp/2/udt");
        Assert.Equal(["/ip4/1.2.3.4", "/utp", "/ip4/2.3.4.5", "/udp/2", "/udt"], m.Components.Select(c => c.ToString()));
        Assert.Equal(m, new Multiaddr(m.Components));
    }
}
