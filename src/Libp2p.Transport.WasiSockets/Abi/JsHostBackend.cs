using System.Net;
using System.Runtime.Versioning;
using Libp2p.Transport.WasiSockets.Wit;

namespace Libp2p.Transport.WasiSockets.Abi;

/// <summary>
/// <see cref="IWasiBackend"/> for browser-wasm builds running under Node: every call goes through
/// <see cref="JsHostImports"/> to wasm/host/wasi-glue.mjs, which calls jco's preview2-shim 0.26.1. The shim's
/// departures from WASI are worked around in that glue (each with a comment naming the defect), not here.
/// Addresses cross as 12 ints: <c>[family, port, flow-info, scope-id, b0…b7]</c> with b = bytes (IPv4) or
/// u16 segments (IPv6).
/// </summary>
[SupportedOSPlatform("browser")]
internal sealed class JsHostBackend : IWasiBackend
{
    /// <summary>Option ids of the glue's <c>setOption</c>.</summary>
    internal enum Option { ListenBacklogSize = 0, KeepAliveEnabled, KeepAliveIdleTime, KeepAliveInterval, KeepAliveCount, HopLimit, ReceiveBufferSize, SendBufferSize }

    private string _lastStreamError = "";

    public string LastStreamError => _lastStreamError;

    public int InstanceNetwork() => JsHostImports.InstanceNetwork();
    public void DropNetwork(int network) => JsHostImports.Drop(network);

    public WasiResult<int> CreateTcpSocket(IpAddressFamily family) => Handle(JsHostImports.CreateTcpSocket((int)family));

    public WasiResult StartBind(int socket, int network, in IpSocketAddress localAddress)
    {
        Span<int> a = stackalloc int[JsAddressCodec.AddressInts];
        JsAddressCodec.Encode(localAddress, a);
        return Unit(JsHostImports.StartBind(socket, network, a));
    }

    public WasiResult FinishBind(int socket) => Unit(JsHostImports.FinishBind(socket));

    public WasiResult StartConnect(int socket, int network, in IpSocketAddress remoteAddress)
    {
        Span<int> a = stackalloc int[JsAddressCodec.AddressInts];
        JsAddressCodec.Encode(remoteAddress, a);
        return Unit(JsHostImports.StartConnect(socket, network, a));
    }

    public WasiResult<(int Input, int Output)> FinishConnect(int socket)
    {
        Span<int> h = stackalloc int[2];
        int r = JsHostImports.FinishConnect(socket, h);
        return r < 0 ? WasiResult<(int, int)>.Fail(Code(r)) : WasiResult<(int, int)>.Ok((h[0], h[1]));
    }

    public WasiResult StartListen(int socket) => Unit(JsHostImports.StartListen(socket));
    public WasiResult FinishListen(int socket) => Unit(JsHostImports.FinishListen(socket));

    public WasiResult<(int Socket, int Input, int Output)> Accept(int socket)
    {
        Span<int> h = stackalloc int[3];
        int r = JsHostImports.Accept(socket, h);
        return r < 0 ? WasiResult<(int, int, int)>.Fail(Code(r)) : WasiResult<(int, int, int)>.Ok((h[0], h[1], h[2]));
    }

    public WasiResult<IpSocketAddress> LocalAddress(int socket)
    {
        Span<int> a = stackalloc int[JsAddressCodec.AddressInts];
        int r = JsHostImports.LocalAddress(socket, a);
        return r < 0 ? WasiResult<IpSocketAddress>.Fail(Code(r)) : WasiResult<IpSocketAddress>.Ok(JsAddressCodec.Decode(a));
    }

    public WasiResult<IpSocketAddress> RemoteAddress(int socket)
    {
        Span<int> a = stackalloc int[JsAddressCodec.AddressInts];
        int r = JsHostImports.RemoteAddress(socket, a);
        return r < 0 ? WasiResult<IpSocketAddress>.Fail(Code(r)) : WasiResult<IpSocketAddress>.Ok(JsAddressCodec.Decode(a));
    }

    public WasiResult SetListenBacklogSize(int socket, ulong value) => Set(socket, Option.ListenBacklogSize, value);
    public WasiResult SetKeepAliveEnabled(int socket, bool value) => Set(socket, Option.KeepAliveEnabled, value ? 1UL : 0UL);
    public WasiResult SetKeepAliveIdleTime(int socket, ulong nanoseconds) => Set(socket, Option.KeepAliveIdleTime, nanoseconds);
    public WasiResult SetKeepAliveInterval(int socket, ulong nanoseconds) => Set(socket, Option.KeepAliveInterval, nanoseconds);
    public WasiResult SetKeepAliveCount(int socket, uint value) => Set(socket, Option.KeepAliveCount, value);
    public WasiResult SetHopLimit(int socket, byte value) => Set(socket, Option.HopLimit, value);
    public WasiResult SetReceiveBufferSize(int socket, ulong value) => Set(socket, Option.ReceiveBufferSize, value);
    public WasiResult SetSendBufferSize(int socket, ulong value) => Set(socket, Option.SendBufferSize, value);
    public int SubscribeTcpSocket(int socket) => JsHostImports.Subscribe(socket);
    public WasiResult Shutdown(int socket, ShutdownType how) => Unit(JsHostImports.Shutdown(socket, (int)how));
    public void DropTcpSocket(int socket) => JsHostImports.Drop(socket);

