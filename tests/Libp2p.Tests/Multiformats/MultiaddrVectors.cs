namespace Libp2p.Tests.Multiformats;

/// <summary>
/// Cross-implementation vectors, transcribed from multiformats/multiaddr test/multiaddr.feature and
/// multiformats/go-multiaddr multiaddr_test.go (TestConstructFails, TestConstructSucceeds, TestStringToBytes,
/// TestBytesToString, TestRoundTrip, TestZone, TestInvalidP2PAddr*). Left out: garlic64/garlic32 (I2P), which this
/// implementation does not support — their "succeeds" cases are omitted and their "fails" cases fail here as unknown.
/// </summary>
public static class MultiaddrVectors
{
    public static readonly TheoryData<string> ConstructFails =
    [
        "/ip4", "/ip4/::1", "/ip4/fdpsofodsajfdoisa", "/ip4/::/ipcidr/256", "/ip6/::/ipcidr/1026", "/ip6",
        "/ip6zone", "/ip6zone/", "/ip6zone//ip6/fe80::1", "/udp", "/tcp", "/sctp", "/udp/65536", "/tcp/65536",
        "/quic/65536", "/quic-v1/65536",
        "/onion/9imaq4ygg2iegci7:80", "/onion/aaimaq4ygg2iegci7:80", "/onion/timaq4ygg2iegci7:0",
        "/onion/timaq4ygg2iegci7:-1", "/onion/timaq4ygg2iegci7", "/onion/timaq4ygg2iegci@:666",
        "/onion3/9ww6ybal4bd7szmgncyruucpgfkqahzddi37ktceo3ah7ngmcopnpyyd:80",
        "/onion3/vww6ybal4bd7szmgncyruucpgfkqahzddi37ktceo3ah7ngmcopnpyyd7:80",
        "/onion3/vww6ybal4bd7szmgncyruucpgfkqahzddi37ktceo3ah7ngmcopnpyyd:0",
        "/onion3/vww6ybal4bd7szmgncyruucpgfkqahzddi37ktceo3ah7ngmcopnpyyd:-1",
        "/onion3/vww6ybal4bd7szmgncyruucpgfkqahzddi37ktceo3ah7ngmcopnpyyd",
        "/onion3/vww6ybal4bd7szmgncyruucpgfkqahzddi37ktceo3ah7ngmcopnpyy@:666",
        "/garlic32/566niximlxdzpanmn4qouucvua3k7neniwss47li5r6ugoertzu", // fails here as an unknown protocol
        "/udp/1234/sctp", "/udp/1234/udt/1234", "/udp/1234/utp/1234",
        "/ip4/127.0.0.1/udp/jfodsajfidosajfoidsa", "/ip4/127.0.0.1/udp", "/ip4/127.0.0.1/tcp/jfodsajfidosajfoidsa",
        "/ip4/127.0.0.1/tcp", "/ip4/127.0.0.1/quic/1234", "/ip4/127.0.0.1/quic-v1/1234",
        "/ip4/127.0.0.1/udp/1234/quic-v1/webtransport/certhash",
        "/ip4/127.0.0.1/udp/1234/quic-v1/webtransport/certhash/b2uaraocy6yrdblb4sfptaddgimjmmp",
        "/ip4/127.0.0.1/ipfs", "/ip4/127.0.0.1/ipfs/tcp", "/ip4/127.0.0.1/p2p", "/ip4/127.0.0.1/p2p/tcp",
        "/unix", "/ip4/1.2.3.4/tcp/80/unix", "/ip4/127.0.0.1/tcp/9090/http/p2p-webcrt-direct", "/", "",
        // TestInvalidP2PAddrString (the fourth, an md5-codec CID, is generated in Go; ours is below in the API tests)
        "/p2p/k2k4r8oqamigqdo6o7hsbfwd45y70oyynp98usk7zmyfrzpqxh1pohl-",
        "/p2p/?unknownmultibase",
        "/p2p/k2jmtxwoe2phm1hbqp0e7nufqf6umvuu2e9qd7ana7h411a0haqj6i2z",
        // go's ProtocolsWithString bad cases, and IPv4 forms Go's net.ParseIP rejects
        "/ip4/tcp/fidosafoidsa", "////////ip4///////tcp/////////",
        "/ip4/01.2.3.4", "/ip4/1.2.3", "/ip4/1.2.3.4.5", "/ip4/256.0.0.1", "/ip4/1.2.3.4 ",
        "ip4/1.2.3.4", "/ip6/fe80::1%eth0", "/ip6/[::1]", "/ip6/1:2:3:4:5:6:7:8:9", "/ip6/1::2::3", "/ip6/12345::",
    ];

