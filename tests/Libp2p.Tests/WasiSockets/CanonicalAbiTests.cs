using System.Buffers.Binary;
using System.Net;
using Libp2p.Transport.WasiSockets.Abi;
using Libp2p.Transport.WasiSockets.Wit;

namespace Libp2p.Tests.WasiSockets;

/// <summary>The canonical-ABI layouts the component imports rely on (what wit-bindgen generates for these WIT types).</summary>
public class CanonicalAbiTests
{
    [Fact]
    public void Ipv4SocketAddressFlattensToCasePortAndFourOctetsPaddedToTwelve()
    {
        var a = IpSocketAddress.V4([192, 168, 1, 20], 4001);
        Span<int> flat = stackalloc int[12];
        flat.Fill(-1);
        CanonicalAbi.FlattenIpSocketAddress(a, flat);
        Assert.Equal(new[] { 0, 4001, 192, 168, 1, 20, 0, 0, 0, 0, 0, 0 }, flat.ToArray());
    }

    [Fact]
    public void Ipv6SocketAddressFlattensToCasePortFlowinfoEightSegmentsScope()
    {
        var a = IpSocketAddress.FromIPEndPoint(new IPEndPoint(IPAddress.Parse("2001:db8::ff00:42:8329"), 65535));
        a = a with { FlowInfo = 0x12345, ScopeId = 7 };
        Span<int> flat = stackalloc int[12];
        CanonicalAbi.FlattenIpSocketAddress(a, flat);
        Assert.Equal(new[] { 1, 65535, 0x12345, 0x2001, 0x0db8, 0, 0, 0, 0xff00, 0x42, 0x8329, 7 }, flat.ToArray());
    }

    [Fact]
    public void StartBindImportTakesFifteenI32sLikeTheWitLowering()
    {
        // self, network, 12 flat address slots, return area: WAMR's registry lists "(iiiiiiiiiiiiiii)".
        var m = typeof(CanonicalImports).GetMethod(nameof(CanonicalImports.StartBind))!;
        Assert.Equal(15, m.GetParameters().Length);
        Assert.Equal(2 + CanonicalAbi.FlatIpSocketAddressLength + 1, m.GetParameters().Length);
    }

    [Fact]
    public void IpSocketAddressMemoryLayoutRoundTripsWithPayloadAtOffset4()
    {
        var v6 = IpSocketAddress.FromIPEndPoint(new IPEndPoint(IPAddress.Parse("fe80::1:2"), 443)) with { FlowInfo = 9, ScopeId = 3 };
        Span<byte> m = stackalloc byte[CanonicalAbi.IpSocketAddressSize];
        CanonicalAbi.WriteIpSocketAddress(v6, m);
        Assert.Equal(1, m[0]);
        Assert.Equal(443, BinaryPrimitives.ReadUInt16LittleEndian(m[4..]));
        Assert.Equal(9u, BinaryPrimitives.ReadUInt32LittleEndian(m[8..]));
        Assert.Equal(0xfe80, BinaryPrimitives.ReadUInt16LittleEndian(m[12..]));
        Assert.Equal(3u, BinaryPrimitives.ReadUInt32LittleEndian(m[28..]));
        Assert.Equal(v6, CanonicalAbi.ReadIpSocketAddress(m));

        var v4 = IpSocketAddress.V4([10, 0, 0, 7], 80);
        CanonicalAbi.WriteIpSocketAddress(v4, m);
        Assert.Equal(new byte[] { 0, 0, 0, 0, 80, 0, 10, 0, 0, 7 }, m[..10].ToArray());
        Assert.Equal(v4, CanonicalAbi.ReadIpSocketAddress(m));
    }

    [Fact]
    public void ResultIpSocketAddressDecodesOkAndError()
    {
        Span<byte> m = stackalloc byte[CanonicalAbi.ResultIpSocketAddressSize];
        m.Clear();
        CanonicalAbi.WriteIpSocketAddress(IpSocketAddress.V4([127, 0, 0, 1], 5000), m[4..]);
        var ok = CanonicalAbi.ReadResultIpSocketAddress(m);
        Assert.True(ok.IsOk);
        Assert.Equal("127.0.0.1:5000", ok.Value.ToString());

        m.Clear();
        m[0] = 1;
        m[4] = (byte)NetworkErrorCode.InvalidState;
        var err = CanonicalAbi.ReadResultIpSocketAddress(m);
        Assert.False(err.IsOk);
        Assert.Equal(NetworkErrorCode.InvalidState, err.Error);
    }

