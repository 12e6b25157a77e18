namespace Libp2p.Multiformats;

// Codes from multiformats/multiaddr protocols.csv (and multicodec's table for webrtc-direct/webrtc/memory, which
// js-multiaddr 13 and go-multiaddr use). Not supported: garlic64, garlic32 (I2P), http-path (needs URL escaping),
// plaintextv2.
public sealed partial class MultiaddrProtocol
{
    public static readonly MultiaddrProtocol Ip4 = new(4, "ip4", Ip4ValueCodec.Instance);
    public static readonly MultiaddrProtocol Tcp = new(6, "tcp", PortValueCodec.Instance);
    public static readonly MultiaddrProtocol Dccp = new(33, "dccp", PortValueCodec.Instance);
    public static readonly MultiaddrProtocol Ip6 = new(41, "ip6", Ip6ValueCodec.Instance);
    public static readonly MultiaddrProtocol Ip6Zone = new(42, "ip6zone", NameValueCodec.Instance);
    public static readonly MultiaddrProtocol IpCidr = new(43, "ipcidr", ByteValueCodec.Instance);
    public static readonly MultiaddrProtocol Dns = new(53, "dns", NameValueCodec.Instance);
    public static readonly MultiaddrProtocol Dns4 = new(54, "dns4", NameValueCodec.Instance);
    public static readonly MultiaddrProtocol Dns6 = new(55, "dns6", NameValueCodec.Instance);
    public static readonly MultiaddrProtocol DnsAddr = new(56, "dnsaddr", NameValueCodec.Instance);
    public static readonly MultiaddrProtocol Sctp = new(132, "sctp", PortValueCodec.Instance);
    public static readonly MultiaddrProtocol Udp = new(273, "udp", PortValueCodec.Instance);
    public static readonly MultiaddrProtocol P2pWebRtcStar = new(275, "p2p-webrtc-star");
    public static readonly MultiaddrProtocol P2pWebRtcDirect = new(276, "p2p-webrtc-direct");
    public static readonly MultiaddrProtocol P2pStardust = new(277, "p2p-stardust");
    public static readonly MultiaddrProtocol WebRtcDirect = new(280, "webrtc-direct");
    public static readonly MultiaddrProtocol WebRtc = new(281, "webrtc");
    public static readonly MultiaddrProtocol P2pCircuit = new(290, "p2p-circuit");
    public static readonly MultiaddrProtocol Udt = new(301, "udt");
    public static readonly MultiaddrProtocol Utp = new(302, "utp");
    public static readonly MultiaddrProtocol Unix = new(400, "unix", UnixPathValueCodec.Instance, isPath: true);
    public static readonly MultiaddrProtocol P2p = new(421, "p2p", PeerIdValueCodec.Instance);
    public static readonly MultiaddrProtocol Https = new(443, "https");
    public static readonly MultiaddrProtocol Onion = new(444, "onion", OnionValueCodec.V2);
    public static readonly MultiaddrProtocol Onion3 = new(445, "onion3", OnionValueCodec.V3);
    public static readonly MultiaddrProtocol Tls = new(448, "tls");
    public static readonly MultiaddrProtocol Sni = new(449, "sni", NameValueCodec.Instance);
    public static readonly MultiaddrProtocol Noise = new(454, "noise");
    public static readonly MultiaddrProtocol Quic = new(460, "quic");
    public static readonly MultiaddrProtocol QuicV1 = new(461, "quic-v1");
    public static readonly MultiaddrProtocol WebTransport = new(465, "webtransport");
    public static readonly MultiaddrProtocol CertHash = new(466, "certhash", CertHashValueCodec.Instance);
    public static readonly MultiaddrProtocol Ws = new(477, "ws");
    public static readonly MultiaddrProtocol Wss = new(478, "wss");
    public static readonly MultiaddrProtocol P2pWebSocketStar = new(479, "p2p-websocket-star");
    public static readonly MultiaddrProtocol Http = new(480, "http");
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