    public static readonly TheoryData<string> ConstructSucceeds =
    [
        "/ip4/1.2.3.4", "/ip4/0.0.0.0", "/ip4/192.0.2.0/ipcidr/24", "/ip6/::1",
        "/ip6/2601:9:4f81:9700:803e:ca65:66e8:c21", "/ip6/2601:9:4f81:9700:803e:ca65:66e8:c21/udp/1234/quic",
        "/ip6/2601:9:4f81:9700:803e:ca65:66e8:c21/udp/1234/quic-v1", "/ip6/2001:db8::/ipcidr/32",
        "/ip6zone/x/ip6/fe80::1", "/ip6zone/x%y/ip6/fe80::1", "/ip6zone/x%y/ip6/::",
        "/ip6zone/x/ip6/fe80::1/udp/1234/quic", "/ip6zone/x/ip6/fe80::1/udp/1234/quic-v1",
        "/onion/timaq4ygg2iegci7:1234", "/onion/timaq4ygg2iegci7:80/http",
        "/onion3/vww6ybal4bd7szmgncyruucpgfkqahzddi37ktceo3ah7ngmcopnpyyd:1234",
        "/onion3/vww6ybal4bd7szmgncyruucpgfkqahzddi37ktceo3ah7ngmcopnpyyd:80/http",
        "/udp/0", "/tcp/0", "/sctp/0", "/udp/1234", "/tcp/1234", "/sctp/1234", "/udp/65535", "/tcp/65535",
        "/ipfs/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC",
        "/ipfs/k2k4r8oqamigqdo6o7hsbfwd45y70oyynp98usk7zmyfrzpqxh1pohl7",
        "/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC",
        "/p2p/k2k4r8oqamigqdo6o7hsbfwd45y70oyynp98usk7zmyfrzpqxh1pohl7",
        "/p2p/bafzbeigvf25ytwc3akrijfecaotc74udrhcxzh2cx3we5qqnw5vgrei4bm",
        "/p2p/12D3KooWCryG7Mon9orvQxcS1rYZjotPgpwoJNHHKcLLfE4Hf5mV",
        "/p2p/k51qzi5uqu5dhb6l8spkdx7yxafegfkee5by8h7lmjh2ehc2sgg34z7c15vzqs",
        "/p2p/bafzaajaiaejcalj543iwv2d7pkjt7ykvefrkfu7qjfi6sduakhso4lay6abn2d5u",
        "/udp/1234/sctp/1234", "/udp/1234/udt", "/udp/1234/utp", "/tcp/1234/http", "/tcp/1234/tls/http",
        "/tcp/1234/https",
        "/ipfs/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC/tcp/1234",
        "/ipfs/k2k4r8oqamigqdo6o7hsbfwd45y70oyynp98usk7zmyfrzpqxh1pohl7/tcp/1234",
        "/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC/tcp/1234",
        "/p2p/k2k4r8oqamigqdo6o7hsbfwd45y70oyynp98usk7zmyfrzpqxh1pohl7/tcp/1234",
        "/ip4/127.0.0.1/udp/1234", "/ip4/127.0.0.1/udp/0", "/ip4/127.0.0.1/tcp/1234", "/ip4/127.0.0.1/tcp/1234/",
        "/ip4/127.0.0.1/udp/1234/quic", "/ip4/127.0.0.1/udp/1234/quic-v1",
        "/ip4/127.0.0.1/udp/1234/quic-v1/webtransport",
        "/ip4/127.0.0.1/udp/1234/quic-v1/webtransport/certhash/b2uaraocy6yrdblb4sfptaddgimjmmpy",
        "/ip4/127.0.0.1/udp/1234/quic-v1/webtransport/certhash/b2uaraocy6yrdblb4sfptaddgimjmmpy/certhash/zQmbWTwYGcmdyK9CYfNBcfs9nhZs17a6FQ4Y8oea278xx41",
        "/ip4/127.0.0.1/ipfs/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC",
        "/ip4/127.0.0.1/ipfs/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC/tcp/1234",
        "/ip4/127.0.0.1/ipfs/k2k4r8oqamigqdo6o7hsbfwd45y70oyynp98usk7zmyfrzpqxh1pohl7",
        "/ip4/127.0.0.1/ipfs/k2k4r8oqamigqdo6o7hsbfwd45y70oyynp98usk7zmyfrzpqxh1pohl7/tcp/1234",
        "/ip4/127.0.0.1/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC",
        "/ip4/127.0.0.1/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC/tcp/1234",
        "/ip4/127.0.0.1/p2p/k2k4r8oqamigqdo6o7hsbfwd45y70oyynp98usk7zmyfrzpqxh1pohl7",
        "/ip4/127.0.0.1/p2p/k2k4r8oqamigqdo6o7hsbfwd45y70oyynp98usk7zmyfrzpqxh1pohl7/tcp/1234",
        "/unix/a/b/c/d/e", "/unix/stdio", "/ip4/1.2.3.4/tcp/80/unix/a/b/c/d/e/f",
        "/ip4/127.0.0.1/ipfs/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC/tcp/1234/unix/stdio",
        "/ip4/127.0.0.1/ipfs/k2k4r8oqamigqdo6o7hsbfwd45y70oyynp98usk7zmyfrzpqxh1pohl7/tcp/1234/unix/stdio",
        "/ip4/127.0.0.1/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC/tcp/1234/unix/stdio",
        "/ip4/127.0.0.1/p2p/k2k4r8oqamigqdo6o7hsbfwd45y70oyynp98usk7zmyfrzpqxh1pohl7/tcp/1234/unix/stdio",
        "/ip4/127.0.0.1/tcp/9090/http/p2p-webrtc-direct", "/ip4/127.0.0.1/tcp/127/ws", "/ip4/127.0.0.1/tcp/127/tls",
        "/ip4/127.0.0.1/tcp/127/tls/ws", "/ip4/127.0.0.1/tcp/127/noise", "/ip4/127.0.0.1/tcp/127/wss",
        // go's ProtocolsWithString good case with a trailing run of slashes; and the other protocols we support
        "/ip4/0.0.0.0//////",
        "/dns/example.com/tcp/443/wss", "/dns4/example.com/tcp/1", "/dns6/example.com/udp/1/quic-v1",
        "/dnsaddr/bootstrap.libp2p.io", "/ip4/1.2.3.4/tcp/1/tls/sni/example.com/ws", "/memory/1234",
        "/ip4/1.2.3.4/udp/1/webrtc-direct/certhash/uEiDDq4_xNyDorZBH3TlGazyJdOWSwvo4PUo5YHFMrvDE8g",
        "/ip4/1.2.3.4/tcp/1/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC/p2p-circuit/webrtc",
        "/dccp/1", "/ip4/1.2.3.4/tcp/1/ws/p2p-websocket-star", "/p2p-stardust", "/p2p-webrtc-star",
    ];

