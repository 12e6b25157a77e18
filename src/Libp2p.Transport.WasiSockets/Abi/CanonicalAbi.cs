using System.Buffers.Binary;
using System.Net;
using Libp2p.Transport.WasiSockets.Wit;

namespace Libp2p.Transport.WasiSockets.Abi;

/// <summary>
/// The canonical-ABI lowering and lifting that wit-bindgen generates for these WIT types, as pure functions over
/// spans so they are unit-tested here (the imports themselves only run inside a WASI component). Layout rules
/// (Component Model <c>CanonicalABI.md</c>): a variant/result is its discriminant (u8 for these) then the payload at
/// the payload's alignment; records lay fields out in order at natural alignment; <c>list</c> is (ptr, len);
/// more than one flat result goes through a caller-provided return area (the last parameter).
/// </summary>
internal static class CanonicalAbi
{
    /// <summary>An <c>ip-socket-address</c> flattens to 12 i32 parameters: the case, then the joined case payloads.</summary>
    public const int FlatIpSocketAddressLength = 12;

    // Return-area sizes (all aligned for the host to write at offset 0 of an 8-aligned buffer).
    public const int ResultUnitSize = 2;          // result<_, error-code>
    public const int ResultHandleSize = 8;        // result<own<T>, error-code>
    public const int ResultPairSize = 12;         // result<tuple<input-stream, output-stream>, error-code>
    public const int ResultTripleSize = 16;       // result<tuple<tcp-socket, input-stream, output-stream>, error-code>
    public const int IpSocketAddressSize = 32;    // ip-socket-address
    public const int ResultIpSocketAddressSize = 36;
    public const int ResultOptionIpAddressSize = 22; // result<option<ip-address>, error-code>
    public const int StreamResultListSize = 12;   // result<list<u8>, stream-error>
    public const int StreamResultU64Size = 16;    // result<u64, stream-error>
    public const int StreamResultUnitSize = 12;   // result<_, stream-error>
    public const int ListSize = 8;                // list<T> / string: (ptr, len)
    /// <summary>Largest return area any import here uses.</summary>
    public const int MaxReturnArea = 40;

    /// <summary>Lowers <c>ip-socket-address</c> into 12 flat i32s: <c>[case, port, a, b, c, d, 0…]</c> or <c>[case, port, flow-info, s0…s7, scope-id]</c>.</summary>
    public static void FlattenIpSocketAddress(in IpSocketAddress address, Span<int> flat)
    {
        if (flat.Length < FlatIpSocketAddressLength) throw new ArgumentException("needs 12 slots", nameof(flat));
        flat[..FlatIpSocketAddressLength].Clear();
        flat[1] = address.Port;
        if (address.Family == IpAddressFamily.Ipv4)
        {
            flat[0] = 0;
            for (int i = 0; i < 4; i++) flat[2 + i] = address.GetAddressByte(i);
        }
        else
        {
            flat[0] = 1;
            flat[2] = unchecked((int)address.FlowInfo);
            for (int i = 0; i < 8; i++) flat[3 + i] = address.GetSegment(i);
            flat[11] = unchecked((int)address.ScopeId);
        }
    }

    /// <summary>Lifts <c>ip-socket-address</c> from memory (32 bytes: case u8 at 0, payload at 4).</summary>
    public static IpSocketAddress ReadIpSocketAddress(ReadOnlySpan<byte> m)
    {
        byte tag = m[0];
        var p = m[4..];
        ushort port = BinaryPrimitives.ReadUInt16LittleEndian(p);
        switch (tag)
        {
            case 0:
                return IpSocketAddress.V4(p.Slice(2, 4), port);
            case 1:
                Span<ushort> seg = stackalloc ushort[8];
                for (int i = 0; i < 8; i++) seg[i] = BinaryPrimitives.ReadUInt16LittleEndian(p[(4 + 4 + 2 * i)..]);
                return IpSocketAddress.V6FromSegments(seg, port,
                    BinaryPrimitives.ReadUInt32LittleEndian(p[4..]), BinaryPrimitives.ReadUInt32LittleEndian(p[24..]));
            default:
                throw new WasiAbiException($"ip-socket-address case {tag} out of range");
        }
    }

    /// <summary>Writes <c>ip-socket-address</c> in memory layout (used by tests as the host side).</summary>
    public static void WriteIpSocketAddress(in IpSocketAddress a, Span<byte> m)
    {
        m[..IpSocketAddressSize].Clear();
        m[0] = (byte)a.Family;
        var p = m[4..];
        BinaryPrimitives.WriteUInt16LittleEndian(p, a.Port);
        if (a.Family == IpAddressFamily.Ipv4) { a.CopyAddressTo(p[2..]); return; }
        BinaryPrimitives.WriteUInt32LittleEndian(p[4..], a.FlowInfo);
        for (int i = 0; i < 8; i++) BinaryPrimitives.WriteUInt16LittleEndian(p[(8 + 2 * i)..], a.GetSegment(i));
        BinaryPrimitives.WriteUInt32LittleEndian(p[24..], a.ScopeId);
    }

    private static bool IsErr(ReadOnlySpan<byte> m) => m[0] switch
    {
        0 => false,
        1 => true,
        var d => throw new WasiAbiException($"result discriminant {d} out of range"),
    };

    public static WasiResult ReadResultUnit(ReadOnlySpan<byte> m) =>
        IsErr(m) ? WasiResult.Fail(NetworkErrorCodes.FromDiscriminant(m[1])) : WasiResult.Ok;

