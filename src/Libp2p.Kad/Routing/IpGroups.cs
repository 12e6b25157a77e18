using System.Net;
using System.Net.Sockets;
using Libp2p.Multiformats;

namespace Libp2p.Kad.Routing;

/// <summary>
/// The network groups a peer's addresses fall in, for the routing table's diversity limits: the /24 of a public
/// IPv4 address, the /48 of a public IPv6 address. Loopback, private, link-local and shared (CGNAT) addresses belong
/// to no group — as in go-libp2p-kbucket's filter, a local network is never limited — and neither do DNS names.
/// </summary>
internal static class IpGroups
{
    public static IReadOnlyList<string> Of(IEnumerable<Multiaddr> addresses)
    {
        List<string>? groups = null;
        foreach (var a in addresses)
        {
            if (a.Components.Count == 0) continue;
            var first = a.Components[0];
            if (first.Protocol != MultiaddrProtocol.Ip4 && first.Protocol != MultiaddrProtocol.Ip6) continue;
            var ip = first.ToIPAddress();
            if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
            if (!IsPublic(ip)) continue;
            string group = GroupOf(ip);
            groups ??= [];
            if (!groups.Contains(group)) groups.Add(group);
        }
        return groups is null ? [] : groups;
    }

    public static string GroupOf(IPAddress ip)
    {
        var b = ip.GetAddressBytes();
        return ip.AddressFamily == AddressFamily.InterNetwork
            ? $"{b[0]}.{b[1]}.{b[2]}.0/24"
            : $"{b[0]:x2}{b[1]:x2}:{b[2]:x2}{b[3]:x2}:{b[4]:x2}{b[5]:x2}::/48";
    }

    public static bool IsPublic(IPAddress ip)
    {
        if (IPAddress.IsLoopback(ip) || ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any)) return false;
        var b = ip.GetAddressBytes();
        if (ip.AddressFamily == AddressFamily.InterNetwork)
        {
            return !(b[0] == 0 || b[0] == 10 || b[0] == 127
                || (b[0] == 100 && (b[1] & 0xC0) == 64)      // 100.64/10 shared address space
                || (b[0] == 169 && b[1] == 254)
                || (b[0] == 172 && (b[1] & 0xF0) == 16)
                || (b[0] == 192 && b[1] == 168)
                || b[0] >= 224);                               // multicast and reserved
        }
        return !(ip.IsIPv6LinkLocal || ip.IsIPv6SiteLocal || ip.IsIPv6UniqueLocal || ip.IsIPv6Multicast);
    }
}