    /// <summary>TestStringToBytes / TestBytesToString, multiaddr.feature and TestZone: canonical text and its bytes.</summary>
    public static readonly TheoryData<string, string> TextAndBytes = new()
    {
        { "/ip4/192.0.2.42/tcp/443", "04c000022a0601bb" },
        { "/ip4/127.0.0.1/udp/1234", "047f000001910204d2" },
        { "/ip4/127.0.0.1/tcp/4321", "047f0000010610e1" },
        { "/ip4/127.0.0.1/udp/1234/ip4/127.0.0.1/tcp/4321", "047f000001910204d2047f0000010610e1" },
        { "/onion/aaimaq4ygg2iegci:80", "bc030010c0439831b48218480050" },
        { "/onion3/vww6ybal4bd7szmgncyruucpgfkqahzddi37ktceo3ah7ngmcopnpyyd:1234", "bd03adadec040be047f9658668b11a504f3155001f231a37f54c4476c07fb4cc139ed7e30304d2" },
        { "/ip6zone/eth0/ip6/::1", "2a046574683029" + "00000000000000000000000000000001" },
    };

    /// <summary>TestRoundTrip and TestIPFSvP2P: these texts print back unchanged (p2p output is always /p2p/base58).</summary>
    public static readonly TheoryData<string> PrintsBackUnchanged =
    [
        "/unix/a/b/c/d", "/ip6/::ffff:127.0.0.1/tcp/111", "/ip4/127.0.0.1/tcp/123", "/ip4/127.0.0.1/tcp/123/tls",
        "/ip4/127.0.0.1/udp/123", "/ip4/127.0.0.1/udp/123/ip6/::",
        "/ip4/127.0.0.1/udp/1234/quic-v1/webtransport/certhash/uEiDDq4_xNyDorZBH3TlGazyJdOWSwvo4PUo5YHFMrvDE8g",
        "/p2p/QmbHVEEepCi7rn7VL7Exxpd2Ci9NNB6ifvqwhsrbRMgQFP", "/p2p/QmbHVEEepCi7rn7VL7Exxpd2Ci9NNB6ifvqwhsrbRMgQFP/unix/a/b/c",
        "/ip6/2601:9:4f81:9700:803e:ca65:66e8:c21", "/ip6/2001:db8::1:0:0:1", "/ip6/1::", "/ip6/::", "/ip6/1:0:1:1:1:1:1:1",
    ];