    public WasiResult<int> ResolveAddresses(int network, string name) => Handle(JsHostImports.ResolveAddresses(network, name));

    public WasiResult<IPAddress?> ResolveNextAddress(int stream)
    {
        Span<int> a = stackalloc int[JsAddressCodec.AddressInts];
        int r = JsHostImports.ResolveNextAddress(stream, a);
        if (r < 0) return WasiResult<IPAddress?>.Fail(Code(r));
        return WasiResult<IPAddress?>.Ok(r == 0 ? null : JsAddressCodec.Decode(a).ToIPEndPoint().Address);
    }

    public int SubscribeResolveAddressStream(int stream) => JsHostImports.Subscribe(stream);
    public void DropResolveAddressStream(int stream) => JsHostImports.Drop(stream);

    public StreamStatus Read(int input, Span<byte> destination, out int bytesRead)
    {
        // The glue copies the chunk straight into this span (a view of Wasm memory): no managed allocation per read.
        int r = JsHostImports.Read(input, destination);
        bytesRead = Math.Max(r, 0);
        return Stream(r);
    }

    public int SubscribeInputStream(int input) => JsHostImports.Subscribe(input);
    public void DropInputStream(int input) => JsHostImports.Drop(input);

    public StreamStatus CheckWrite(int output, out long permitted)
    {
        double r = JsHostImports.CheckWrite(output);
        permitted = r > 0 ? (long)r : 0;
        return Stream(r < 0 ? (int)r : 0);
    }

    public StreamStatus Write(int output, ReadOnlySpan<byte> source)
    {
        // JSImport spans are mutable by signature; the glue only reads (copies) it.
        var span = System.Runtime.InteropServices.MemoryMarshal.CreateSpan(
            ref System.Runtime.InteropServices.MemoryMarshal.GetReference(source), source.Length);
        return Stream(JsHostImports.Write(output, span));
    }

    public StreamStatus Flush(int output) => Stream(JsHostImports.Flush(output));
    public int SubscribeOutputStream(int output) => JsHostImports.Subscribe(output);
    public void DropOutputStream(int output) => JsHostImports.Drop(output);

    public int Poll(ReadOnlySpan<int> pollables, Span<int> readyIndices)
    {
        if (pollables.IsEmpty) throw new ArgumentException("poll on an empty list traps", nameof(pollables));
        var list = System.Runtime.InteropServices.MemoryMarshal.CreateSpan(
            ref System.Runtime.InteropServices.MemoryMarshal.GetReference(pollables), pollables.Length);
        return JsHostImports.Poll(list, readyIndices);
    }

    public bool PollableReady(int pollable) => JsHostImports.PollableReady(pollable);
    public void PollableBlock(int pollable) => JsHostImports.PollableBlock(pollable);
    public void DropPollable(int pollable) => JsHostImports.Drop(pollable);

    public ulong MonotonicNow() => unchecked((ulong)JsHostImports.MonotonicNow());
    public int SubscribeDuration(ulong nanoseconds) => JsHostImports.SubscribeDuration((long)Math.Min(nanoseconds, long.MaxValue));
    public int SubscribeInstant(ulong instant) => JsHostImports.SubscribeInstant((long)Math.Min(instant, long.MaxValue));

    private StreamStatus Stream(int r)
    {
        if (r >= 0) return StreamStatus.Ok;
        if (r == -1) return StreamStatus.Closed;
        _lastStreamError = JsHostImports.LastStreamError();
        return StreamStatus.Failed;
    }

    private static WasiResult Set(int socket, Option option, ulong value) => Unit(JsHostImports.SetOption(socket, (int)option, value));

    private static NetworkErrorCode Code(int r) => NetworkErrorCodes.FromDiscriminant(-r - 1);
    private static WasiResult Unit(int r) => r < 0 ? WasiResult.Fail(Code(r)) : WasiResult.Ok;
    private static WasiResult<int> Handle(int r) => r < 0 ? WasiResult<int>.Fail(Code(r)) : WasiResult<int>.Ok(r);
}
