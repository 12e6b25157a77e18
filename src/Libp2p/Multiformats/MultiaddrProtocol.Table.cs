namespace Libp2p.Multiformats;

// Codes from multiformats/multiaddr protocols.csv (and multicodec's table for webrtc-direct/webrtc/memory, which
// js-multiaddr 13 and go-multiaddr use). Not supported: garlic64, garlic32 (I2P), http-path (needs URL escaping),
// plaintextv2.
public sealed partial class MultiaddrProtocol
{
    /// <summary><c>/ip4</c> (code 4): an IPv4 address.</summary>
    public static readonly MultiaddrProtocol Ip4 = new(4, "ip4", Ip4ValueCodec.Instance);
    /// <summary><c>/tcp</c> (code 6): a TCP port.</summary>
    public static readonly MultiaddrProtocol Tcp = new(6, "tcp", PortValueCodec.Instance);
    /// <summary><c>/dccp</c> (code 33): a DCCP port.</summary>
    public static readonly MultiaddrProtocol Dccp = new(33, "dccp", PortValueCodec.Instance);
    /// <summary><c>/ip6</c> (code 41): an IPv6 address.</summary>
    public static readonly MultiaddrProtocol Ip6 = new(41, "ip6", Ip6ValueCodec.Instance);
    /// <summary><c>/ip6zone</c> (code 42): the zone (interface) of the IPv6 address that follows.</summary>
    public static readonly MultiaddrProtocol Ip6Zone = new(42, "ip6zone", NameValueCodec.Instance);
    /// <summary><c>/ipcidr</c> (code 43): a CIDR prefix length.</summary>
    public static readonly MultiaddrProtocol IpCidr = new(43, "ipcidr", ByteValueCodec.Instance);
    /// <summary><c>/dns</c> (code 53): a DNS name resolved to IPv4 and IPv6 addresses.</summary>
    public static readonly MultiaddrProtocol Dns = new(53, "dns", NameValueCodec.Instance);
    /// <summary><c>/dns4</c> (code 54): a DNS name resolved to IPv4 addresses.</summary>
    public static readonly MultiaddrProtocol Dns4 = new(54, "dns4", NameValueCodec.Instance);
    /// <summary><c>/dns6</c> (code 55): a DNS name resolved to IPv6 addresses.</summary>
    public static readonly MultiaddrProtocol Dns6 = new(55, "dns6", NameValueCodec.Instance);
    /// <summary><c>/dnsaddr</c> (code 56): a DNS name whose TXT records hold multiaddrs.</summary>
    public static readonly MultiaddrProtocol DnsAddr = new(56, "dnsaddr", NameValueCodec.Instance);
    /// <summary><c>/sctp</c> (code 132): an SCTP port.</summary>
    public static readonly MultiaddrProtocol Sctp = new(132, "sctp", PortValueCodec.Instance);
    /// <summary><c>/udp</c> (code 273): a UDP port.</summary>
    public static readonly MultiaddrProtocol Udp = new(273, "udp", PortValueCodec.Instance);
    /// <summary><c>/p2p-webrtc-star</c> (code 275): the deprecated WebRTC star transport.</summary>
    public static readonly MultiaddrProtocol P2pWebRtcStar = new(275, "p2p-webrtc-star");
    /// <summary><c>/p2p-webrtc-direct</c> (code 276): the deprecated WebRTC direct transport.</summary>
    public static readonly MultiaddrProtocol P2pWebRtcDirect = new(276, "p2p-webrtc-direct");
    /// <summary><c>/p2p-stardust</c> (code 277): the deprecated stardust transport.</summary>
    public static readonly MultiaddrProtocol P2pStardust = new(277, "p2p-stardust");
    /// <summary><c>/webrtc-direct</c> (code 280): WebRTC without a signalling server.</summary>
    public static readonly MultiaddrProtocol WebRtcDirect = new(280, "webrtc-direct");
    /// <summary><c>/webrtc</c> (code 281): WebRTC through a relay for signalling.</summary>
    public static readonly MultiaddrProtocol WebRtc = new(281, "webrtc");
    /// <summary><c>/p2p-circuit</c> (code 290): a circuit through the relay before it (circuit relay v2).</summary>
    public static readonly MultiaddrProtocol P2pCircuit = new(290, "p2p-circuit");
    /// <summary><c>/udt</c> (code 301): UDT over UDP.</summary>
    public static readonly MultiaddrProtocol Udt = new(301, "udt");
    /// <summary><c>/utp</c> (code 302): uTP over UDP.</summary>
    public static readonly MultiaddrProtocol Utp = new(302, "utp");
    /// <summary><c>/unix</c> (code 400): a unix domain socket path (the rest of the address).</summary>
    public static readonly MultiaddrProtocol Unix = new(400, "unix", UnixPathValueCodec.Instance, isPath: true);
    /// <summary><c>/p2p</c> (code 421): a peer id (<c>/ipfs</c> is read as an alias).</summary>
    public static readonly MultiaddrProtocol P2p = new(421, "p2p", PeerIdValueCodec.Instance);
    /// <summary><c>/https</c> (code 443): HTTPS (deprecated: use <c>/tls/http</c>).</summary>
    public static readonly MultiaddrProtocol Https = new(443, "https");
    /// <summary><c>/onion</c> (code 444): a Tor v2 onion service and port.</summary>
    public static readonly MultiaddrProtocol Onion = new(444, "onion", OnionValueCodec.V2);
    /// <summary><c>/onion3</c> (code 445): a Tor v3 onion service and port.</summary>
    public static readonly MultiaddrProtocol Onion3 = new(445, "onion3", OnionValueCodec.V3);
    /// <summary><c>/tls</c> (code 448): TLS over the transport before it.</summary>
    public static readonly MultiaddrProtocol Tls = new(448, "tls");
    /// <summary><c>/sni</c> (code 449): the TLS server name.</summary>
    public static readonly MultiaddrProtocol Sni = new(449, "sni", NameValueCodec.Instance);
    /// <summary><c>/noise</c> (code 454): Noise over the transport before it.</summary>
    public static readonly MultiaddrProtocol Noise = new(454, "noise");
    /// <summary><c>/quic</c> (code 460): QUIC draft-29.</summary>
    public static readonly MultiaddrProtocol Quic = new(460, "quic");
    /// <summary><c>/quic-v1</c> (code 461): QUIC version 1 (RFC 9000).</summary>
    public static readonly MultiaddrProtocol QuicV1 = new(461, "quic-v1");
    /// <summary><c>/webtransport</c> (code 465): WebTransport over QUIC.</summary>
    public static readonly MultiaddrProtocol WebTransport = new(465, "webtransport");
    /// <summary><c>/certhash</c> (code 466): a multihash of a certificate the peer presents.</summary>
    public static readonly MultiaddrProtocol CertHash = new(466, "certhash", CertHashValueCodec.Instance);
    /// <summary><c>/ws</c> (code 477): WebSocket.</summary>
    public static readonly MultiaddrProtocol Ws = new(477, "ws");
    /// <summary><c>/wss</c> (code 478): WebSocket over TLS (deprecated: use <c>/tls/ws</c>).</summary>
    public static readonly MultiaddrProtocol Wss = new(478, "wss");
    /// <summary><c>/p2p-websocket-star</c> (code 479): the deprecated websocket star transport.</summary>
    public static readonly MultiaddrProtocol P2pWebSocketStar = new(479, "p2p-websocket-star");
    /// <summary><c>/http</c> (code 480): HTTP.</summary>
    public static readonly MultiaddrProtocol Http = new(480, "http");
    /// <summary><c>/memory</c> (code 777): an in-process memory transport address.</summary>
    public static readonly MultiaddrProtocol Memory = new(777, "memory", MemoryValueCodec.Instance);

    /// <summary>Every protocol this implementation reads and writes.</summary>
    public static IReadOnlyList<MultiaddrProtocol> All { get; }

    private static readonly Dictionary<int, MultiaddrProtocol> s_byCode;
    private static readonly Dictionary<string, MultiaddrProtocol> s_byName;

    // An explicit static constructor runs after every field initializer of every part of this class.
    static MultiaddrProtocol()
    {
        All =
        [
            Ip4, Tcp, Dccp, Ip6, Ip6Zone, IpCidr, Dns, Dns4, Dns6, DnsAddr, Sctp, Udp, P2pWebRtcStar, P2pWebRtcDirect,
            P2pStardust, WebRtcDirect, WebRtc, P2pCircuit, Udt, Utp, Unix, P2p, Https, Onion, Onion3, Tls, Sni, Noise,
            Quic, QuicV1, WebTransport, CertHash, Ws, Wss, P2pWebSocketStar, Http, Memory,
        ];
        s_byCode = All.ToDictionary(p => p.Code);
        s_byName = All.ToDictionary(p => p.Name, StringComparer.Ordinal);
        s_byName.Add("ipfs", P2p); // backwards-compatible alias; always printed as p2p
    }
}