    /// <summary>Input text and how go/js print it.</summary>
    public static readonly TheoryData<string, string> Canonicalizes = new()
    {
        { "/ipfs/QmbHVEEepCi7rn7VL7Exxpd2Ci9NNB6ifvqwhsrbRMgQFP", "/p2p/QmbHVEEepCi7rn7VL7Exxpd2Ci9NNB6ifvqwhsrbRMgQFP" },
        { "/ip4/127.0.0.1/tcp/1234/", "/ip4/127.0.0.1/tcp/1234" },
        { "/ip6/0:0:0:0:0:0:0:1", "/ip6/::1" },
        { "/ip6/2001:DB8:0:0:1:0:0:1", "/ip6/2001:db8::1:0:0:1" },
        { "/ip6/2001:0db8:0000:0000:0000:0000:0002:0001", "/ip6/2001:db8::2:1" },
        { "/ip6/::ffff:7f00:1", "/ip6/::ffff:127.0.0.1" },
        { "/ip6/::1.2.3.4", "/ip6/::102:304" },
        { "/tcp/0080", "/tcp/80" },
        { "/onion/TIMAQ4YGG2IEGCI7:80", "/onion/timaq4ygg2iegci7:80" },
        { "/p2p/bafzbeigvf25ytwc3akrijfecaotc74udrhcxzh2cx3we5qqnw5vgrei4bm", "/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC" },
        { "/p2p/k2k4r8oqamigqdo6o7hsbfwd45y70oyynp98usk7zmyfrzpqxh1pohl7", "/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC" },
        { "/p2p/k51qzi5uqu5dhb6l8spkdx7yxafegfkee5by8h7lmjh2ehc2sgg34z7c15vzqs", "/p2p/12D3KooWCryG7Mon9orvQxcS1rYZjotPgpwoJNHHKcLLfE4Hf5mV" },
        { "/p2p/bafzaajaiaejcalj543iwv2d7pkjt7ykvefrkfu7qjfi6sduakhso4lay6abn2d5u", "/p2p/12D3KooWCryG7Mon9orvQxcS1rYZjotPgpwoJNHHKcLLfE4Hf5mV" },
        { "/certhash/zQmbWTwYGcmdyK9CYfNBcfs9nhZs17a6FQ4Y8oea278xx41", "/certhash/uEiDDq4_xNyDorZBH3TlGazyJdOWSwvo4PUo5YHFMrvDE8g" },
    };

    /// <summary>TestInvalidP2PAddrBytes and other binary inputs every implementation must refuse.</summary>
    public static readonly TheoryData<string> InvalidBytes =
    [
        "a503221221c05877cbae039d70a5e600ea02c6f9f2942439285c9e344e26f8d280c850fad6", // digest shorter than claimed
        "", // TestEmptyMultiaddr
        "04c00002", // ip4 value truncated
        "0601", // tcp value truncated
        "9102", // udp code, no value
        "a503", // p2p code, no length
        "a50305", // p2p length past the end
        "a50300", // p2p empty multihash
        "a503031201ff", // sha2-256 digest of 1 byte
        "a50304d5010100", // md5 multihash: not a peer id
        "a5032d002b" + new string('0', 86), // identity digest of 43 bytes: the peer-ids spec hashes keys over 42
        "ff", // truncated code varint
        "8000", // non-minimal code varint (0)
        "8400", // non-minimal code varint (4)
        "0080", // code 0: unknown
        "ffffffffffffffff7f", // huge code: unknown
        "900304", // unix path of 4 bytes missing
        "9003012f", // unix path "/" (too short)
        "9003022f2f", // unix path "//" (ends with '/')
        "9003016120", // unix length 1 then a stray byte
        "3500", // dns4 empty
        "35032f2f2f", // dns4 "///"
        "3502c328", // dns4 invalid UTF-8
        "2a00", // ip6zone empty
        "bc030010c0439831b48218480000", // onion port 0
    ];
}
