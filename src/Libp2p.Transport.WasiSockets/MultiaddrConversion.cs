using System.Net;
using System.Net.Sockets;
using Libp2p.Multiformats;
using Libp2p.Transport.WasiSockets.Wit;

namespace Libp2p.Transport.WasiSockets;

/// <summary>Which address families a DNS multiaddr accepts.</summary>
public enum DnsFamily { Any, Ipv4, Ipv6 }

/// <summary>A parsed <c>/ip4|ip6|dns|dns4|dns6/…/tcp/port</c> (a trailing <c>/p2p/…</c> removed).</summary>
public readonly record struct TcpTarget(IpSocketAddress? Ip, string? Host, DnsFamily DnsFamily, ushort Port)
{
    public bool IsDns => Host is not null;
}

/// <summary>Multiaddr ↔ <c>ip-socket-address</c> conversion for the WASI transport.</summary>
public static class MultiaddrConversion
{
    /// <summary>Parses a TCP multiaddr this transport serves; null with a reason otherwise.</summary>
    public static TcpTarget? TryParse(Multiaddr address, out string? reason)
    {
        var c = address.Components;
        int n = c.Count;
        if (n > 0 && c[n - 1].Protocol == MultiaddrProtocol.P2p) n--; // checked later by the upgrade
        reason = null;
        if (n != 2 || c[1].Protocol != MultiaddrProtocol.Tcp)
        {
            reason = "only /ip4, /ip6, /dns, /dns4 or /dns6 followed by /tcp (and an optional /p2p) are served";
            return null;
        }
        int port = c[1].ToPort();
        if ((uint)port > ushort.MaxValue) { reason = $"port {port} out of range"; return null; }
        var first = c[0];
        if (first.Protocol == MultiaddrProtocol.Ip4 || first.Protocol == MultiaddrProtocol.Ip6)
            return new TcpTarget(IpSocketAddress.FromIPEndPoint(new IPEndPoint(first.ToIPAddress(), port)), null, DnsFamily.Any, (ushort)port);
        if (first.Protocol == MultiaddrProtocol.Dns || first.Protocol == MultiaddrProtocol.Dns4 || first.Protocol == MultiaddrProtocol.Dns6)
        {
            var family = first.Protocol == MultiaddrProtocol.Dns4 ? DnsFamily.Ipv4
                : first.Protocol == MultiaddrProtocol.Dns6 ? DnsFamily.Ipv6 : DnsFamily.Any;
            return new TcpTarget(null, first.Value, family, (ushort)port);
        }
        reason = $"/{first.Protocol.Name} is not served by the WASI TCP transport";
        return null;
    }

    /// <summary>Why <paramref name="target"/> cannot be dialed (port 0 or an unspecified IP), or null when it can.</summary>
    public static string? WhyNotDialable(in TcpTarget target)
    {
        if (target.Port == 0) return "port 0 is not dialable";
        if (target.Ip is { IsUnspecified: true }) return "an unspecified IP (0.0.0.0 or ::) is not dialable";
        return null;
    }

    public static bool Accepts(DnsFamily family, IPAddress address) => family switch
    {
        DnsFamily.Ipv4 => address.AddressFamily == AddressFamily.InterNetwork,
        DnsFamily.Ipv6 => address.AddressFamily == AddressFamily.InterNetworkV6,
        _ => true,
    };

    public static Multiaddr ToMultiaddr(in IpSocketAddress address) => Multiaddr.FromTcpEndPoint(address.ToIPEndPoint());
}
