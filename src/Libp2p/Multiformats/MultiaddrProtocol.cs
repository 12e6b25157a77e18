namespace Libp2p.Multiformats;

/// <summary>STUB SURFACE — a row of the multiaddr protocol table (multiformats/multiaddr protocols.csv).</summary>
public sealed class MultiaddrProtocol
{
    private MultiaddrProtocol(int code, string name) { Code = code; Name = name; }
    public int Code { get; }
    public string Name { get; }

    public static readonly MultiaddrProtocol Ip4 = new(4, "ip4");
    public static readonly MultiaddrProtocol Tcp = new(6, "tcp");
    public static readonly MultiaddrProtocol Udp = new(273, "udp");
    public static readonly MultiaddrProtocol Ip6 = new(41, "ip6");
    public static readonly MultiaddrProtocol Ip6Zone = new(42, "ip6zone");
    public static readonly MultiaddrProtocol Dns = new(53, "dns");
    public static readonly MultiaddrProtocol Dns4 = new(54, "dns4");
    public static readonly MultiaddrProtocol Dns6 = new(55, "dns6");
    public static readonly MultiaddrProtocol DnsAddr = new(56, "dnsaddr");
    public static readonly MultiaddrProtocol P2p = new(421, "p2p");

    public static MultiaddrProtocol? FromCode(int code) => throw new NotImplementedException();
    public static MultiaddrProtocol? FromName(string name) => throw new NotImplementedException();
    public override string ToString() => Name;
}
