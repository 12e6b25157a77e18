using Libp2p.Transport.WasiSockets.Wit;

namespace Libp2p.Transport.WasiSockets.Abi;

/// <summary>How <see cref="JsHostBackend"/> passes an <c>ip-socket-address</c> to the glue: 12 ints
/// <c>[family, port, flow-info, scope-id, b0…b7]</c>, b = the 4 bytes (IPv4) or the 8 u16 segments (IPv6).</summary>
internal static class JsAddressCodec
{
    public const int AddressInts = 12;

    internal static void Encode(in IpSocketAddress a, Span<int> o)
    {
        o.Clear();
        o[0] = (int)a.Family;
        o[1] = a.Port;
        o[2] = unchecked((int)a.FlowInfo);
        o[3] = unchecked((int)a.ScopeId);
        if (a.Family == IpAddressFamily.Ipv4) for (int i = 0; i < 4; i++) o[4 + i] = a.GetAddressByte(i);
        else for (int i = 0; i < 8; i++) o[4 + i] = a.GetSegment(i);
    }

    internal static IpSocketAddress Decode(ReadOnlySpan<int> a)
    {
        if (a[0] == 0)
        {
            Span<byte> b = stackalloc byte[4];
            for (int i = 0; i < 4; i++) b[i] = checked((byte)a[4 + i]);
            return IpSocketAddress.V4(b, checked((ushort)a[1]));
        }
        Span<ushort> s = stackalloc ushort[8];
        for (int i = 0; i < 8; i++) s[i] = checked((ushort)a[4 + i]);
        return IpSocketAddress.V6FromSegments(s, checked((ushort)a[1]), unchecked((uint)a[2]), unchecked((uint)a[3]));
    }
}
