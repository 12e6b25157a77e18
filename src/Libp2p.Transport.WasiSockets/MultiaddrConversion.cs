using System.Net;
using System.Net.Sockets;
using Libp2p.Multiformats;
using Libp2p.Transport.WasiSockets.Wit;
using Libp2p.Transports;

namespace Libp2p.Transport.WasiSockets;

/// <summary>Which address families a DNS multiaddr accepts.</summary>
public enum DnsFamily
{
    /// <summary>IPv4 and IPv6 addresses (<c>/dns</c>).</summary>
    Any,

    /// <summary>IPv4 addresses only (<c>/dns4</c>).</summary>
    Ipv4,

    /// <summary>IPv6 addresses only (<c>/dns6</c>).</summary>
    Ipv6,
}

/// <summary>
/// Multiaddr ↔ <c>ip-socket-address</c> for the WASI transport. Parsing is <see cref="TcpMultiaddr"/>'s, shared with
/// the native TCP transport, so both accept the same addresses.
/// </summary>
internal static class MultiaddrConversion
{
    /// <summary>
    /// Parses a TCP multiaddr this transport serves: <see cref="TcpMultiaddr"/>'s shapes, except an <c>/ip6zone</c>
    /// given by interface name (WASI 0.2 has no interface list to look it up; the interface index works).
    /// </summary>
    public static bool TryParse(Multiaddr address, out TcpMultiaddr target, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? reason)
    {
        if (!TcpMultiaddr.TryParse(address, out target, out reason)) return false;
        if (target.Zone is { } zone)
        {
            reason = $"/ip6zone/{zone} names an interface, which WASI 0.2 cannot look up (give the interface index)";
            return false;
        }
        return true;
    }

    /// <summary>The socket address of an IP target (its scope id from a numeric <c>/ip6zone</c>).</summary>
    public static IpSocketAddress ToSocketAddress(in TcpMultiaddr target) =>
        IpSocketAddress.FromIPEndPoint(new IPEndPoint(target.Ip ?? throw new ArgumentException("A DNS target has no IP.", nameof(target)), target.Port));

    public static DnsFamily ToDnsFamily(AddressFamily family) => family switch
    {
        AddressFamily.InterNetwork => DnsFamily.Ipv4,
        AddressFamily.InterNetworkV6 => DnsFamily.Ipv6,
        _ => DnsFamily.Any,
    };

    public static bool Accepts(DnsFamily family, IPAddress address) => family switch
    {
        DnsFamily.Ipv4 => address.AddressFamily == AddressFamily.InterNetwork,
        DnsFamily.Ipv6 => address.AddressFamily == AddressFamily.InterNetworkV6,
        _ => true,
    };

    public static Multiaddr ToMultiaddr(in IpSocketAddress address) => Multiaddr.FromTcpEndPoint(address.ToIPEndPoint());
}
