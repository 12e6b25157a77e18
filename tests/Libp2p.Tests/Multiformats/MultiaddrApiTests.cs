using System.Net;
using Libp2p.Identity;
using Libp2p.Multiformats;

namespace Libp2p.Tests.Multiformats;

public class MultiaddrApiTests
{
    private const string PeerA = "QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC";
    private const string PeerB = "12D3KooWCryG7Mon9orvQxcS1rYZjotPgpwoJNHHKcLLfE4Hf5mV";

    private static Multiaddr M(string s) => Multiaddr.Parse(s);

    [Theory]
    [InlineData("/ip4/127.0.0.1/tcp/foo", "invalid value 'foo' for /tcp: not a port number 0-65535")]
    [InlineData("/ip4/127.0.0.1/xyz/1", "unknown protocol 'xyz'")]
    [InlineData("/ip4/999.0.0.1", "invalid value '999.0.0.1' for /ip4")]
    [InlineData("/tcp", "missing value for /tcp")]
    [InlineData("/p2p/QmNotBase58+", "for /p2p")]
    [InlineData("/dns4/a//tcp/1", "empty protocol name")]
    [InlineData("ip4/1.2.3.4", "does not start with '/'")]
    public void TextErrorsNameTheBadComponent(string text, string expected)
    {
        var ex = Assert.Throws<MultiaddrFormatException>(() => M(text));
        Assert.Contains(expected, ex.Message);
    }

