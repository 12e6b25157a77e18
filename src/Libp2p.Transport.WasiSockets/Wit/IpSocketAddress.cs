using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Libp2p.Transport.WasiSockets.Wit;

/// <summary><c>ip-address-family</c> (WIT order).</summary>
internal enum IpAddressFamily : byte
{
    Ipv4 = 0,
    Ipv6 = 1,
}

/// <summary><c>shutdown-type</c> (WIT order).</summary>
internal enum ShutdownType : byte
{
    Receive = 0,
    Send = 1,
    Both = 2,
}

/// <summary>The 16 address bytes of an <see cref="IpSocketAddress"/> (4 used for IPv4), stored inline.</summary>
[InlineArray(16)]
internal struct IpAddressBytes
{
    private byte _element0;
}

/// <summary>
/// <c>ip-socket-address</c>: <c>ipv4(ipv4-socket-address)</c> or <c>ipv6(ipv6-socket-address)</c>, kept as a
/// value type so it crosses both backends without allocating.
/// </summary>
internal struct IpSocketAddress : IEquatable<IpSocketAddress>
{
    private IpAddressBytes _address;

    public IpAddressFamily Family { get; init; }
    public ushort Port { get; init; }
    /// <summary>IPv6 only.</summary>
    public uint FlowInfo { get; init; }
    /// <summary>IPv6 only.</summary>
    public uint ScopeId { get; init; }

    /// <summary>4 for IPv4, 16 for IPv6.</summary>
    public readonly int AddressLength => Family == IpAddressFamily.Ipv4 ? 4 : 16;

    /// <summary>Copies the address bytes (network order) into <paramref name="destination"/>; returns <see cref="AddressLength"/>.</summary>
    public readonly int CopyAddressTo(Span<byte> destination)
    {
        IpAddressBytes copy = _address;
        ((ReadOnlySpan<byte>)copy)[..AddressLength].CopyTo(destination);
        return AddressLength;
    }

    /// <summary>One address byte (network order).</summary>
    public readonly byte GetAddressByte(int index) => (uint)index < (uint)AddressLength ? _address[index] : throw new ArgumentOutOfRangeException(nameof(index));

    public static IpSocketAddress V4(ReadOnlySpan<byte> address4, ushort port)
    {
        if (address4.Length != 4) throw new ArgumentException("IPv4 addresses have 4 bytes.", nameof(address4));
        var a = new IpSocketAddress { Family = IpAddressFamily.Ipv4, Port = port };
        address4.CopyTo(a._address);
        return a;
    }

    public static IpSocketAddress V6(ReadOnlySpan<byte> address16, ushort port, uint flowInfo = 0, uint scopeId = 0)
    {
        if (address16.Length != 16) throw new ArgumentException("IPv6 addresses have 16 bytes.", nameof(address16));
        var a = new IpSocketAddress { Family = IpAddressFamily.Ipv6, Port = port, FlowInfo = flowInfo, ScopeId = scopeId };
        address16.CopyTo(a._address);
        return a;
    }

    /// <summary>IPv6 address as the eight big-endian <c>u16</c> segments of <c>ipv6-address</c>.</summary>
    public readonly ushort GetSegment(int index) => (ushort)((_address[index * 2] << 8) | _address[index * 2 + 1]);

    /// <summary>Builds an IPv6 address from the eight <c>u16</c> segments of <c>ipv6-address</c>.</summary>
    public static IpSocketAddress V6FromSegments(ReadOnlySpan<ushort> segments, ushort port, uint flowInfo = 0, uint scopeId = 0)
    {
        if (segments.Length != 8) throw new ArgumentException("IPv6 addresses have 8 segments.", nameof(segments));
        Span<byte> b = stackalloc byte[16];
        for (int i = 0; i < 8; i++) { b[i * 2] = (byte)(segments[i] >> 8); b[i * 2 + 1] = (byte)segments[i]; }
        return V6(b, port, flowInfo, scopeId);
    }

    public static IpSocketAddress FromIPEndPoint(IPEndPoint endPoint)
    {
        Span<byte> b = stackalloc byte[16];
        if (!endPoint.Address.TryWriteBytes(b, out int written)) throw new ArgumentException("Bad IP address.", nameof(endPoint));
        return endPoint.AddressFamily switch
        {
            AddressFamily.InterNetwork => V4(b[..written], (ushort)endPoint.Port),
            AddressFamily.InterNetworkV6 => V6(b[..written], (ushort)endPoint.Port, 0, (uint)endPoint.Address.ScopeId),
            _ => throw new ArgumentException($"Unsupported address family {endPoint.AddressFamily}.", nameof(endPoint)),
        };
    }

    public readonly IPEndPoint ToIPEndPoint()
    {
        Span<byte> b = stackalloc byte[16];
        int n = CopyAddressTo(b);
        var ip = Family == IpAddressFamily.Ipv4 ? new IPAddress(b[..n]) : new IPAddress(b[..n], ScopeId);
        return new IPEndPoint(ip, Port);
    }

    public readonly bool IsUnspecified
    {
        get { for (int i = 0; i < AddressLength; i++) if (_address[i] != 0) return false; return true; }
    }

    public readonly bool Equals(IpSocketAddress other) =>
        Family == other.Family && Port == other.Port && FlowInfo == other.FlowInfo && ScopeId == other.ScopeId
        && EqualBytes(other);

    private readonly bool EqualBytes(in IpSocketAddress other)
    {
        for (int i = 0; i < AddressLength; i++) if (_address[i] != other._address[i]) return false;
        return true;
    }

    public override readonly bool Equals(object? obj) => obj is IpSocketAddress o && Equals(o);
    public override readonly int GetHashCode()
    {
        var h = new HashCode();
        h.Add(Family); h.Add(Port); h.Add(ScopeId);
        for (int i = 0; i < AddressLength; i++) h.Add(_address[i]);
        return h.ToHashCode();
    }
    public override readonly string ToString() => ToIPEndPoint().ToString();
}
