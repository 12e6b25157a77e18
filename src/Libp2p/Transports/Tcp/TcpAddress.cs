using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Libp2p.Multiformats;

namespace Libp2p.Transports.Tcp;

/// <summary>
/// A multiaddr this transport understands: <c>[/ip6zone/Z]/(ip4|ip6|dns|dns4|dns6)/H/tcp/P[/p2p/ID]</c>.
/// Either <see cref="Ip"/> is set, or <see cref="Host"/> with the family filter of the dns protocol.
/// </summary>
internal readonly record struct TcpAddress(IPAddress? Ip, string? Host, AddressFamily Family, int Port)
{
    public bool IsDns => Host is not null;

    /// <summary>Parses the shape only; null with a reason when the address is not for TCP.</summary>
    public static TcpAddress? TryParse(Multiaddr address, out string? problem)
    {
        var parts = address.Components;
        int i = 0;
        string? zone = null;
        problem = null;
        if (parts.Count > 0 && Is(parts[0], MultiaddrProtocol.Ip6Zone))
        {
            zone = parts[0].Value;
            i++;
        }
        if (i >= parts.Count) return Fail(address, out problem);
        var first = parts[i];
        IPAddress? ip = null;
        string? host = null;
        AddressFamily family;
        if (Is(first, MultiaddrProtocol.Ip4)) { ip = first.ToIPAddress(); family = AddressFamily.InterNetwork; }
        else if (Is(first, MultiaddrProtocol.Ip6))
        {
            ip = first.ToIPAddress();
            family = AddressFamily.InterNetworkV6;
            if (zone is not null) ip = WithZone(ip, zone);
        }
        else if (zone is null && Is(first, MultiaddrProtocol.Dns)) { host = first.Value; family = AddressFamily.Unspecified; }
        else if (zone is null && Is(first, MultiaddrProtocol.Dns4)) { host = first.Value; family = AddressFamily.InterNetwork; }
        else if (zone is null && Is(first, MultiaddrProtocol.Dns6)) { host = first.Value; family = AddressFamily.InterNetworkV6; }
        else return Fail(address, out problem);
        i++;
        if (i >= parts.Count || !Is(parts[i], MultiaddrProtocol.Tcp)) return Fail(address, out problem);
        int port = parts[i].ToPort();
        i++;
        // A trailing /p2p/<id> names the peer; the upgrade (Noise) checks it, not the transport.
        if (i < parts.Count && Is(parts[i], MultiaddrProtocol.P2p)) i++;
        if (i != parts.Count) return Fail(address, out problem);
        return new TcpAddress(ip, host, family, port);
    }

    public static bool HasPeerId(Multiaddr address)
    {
        var parts = address.Components;
        return parts.Count > 0 && Is(parts[^1], MultiaddrProtocol.P2p);
    }

    // Compare codes, not instances: a protocol row parsed from bytes need not be the static instance.
    private static bool Is(MultiaddrComponent c, MultiaddrProtocol p) => c.Protocol.Code == p.Code;

    private static TcpAddress? Fail(Multiaddr address, out string problem)
    {
        problem = $"{address} is not a TCP address (expected /ip4, /ip6, /dns, /dns4 or /dns6, then /tcp, then optionally /p2p); not supported by the TCP transport";
        return null;
    }

    /// <summary>An ip6zone names an interface (or its index); the socket API wants the index as scope id.</summary>
    private static IPAddress WithZone(IPAddress ip, string zone)
    {
        if (!long.TryParse(zone, out long index))
        {
            index = -1;
            foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
            {
                if (nic.Name == zone && nic.Supports(NetworkInterfaceComponent.IPv6))
                {
                    index = nic.GetIPProperties().GetIPv6Properties().Index;
                    break;
                }
            }
            if (index < 0) throw new TransportException($"No network interface named '{zone}' for /ip6zone/{zone}.");
        }
        return new IPAddress(ip.GetAddressBytes(), index);
    }
}