    [Theory]
    [InlineData("8f03", "unknown protocol code 0x18f")]
    [InlineData("04c000", "/ip4 needs 4 bytes")]
    [InlineData("a5030a0000", "/p2p claims 10 bytes")]
    [InlineData("ff", "truncated varint")]
    [InlineData("a50304d5010100", "neither identity nor sha2-256")]
    public void BinaryErrorsNameTheBadComponent(string hex, string expected)
    {
        var ex = Assert.Throws<MultiaddrFormatException>(() => Multiaddr.FromBytes(Convert.FromHexString(hex)));
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void BinaryUnixPathFollowedByAnotherComponentIsRejected()
    {
        // Fuzzing found it: /unix/%2zt then /tcp/25451 in binary prints as "/unix/%2zt /tcp/25451", which parses back
        // as one longer path. A path must be the last component (fuzz/corpus/multiaddr/crash-unix-not-last-*).
        byte[] unix = M("/unix/tmp/s").ToBytes();
        byte[] tcp = M("/tcp/25451").ToBytes();
        var e = Assert.Throws<MultiaddrFormatException>(() => Multiaddr.FromBytes([.. unix, .. tcp]));
        Assert.Contains("must be the last component", e.Message);
        Assert.Equal(M("/ip4/1.2.3.4/tcp/1/unix/tmp/s"), Multiaddr.FromBytes(M("/ip4/1.2.3.4/tcp/1/unix/tmp/s").ToBytes()));
    }

    [Fact]
    public void RejectsACIDWithAnotherCodecOrHash()
    {
        // go's fourth TestInvalidP2PAddrString case: a CIDv1 whose codec is md5 (0xd5); here in base32.
        var cid = "b" + Base32Lower([0x01, 0xd5, 0x01, 0x12, 0x20, .. new byte[32]]);
        Assert.Contains("not libp2p-key", Assert.Throws<MultiaddrFormatException>(() => M("/p2p/" + cid)).Message);
    }

    private static string Base32Lower(byte[] data) => SimpleBase.Base32.Rfc4648.Encode(data, padding: false).ToLowerInvariant();

    [Fact]
    public void BoundsTheInput()
    {
        Assert.Throws<MultiaddrFormatException>(() => M("/dns/" + new string('a', Multiaddr.MaxLength)));
        Assert.Throws<MultiaddrFormatException>(() => Multiaddr.FromBytes(new byte[Multiaddr.MaxLength + 1]));
        // 4 KiB of text whose binary form is larger (3-byte UTF-8 characters).
        Assert.Throws<MultiaddrFormatException>(() => M("/dns/" + new string('€', Multiaddr.MaxLength - 10)));
        Assert.False(Multiaddr.TryParse("/dns/" + new string('€', Multiaddr.MaxLength - 10), out _));
        var big = M("/dns/" + new string('a', 2000));
        Assert.Throws<MultiaddrFormatException>(() => big.Encapsulate(big).Encapsulate(big));
        // Quadratic base58/base36 decoding only runs on short texts.
        Assert.Contains("longer than 128", Assert.Throws<MultiaddrFormatException>(() => M("/p2p/Q" + new string('z', 4000))).Message);
        Assert.Contains("longer than 256", Assert.Throws<MultiaddrFormatException>(() => M("/certhash/z" + new string('z', 257))).Message);
        // A length prefix bigger than the input is refused before anything is allocated for it.
        Assert.Throws<MultiaddrFormatException>(() => Multiaddr.FromBytes(Convert.FromHexString("35ffffffffffffff7f")));
    }

    [Fact]
    public void EncapsulateAndDecapsulateAsGoTestEncapsulate()
    {
        var m = M("/ip4/127.0.0.1/udp/1234");
        var b = m.Encapsulate(M("/udp/5678"));
        Assert.Equal("/ip4/127.0.0.1/udp/1234/udp/5678", b.ToString());
        var c = b.Decapsulate(M("/udp/5678"));
        Assert.Equal("/ip4/127.0.0.1/udp/1234", c.ToString());
        var d = c.Decapsulate(M("/ip4/127.0.0.1"));
        Assert.Empty(d.Components);
        Assert.Equal("/", d.ToString());
        Assert.Empty(d.ToBytes());
    }

    [Fact]
    public void DecapsulateRemovesTheLastOccurrenceAndLeavesAbsentSuffixesAlone()
    {
        var m = M("/ip4/1.2.3.4/tcp/80/ip4/5.6.7.8/tcp/80/ws");
        Assert.Equal("/ip4/1.2.3.4/tcp/80/ip4/5.6.7.8", m.Decapsulate(M("/tcp/80")).ToString());
        Assert.Equal("/ip4/1.2.3.4", M("/ip4/1.2.3.4/tcp/80").Decapsulate(M("/tcp/80")).ToString());
        Assert.Same(m, m.Decapsulate(M("/udp/80")));
        // Whole components only: /tcp/80 is not a prefix of /tcp/8080 (js-multiaddr's string match would cut it).
        Assert.Equal("/ip4/1.2.3.4/tcp/8080", M("/ip4/1.2.3.4/tcp/8080").Decapsulate(M("/tcp/80")).ToString());
        Assert.Equal("/ip4/1.2.3.4/tcp/80/ip4/5.6.7.8", m.Decapsulate(MultiaddrProtocol.Tcp).ToString());
        Assert.Same(m, m.Decapsulate(MultiaddrProtocol.Udp));
        Assert.Equal("/ip4/1.2.3.4/tcp/80/ws", M("/ip4/1.2.3.4/tcp/80/ws/p2p/" + PeerA).Decapsulate(MultiaddrProtocol.P2p).ToString());
    }

    [Fact]
    public void EqualityIsBinaryEquality()
    {
        Assert.Equal(M("/ip4/127.0.0.1/tcp/1234"), M("/ip4/127.0.0.1/tcp/1234/"));
        Assert.NotEqual(M("/ip4/127.0.0.1/udp/1234"), M("/ip4/127.0.0.1/tcp/1234"));
        Assert.Equal(M("/ipfs/" + PeerA), M("/p2p/" + PeerA));
        Assert.Equal(M("/p2p/bafzbeigvf25ytwc3akrijfecaotc74udrhcxzh2cx3we5qqnw5vgrei4bm"), M("/p2p/" + PeerA));
        Assert.True(M("/ip6/::1") == M("/ip6/0::1"));
        Assert.True(M("/ip6/::1") != M("/ip6/::2"));
        Assert.Equal(M("/ip6/::1").GetHashCode(), M("/ip6/0:0::1").GetHashCode());
        var set = new HashSet<Multiaddr> { M("/tcp/1"), M("/tcp/01"), M("/tcp/2") };
        Assert.Equal(2, set.Count);
        Assert.False(M("/tcp/1").Equals(null));
    }

    [Fact]
    public void PeerIdAccessors()
    {
        var a = PeerId.Parse(PeerA);
        var b = PeerId.Parse(PeerB);
        Assert.Equal(b, M($"/ip4/1.2.3.4/tcp/1/p2p/{PeerA}/p2p-circuit/p2p/{PeerB}").PeerId);
        Assert.Null(M($"/ip4/1.2.3.4/tcp/1/p2p/{PeerA}/p2p-circuit").PeerId);
        Assert.Equal(a, M($"/ip4/1.2.3.4/tcp/1/p2p/{PeerA}").PeerId);
        Assert.Equal(b, M("/p2p/bafzaajaiaejcalj543iwv2d7pkjt7ykvefrkfu7qjfi6sduakhso4lay6abn2d5u").PeerId);
        Assert.Null(M("/ip4/1.2.3.4/tcp/1").PeerId);

        var withA = M("/ip4/1.2.3.4/tcp/1").WithPeerId(a);
        Assert.Equal($"/ip4/1.2.3.4/tcp/1/p2p/{PeerA}", withA.ToString());
        Assert.Equal($"/ip4/1.2.3.4/tcp/1/p2p/{PeerB}", withA.WithPeerId(b).ToString());
        Assert.Equal("/ip4/1.2.3.4/tcp/1", withA.WithoutPeerId().ToString());
        var noTrailing = M($"/p2p/{PeerA}/tcp/1");
        Assert.Same(noTrailing, noTrailing.WithoutPeerId());
        Assert.Equal(MultiaddrComponent.P2p(a), withA.Components[^1]);
    }

    [Fact]
    public void FromTcpEndpoints()
    {
        Assert.Equal("/ip4/127.0.0.1/tcp/4001", Multiaddr.FromTcpEndPoint(new IPEndPoint(IPAddress.Loopback, 4001)).ToString());
        Assert.Equal("/ip6/::1/tcp/0", Multiaddr.FromTcpEndPoint(new IPEndPoint(IPAddress.IPv6Loopback, 0)).ToString());
        var scoped = new IPEndPoint(IPAddress.Parse("fe80::1%3"), 65535);
        Assert.Equal("/ip6zone/3/ip6/fe80::1/tcp/65535", Multiaddr.FromTcpEndPoint(scoped).ToString());
        var mapped = new IPEndPoint(IPAddress.Parse("::ffff:10.0.0.1"), 80);
        Assert.Equal("/ip4/10.0.0.1/tcp/80", Multiaddr.FromTcpEndPoint(mapped).ToString());
    }

    [Fact]
    public void ComponentHelpers()
    {
        var ip = MultiaddrComponent.FromIPAddress(IPAddress.Parse("2001:db8::1"));
        Assert.Equal(MultiaddrProtocol.Ip6, ip.Protocol);
        Assert.Equal(IPAddress.Parse("2001:db8::1"), ip.ToIPAddress());
        Assert.Equal("/ip6/2001:db8::1", ip.ToString());
        Assert.Equal(4001, MultiaddrComponent.Tcp(4001).ToPort());
        Assert.Equal("/udp/53", MultiaddrComponent.Udp(53).ToString());
        Assert.Throws<ArgumentOutOfRangeException>(() => MultiaddrComponent.Tcp(65536));
        Assert.Throws<InvalidOperationException>(() => MultiaddrComponent.Tcp(1).ToIPAddress());
        Assert.Throws<InvalidOperationException>(() => ip.ToPort());

        Assert.Equal(MultiaddrComponent.Tcp(80), MultiaddrComponent.Create(MultiaddrProtocol.Tcp, "80"));
        Assert.Null(MultiaddrComponent.Create(MultiaddrProtocol.Ws).Value);
        Assert.True(MultiaddrComponent.Create(MultiaddrProtocol.Ws).RawValue.IsEmpty);
        Assert.Contains("takes no value", Assert.Throws<MultiaddrFormatException>(() => MultiaddrComponent.Create(MultiaddrProtocol.Ws, "x")).Message);
        Assert.Contains("missing value", Assert.Throws<MultiaddrFormatException>(() => MultiaddrComponent.Create(MultiaddrProtocol.Tcp)).Message);
        Assert.Equal("/unix/tmp/s", MultiaddrComponent.Create(MultiaddrProtocol.Unix, "/tmp/s").ToString());
        Assert.Throws<ArgumentException>(() => new Multiaddr([default(MultiaddrComponent)]));
        Assert.Throws<InvalidOperationException>(() => default(MultiaddrComponent).Protocol);
    }

    [Fact]
    public void ProtocolTableLookups()
    {
        Assert.Same(MultiaddrProtocol.P2p, MultiaddrProtocol.FromName("ipfs"));
        Assert.Same(MultiaddrProtocol.P2p, MultiaddrProtocol.FromCode(421));
        Assert.Same(MultiaddrProtocol.Udp, MultiaddrProtocol.FromCode(273));
        Assert.Null(MultiaddrProtocol.FromName("IP4"));
        Assert.Null(MultiaddrProtocol.FromCode(446)); // garlic64: not supported
        Assert.Equal((32, 16, -1, 0), (MultiaddrProtocol.Ip4.Size, MultiaddrProtocol.Tcp.Size, MultiaddrProtocol.Dns.Size, MultiaddrProtocol.Ws.Size));
        Assert.True(MultiaddrProtocol.Unix.IsPath);
        Assert.All(MultiaddrProtocol.All, p => Assert.Same(p, MultiaddrProtocol.FromCode(p.Code)));
        Assert.All(MultiaddrProtocol.All, p => Assert.Same(p, MultiaddrProtocol.FromName(p.Name)));
        // Codes the issue names, from protocols.csv / multicodec.
        var expected = new Dictionary<string, int>
        {
            ["ip4"] = 4, ["tcp"] = 6, ["udp"] = 273, ["ip6"] = 41, ["ip6zone"] = 42, ["dns"] = 53, ["dns4"] = 54,
            ["dns6"] = 55, ["dnsaddr"] = 56, ["p2p"] = 421, ["quic-v1"] = 461, ["ws"] = 477, ["wss"] = 478,
            ["tls"] = 448, ["noise"] = 454, ["certhash"] = 466, ["p2p-circuit"] = 290, ["webtransport"] = 465,
            ["memory"] = 777, ["unix"] = 400, ["quic"] = 460, ["sni"] = 449, ["http"] = 480,
            ["p2p-webrtc-direct"] = 276, ["webrtc-direct"] = 280, ["webrtc"] = 281, ["dccp"] = 33, ["sctp"] = 132,
            ["onion3"] = 445,
        };
        Assert.All(expected, kv => Assert.Equal(kv.Value, MultiaddrProtocol.FromName(kv.Key)!.Code));
    }

    [Fact]
    public void MemoryIsA64BitNumber()
    {
        Assert.Equal("89060000000000000001", Convert.ToHexStringLower(M("/memory/1").ToBytes()));
        Assert.Equal("/memory/18446744073709551615", M("/memory/18446744073709551615").ToString());
        Assert.Throws<MultiaddrFormatException>(() => M("/memory/18446744073709551616"));
        Assert.Throws<MultiaddrFormatException>(() => M("/memory/-1"));
    }
}
