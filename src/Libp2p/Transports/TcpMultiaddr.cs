using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Libp2p.Multiformats;

namespace Libp2p.Transports;

/// <summary>
/// A TCP multiaddr, <c>[/ip6zone/Z]/(ip4|ip6|dns|dns4|dns6)/H/tcp/P[/p2p/ID]</c>, as every TCP transport reads it
/// (the System.Net.Sockets one and the <c>wasi:sockets</c> one share this parser, so they accept the same addresses).
/// Either <see cref="Ip"/> is set, or <see cref="Host"/> with the address family its dns protocol allows.
/// </summary>
/// <remarks>
/// An <c>/ip6zone</c> names an interface: a number is taken as the scope id (so <see cref="Ip"/> carries it, as
/// <see cref="Multiaddr.FromTcpEndPoint"/> writes it); a name is left in <see cref="Zone"/> for a transport that can
/// look interfaces up. A trailing <c>/p2p/…</c> names the peer: the upgrade checks it, not the transport.
/// </remarks>
public readonly record struct TcpMultiaddr
{
    private TcpMultiaddr(IPAddress? ip, string? zone, string? host, AddressFamily family, int port, bool hasPeerId)
    {
        Ip = ip;
        Zone = zone;
        Host = host;
        Family = family;
        Port = port;
        HasPeerId = hasPeerId;
    }

    /// <summary>The IP (with the scope id of a numeric <c>/ip6zone</c>), or null for a DNS name.</summary>
    public IPAddress? Ip { get; }

    /// <summary>The <c>/ip6zone</c> text when it is an interface name rather than a number (the scope id is then not set).</summary>
    public string? Zone { get; }

    /// <summary>The DNS name, or null for an IP.</summary>
    public string? Host { get; }

    /// <summary>
    /// <see cref="AddressFamily.InterNetwork"/> or <see cref="AddressFamily.InterNetworkV6"/> for <c>/ip4</c>, <c>/ip6</c>,
    /// <c>/dns4</c>, <c>/dns6</c>; <see cref="AddressFamily.Unspecified"/> for <c>/dns</c> (either family).
    /// </summary>
    public AddressFamily Family { get; }

    /// <summary>The TCP port.</summary>
    public int Port { get; }

    /// <summary>The address ends in <c>/p2p/…</c>.</summary>
    public bool HasPeerId { get; }

    /// <summary>True for a <c>/dns</c>, <c>/dns4</c> or <c>/dns6</c> address (a name to resolve).</summary>
    [MemberNotNullWhen(true, nameof(Host))]
    [MemberNotNullWhen(false, nameof(Ip))]
    public bool IsDns => Host is not null;

    /// <summary>Reads the shape of <paramref name="address"/>; false with the reason when it is not a TCP address.</summary>
    public static bool TryParse(Multiaddr address, out TcpMultiaddr result, [NotNullWhen(false)] out string? problem)
    {
        ArgumentNullException.ThrowIfNull(address);
        result = default;
        problem = $"{address} is not a TCP address (expected /ip4, /ip6, /dns, /dns4 or /dns6, then /tcp, then optionally /p2p)";
        var parts = address.Components;
        int i = 0;
        string? zone = null;
        if (parts.Count > 0 && Is(parts[0], MultiaddrProtocol.Ip6Zone))
        {
            zone = parts[0].Value;
            i++;
        }
        if (i >= parts.Count) return false;
        var first = parts[i];
        IPAddress? ip = null;
        string? host = null;
        AddressFamily family;
        if (zone is null && Is(first, MultiaddrProtocol.Ip4)) { ip = first.ToIPAddress(); family = AddressFamily.InterNetwork; }
        else if (Is(first, MultiaddrProtocol.Ip6))
        {
            ip = first.ToIPAddress();
            family = AddressFamily.InterNetworkV6;
            if (zone is not null && uint.TryParse(zone, NumberStyles.None, CultureInfo.InvariantCulture, out uint scope))
            {
                ip = new IPAddress(ip.GetAddressBytes(), scope);
                zone = null;
            }
        }
        else if (zone is null && Is(first, MultiaddrProtocol.Dns)) { host = first.Value; family = AddressFamily.Unspecified; }
        else if (zone is null && Is(first, MultiaddrProtocol.Dns4)) { host = first.Value; family = AddressFamily.InterNetwork; }
        else if (zone is null && Is(first, MultiaddrProtocol.Dns6)) { host = first.Value; family = AddressFamily.InterNetworkV6; }
        else return false;
        i++;
        if (i >= parts.Count || !Is(parts[i], MultiaddrProtocol.Tcp)) return false;
        int port = parts[i].ToPort();
        i++;
        bool hasPeerId = i < parts.Count && Is(parts[i], MultiaddrProtocol.P2p);
        if (hasPeerId) i++;
        if (i != parts.Count) return false;
        result = new TcpMultiaddr(ip, zone, host, family, port, hasPeerId);
        problem = null;
        return true;
    }

    /// <summary>Why this address cannot be dialed (port 0, an unspecified IP), or null when it can.</summary>
    public string? WhyNotDialable()
    {
        if (Port == 0) return "port 0 is not dialable";
        if (Ip is { } ip && (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any)))
            return "an unspecified IP (0.0.0.0 or ::) is not dialable";
        return null;
    }

    /// <summary>Why this address cannot be listened on (a DNS name, a <c>/p2p</c> suffix), or null when it can.</summary>
    public string? WhyNotListenable()
    {
        if (IsDns) return "a DNS name is not a local address";
        if (HasPeerId) return "a listen address carries no /p2p";
        return null;
    }

    /// <summary>True when a resolved <paramref name="answer"/> is of the family the dns protocol allows, and dialable.</summary>
    public bool Accepts(IPAddress answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        if (answer.Equals(IPAddress.Any) || answer.Equals(IPAddress.IPv6Any)) return false;
        return Family == AddressFamily.Unspecified
            ? answer.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6
            : answer.AddressFamily == Family;
    }

    // Compare codes, not instances: a protocol row parsed from bytes need not be the static instance.
    private static bool Is(MultiaddrComponent c, MultiaddrProtocol p) => c.Protocol.Code == p.Code;
}