    [Fact]
    public void UnitResultCarriesTheErrorCodeAtOffset1()
    {
        Assert.True(CanonicalAbi.ReadResultUnit([0, 0]).IsOk);
        var r = CanonicalAbi.ReadResultUnit([1, (byte)NetworkErrorCode.WouldBlock]);
        Assert.True(r.IsWouldBlock);
        Assert.Throws<WasiAbiException>(() => CanonicalAbi.ReadResultUnit([2, 0]));
        Assert.Throws<WasiAbiException>(() => CanonicalAbi.ReadResultUnit([1, 21]));
    }

    [Fact]
    public void HandleResultsPutHandlesAt4812()
    {
        byte[] m = new byte[16];
        BinaryPrimitives.WriteInt32LittleEndian(m.AsSpan(4), 11);
        BinaryPrimitives.WriteInt32LittleEndian(m.AsSpan(8), 12);
        BinaryPrimitives.WriteInt32LittleEndian(m.AsSpan(12), 13);
        Assert.Equal(11, CanonicalAbi.ReadResultHandle(m).Value);
        Assert.Equal((11, 12), CanonicalAbi.ReadResultPair(m).Value);
        Assert.Equal((11, 12, 13), CanonicalAbi.ReadResultTriple(m).Value);
        m[0] = 1; m[4] = (byte)NetworkErrorCode.ConnectionRefused;
        Assert.Equal(NetworkErrorCode.ConnectionRefused, CanonicalAbi.ReadResultPair(m).Error);
    }

    [Fact]
    public void ResolveNextAddressDecodesNoneIpv4Ipv6AndError()
    {
        byte[] m = new byte[CanonicalAbi.ResultOptionIpAddressSize];
        Assert.Null(CanonicalAbi.ReadResultOptionIpAddress(m).Value);

        m[2] = 1; m[4] = 0; m[6] = 127; m[7] = 0; m[8] = 0; m[9] = 1;
        Assert.Equal(IPAddress.Loopback, CanonicalAbi.ReadResultOptionIpAddress(m).Value);

        Array.Clear(m);
        m[2] = 1; m[4] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(m.AsSpan(6 + 14), 1); // ::1 — last segment
        Assert.Equal(IPAddress.IPv6Loopback, CanonicalAbi.ReadResultOptionIpAddress(m).Value);

        Array.Clear(m);
        m[0] = 1; m[2] = (byte)NetworkErrorCode.NameUnresolvable;
        Assert.Equal(NetworkErrorCode.NameUnresolvable, CanonicalAbi.ReadResultOptionIpAddress(m).Error);
    }

    [Fact]
    public void StreamResultsDecodeListU64ClosedAndFailed()
    {
        byte[] m = new byte[16];
        BinaryPrimitives.WriteInt32LittleEndian(m.AsSpan(4), 0x1000);
        BinaryPrimitives.WriteInt32LittleEndian(m.AsSpan(8), 42);
        Assert.Equal(StreamStatus.Ok, CanonicalAbi.ReadStreamResultList(m, out int ptr, out int len, out _));
        Assert.Equal((0x1000, 42), (ptr, len));

        Array.Clear(m);
        BinaryPrimitives.WriteUInt64LittleEndian(m.AsSpan(8), 16384);
        Assert.Equal(StreamStatus.Ok, CanonicalAbi.ReadStreamResultU64(m, out ulong permitted, out _));
        Assert.Equal(16384UL, permitted);

        Array.Clear(m);
        m[0] = 1; m[4] = 1; // err(closed)
        Assert.Equal(StreamStatus.Closed, CanonicalAbi.ReadStreamResultUnit(m, out _));

        Array.Clear(m);
        m[0] = 1; m[4] = 0; BinaryPrimitives.WriteInt32LittleEndian(m.AsSpan(8), 77); // err(last-operation-failed(error 77))
        Assert.Equal(StreamStatus.Failed, CanonicalAbi.ReadStreamResultList(m, out _, out _, out int error));
        Assert.Equal(77, error);

        Array.Clear(m);
        m[0] = 1; m[8] = 0; BinaryPrimitives.WriteInt32LittleEndian(m.AsSpan(12), 78); // check-write error payload at 8
        Assert.Equal(StreamStatus.Failed, CanonicalAbi.ReadStreamResultU64(m, out _, out error));
        Assert.Equal(78, error);
    }

    [Fact]
    public void JsBackendAddressEncodingRoundTrips()
    {
        Span<int> o = stackalloc int[JsAddressCodec.AddressInts];
        foreach (var a in new[]
        {
            IpSocketAddress.V4([1, 2, 3, 4], 1),
            IpSocketAddress.FromIPEndPoint(new IPEndPoint(IPAddress.Parse("2001:db8::1"), 65535)) with { FlowInfo = uint.MaxValue, ScopeId = 5 },
        })
        {
            JsAddressCodec.Encode(a, o);
            Assert.Equal(a, JsAddressCodec.Decode(o));
        }
    }
}