    public static WasiResult<int> ReadResultHandle(ReadOnlySpan<byte> m) =>
        IsErr(m) ? WasiResult<int>.Fail(NetworkErrorCodes.FromDiscriminant(m[4]))
                 : WasiResult<int>.Ok(BinaryPrimitives.ReadInt32LittleEndian(m[4..]));

    public static WasiResult<(int, int)> ReadResultPair(ReadOnlySpan<byte> m) =>
        IsErr(m) ? WasiResult<(int, int)>.Fail(NetworkErrorCodes.FromDiscriminant(m[4]))
                 : WasiResult<(int, int)>.Ok((BinaryPrimitives.ReadInt32LittleEndian(m[4..]), BinaryPrimitives.ReadInt32LittleEndian(m[8..])));

    public static WasiResult<(int, int, int)> ReadResultTriple(ReadOnlySpan<byte> m) =>
        IsErr(m) ? WasiResult<(int, int, int)>.Fail(NetworkErrorCodes.FromDiscriminant(m[4]))
                 : WasiResult<(int, int, int)>.Ok((BinaryPrimitives.ReadInt32LittleEndian(m[4..]),
                     BinaryPrimitives.ReadInt32LittleEndian(m[8..]), BinaryPrimitives.ReadInt32LittleEndian(m[12..])));

    public static WasiResult<IpSocketAddress> ReadResultIpSocketAddress(ReadOnlySpan<byte> m) =>
        IsErr(m) ? WasiResult<IpSocketAddress>.Fail(NetworkErrorCodes.FromDiscriminant(m[4]))
                 : WasiResult<IpSocketAddress>.Ok(ReadIpSocketAddress(m[4..]));

    /// <summary><c>result&lt;option&lt;ip-address&gt;, error-code&gt;</c>: result case @0, option case @2, ip-address case @4, address @6.</summary>
    public static WasiResult<IPAddress?> ReadResultOptionIpAddress(ReadOnlySpan<byte> m)
    {
        if (IsErr(m)) return WasiResult<IPAddress?>.Fail(NetworkErrorCodes.FromDiscriminant(m[2]));
        switch (m[2])
        {
            case 0: return WasiResult<IPAddress?>.Ok(null);
            case 1: break;
            default: throw new WasiAbiException($"option discriminant {m[2]} out of range");
        }
        switch (m[4])
        {
            case 0:
                return WasiResult<IPAddress?>.Ok(new IPAddress(m.Slice(6, 4)));
            case 1:
                Span<byte> b = stackalloc byte[16];
                for (int i = 0; i < 8; i++) BinaryPrimitives.WriteUInt16BigEndian(b[(2 * i)..], BinaryPrimitives.ReadUInt16LittleEndian(m[(6 + 2 * i)..]));
                return WasiResult<IPAddress?>.Ok(new IPAddress(b));
            default:
                throw new WasiAbiException($"ip-address case {m[4]} out of range");
        }
    }

    /// <summary>
    /// A <c>stream-error</c> at <paramref name="m"/>: case u8 then <c>own&lt;error&gt;</c> at +4 (for last-operation-failed).
    /// </summary>
    public static StreamStatus ReadStreamError(ReadOnlySpan<byte> m, out int errorHandle)
    {
        errorHandle = 0;
        switch (m[0])
        {
            case 0: errorHandle = BinaryPrimitives.ReadInt32LittleEndian(m[4..]); return StreamStatus.Failed;
            case 1: return StreamStatus.Closed;
            default: throw new WasiAbiException($"stream-error case {m[0]} out of range");
        }
    }

    /// <summary><c>result&lt;list&lt;u8&gt;, stream-error&gt;</c>: ok → (ptr @4, len @8); err → stream-error @4.</summary>
    public static StreamStatus ReadStreamResultList(ReadOnlySpan<byte> m, out int ptr, out int len, out int errorHandle)
    {
        ptr = len = errorHandle = 0;
        if (IsErr(m)) return ReadStreamError(m[4..], out errorHandle);
        ptr = BinaryPrimitives.ReadInt32LittleEndian(m[4..]);
        len = BinaryPrimitives.ReadInt32LittleEndian(m[8..]);
        return StreamStatus.Ok;
    }

    /// <summary><c>result&lt;u64, stream-error&gt;</c>: payload at 8.</summary>
    public static StreamStatus ReadStreamResultU64(ReadOnlySpan<byte> m, out ulong value, out int errorHandle)
    {
        value = 0; errorHandle = 0;
        if (IsErr(m)) return ReadStreamError(m[8..], out errorHandle);
        value = BinaryPrimitives.ReadUInt64LittleEndian(m[8..]);
        return StreamStatus.Ok;
    }

    /// <summary><c>result&lt;_, stream-error&gt;</c>: payload at 4.</summary>
    public static StreamStatus ReadStreamResultUnit(ReadOnlySpan<byte> m, out int errorHandle)
    {
        errorHandle = 0;
        return IsErr(m) ? ReadStreamError(m[4..], out errorHandle) : StreamStatus.Ok;
    }

    /// <summary>A returned <c>list</c>/<c>string</c>: (ptr @0, len @4).</summary>
    public static (int Ptr, int Len) ReadList(ReadOnlySpan<byte> m) =>
        (BinaryPrimitives.ReadInt32LittleEndian(m), BinaryPrimitives.ReadInt32LittleEndian(m[4..]));
}
