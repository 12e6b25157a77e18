using System.Net;
using System.Net.Sockets;
using Libp2p.Multiformats;

namespace Libp2p.Host.Resources;

/// <summary>
/// The remote-address scope a connection belongs to: its IPv4 address (a /32), or the /64 of its IPv6 address (one
/// host or one subnet behind one router, as go-libp2p's connection gater groups them). Null for addresses that are not
/// IP (an in-memory transport): those have no address scope. Null for a relayed connection too
/// (<c>…/p2p/RELAY/p2p-circuit/…</c>): the IP in its address is the relay's, shared by every peer that reaches us
/// through that relay, so keying by it let the ninth of them be refused (PendingInboundPerAddress) and one peer's failed
/// handshakes ban all the others. A relayed connection is bounded instead by its peer's limits, the node's, the relay
/// client's circuit caps per relay and in total, and the circuit's own duration and data limit (docs/limits.md).
/// </summary>
internal static class AddressKey
{
    public static string? Of(Multiaddr remote)
    {
        foreach (var c in remote.Components)
        {
            if (c.Protocol.Code == MultiaddrProtocol.P2pCircuit.Code) return null;
        }
        foreach (var c in remote.Components)
        {
            if (c.Protocol == MultiaddrProtocol.Ip4 || c.Protocol == MultiaddrProtocol.Ip6)
                return Of(c.ToIPAddress());
        }
        return null;
    }

    public static string Of(IPAddress ip)
    {
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        if (ip.AddressFamily == AddressFamily.InterNetwork) return ip.ToString();
        Span<byte> bytes = stackalloc byte[16];
        ip.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }
}
