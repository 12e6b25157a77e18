using System.Net;
using System.Net.NetworkInformation;

namespace Libp2p.Transports.Tcp;

/// <summary>An <c>/ip6zone</c> given by interface name: the socket API wants the interface index as scope id.</summary>
internal static class TcpZones
{
    /// <summary><paramref name="target"/>'s IP, with the scope id of its named zone looked up among the interfaces.</summary>
    /// <exception cref="TransportException">No interface has that name.</exception>
    public static IPAddress Resolve(in TcpMultiaddr target)
    {
        var ip = target.Ip!;
        if (target.Zone is not { } zone) return ip;
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            if (nic.Name == zone && nic.Supports(NetworkInterfaceComponent.IPv6))
                return new IPAddress(ip.GetAddressBytes(), nic.GetIPProperties().GetIPv6Properties().Index);
        }
        throw new TransportException(Libp2pError.AddressNotAvailable, $"No network interface named '{zone}' for /ip6zone/{zone}.");
    }
}
