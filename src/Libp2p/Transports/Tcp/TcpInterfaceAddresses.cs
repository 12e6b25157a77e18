using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Libp2p.Transports.Tcp;

/// <summary>What a wildcard listener (0.0.0.0 or ::) is reachable at: each interface's unicast addresses.</summary>
internal static class TcpInterfaceAddresses
{
    /// <summary>
    /// Unicast addresses of <paramref name="family"/> on interfaces that are not down (Linux reports
    /// loopback as <see cref="OperationalStatus.Unknown"/>, so "not down" rather than "up").
    /// IPv6 link-local addresses are left out: they are dialable only with a zone that means
    /// nothing on another host.
    /// </summary>
    public static List<IPAddress> Get(AddressFamily family)
    {
        var result = new List<IPAddress>();
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            if (nic.OperationalStatus == OperationalStatus.Down) continue;
            foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
            {
                var ip = unicast.Address;
                if (ip.AddressFamily != family || ip.IsIPv6LinkLocal) continue;
                if (!result.Contains(ip)) result.Add(ip);
            }
        }
        return result;
    }
}
