using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using Libp2p.Transport.WasiSockets.Wit;

namespace Libp2p.Transport.WasiSockets.Abi;

/// <summary>
/// <see cref="IWasiBackend"/> over the canonical-ABI component imports (<see cref="CanonicalImports"/>), for a
/// componentize-dotnet wasi-wasm build. Return areas live on the (linear-memory) stack, 8-byte aligned; lists the
/// host returns (<c>read</c>, <c>poll</c>, strings) were allocated through the module's <c>cabi_realloc</c>
/// (malloc in wit-bindgen's C# runtime support), so they are copied out and released with <see cref="NativeMemory.Free"/>.
/// Not runnable on this machine (no WASI .NET toolchain): its layouts are tested through <see cref="CanonicalAbi"/>.
/// </summary>
public sealed unsafe class CanonicalAbiBackend : IWasiBackend
{
    private string _lastStreamError = "";

    public string LastStreamError => _lastStreamError;

    public int InstanceNetwork() => CanonicalImports.InstanceNetwork();
    public void DropNetwork(int network) => CanonicalImports.DropNetwork(network);

    public WasiResult<int> CreateTcpSocket(IpAddressFamily family)
    {
        ulong* ret = stackalloc ulong[CanonicalAbi.MaxReturnArea / 8];
        CanonicalImports.CreateTcpSocket((int)family, (nint)ret);
        return CanonicalAbi.ReadResultHandle(Area(ret, CanonicalAbi.ResultHandleSize));
    }

    public WasiResult StartBind(int socket, int network, in IpSocketAddress localAddress)
    {
        Span<int> f = stackalloc int[CanonicalAbi.FlatIpSocketAddressLength];
        CanonicalAbi.FlattenIpSocketAddress(localAddress, f);
        ulong* ret = stackalloc ulong[1];
        CanonicalImports.StartBind(socket, network, f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10], f[11], (nint)ret);
        return CanonicalAbi.ReadResultUnit(Area(ret, CanonicalAbi.ResultUnitSize));
    }

    public WasiResult StartConnect(int socket, int network, in IpSocketAddress remoteAddress)
    {
        Span<int> f = stackalloc int[CanonicalAbi.FlatIpSocketAddressLength];
        CanonicalAbi.FlattenIpSocketAddress(remoteAddress, f);
        ulong* ret = stackalloc ulong[1];
        CanonicalImports.StartConnect(socket, network, f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10], f[11], (nint)ret);
        return CanonicalAbi.ReadResultUnit(Area(ret, CanonicalAbi.ResultUnitSize));
    }

    public WasiResult FinishBind(int socket) => Unit(socket, &CanonicalImports.FinishBind);
    public WasiResult StartListen(int socket) => Unit(socket, &CanonicalImports.StartListen);
    public WasiResult FinishListen(int socket) => Unit(socket, &CanonicalImports.FinishListen);

    public WasiResult<(int Input, int Output)> FinishConnect(int socket)
    {
        ulong* ret = stackalloc ulong[2];
        CanonicalImports.FinishConnect(socket, (nint)ret);
        return CanonicalAbi.ReadResultPair(Area(ret, CanonicalAbi.ResultPairSize));
    }

    public WasiResult<(int Socket, int Input, int Output)> Accept(int socket)
    {
        ulong* ret = stackalloc ulong[2];
        CanonicalImports.Accept(socket, (nint)ret);
        return CanonicalAbi.ReadResultTriple(Area(ret, CanonicalAbi.ResultTripleSize));
    }

    public WasiResult<IpSocketAddress> LocalAddress(int socket)
    {
        ulong* ret = stackalloc ulong[CanonicalAbi.MaxReturnArea / 8];
        CanonicalImports.LocalAddress(socket, (nint)ret);
        return CanonicalAbi.ReadResultIpSocketAddress(Area(ret, CanonicalAbi.ResultIpSocketAddressSize));
    }

    public WasiResult<IpSocketAddress> RemoteAddress(int socket)
    {
        ulong* ret = stackalloc ulong[CanonicalAbi.MaxReturnArea / 8];
        CanonicalImports.RemoteAddress(socket, (nint)ret);
        return CanonicalAbi.ReadResultIpSocketAddress(Area(ret, CanonicalAbi.ResultIpSocketAddressSize));
    }

    public WasiResult SetListenBacklogSize(int socket, ulong value) => U64(socket, value, &CanonicalImports.SetListenBacklogSize);
    public WasiResult SetKeepAliveEnabled(int socket, bool value) => I32(socket, value ? 1 : 0, &CanonicalImports.SetKeepAliveEnabled);
    public WasiResult SetKeepAliveIdleTime(int socket, ulong nanoseconds) => U64(socket, nanoseconds, &CanonicalImports.SetKeepAliveIdleTime);
    public WasiResult SetKeepAliveInterval(int socket, ulong nanoseconds) => U64(socket, nanoseconds, &CanonicalImports.SetKeepAliveInterval);
    public WasiResult SetKeepAliveCount(int socket, uint value) => I32(socket, unchecked((int)value), &CanonicalImports.SetKeepAliveCount);
    public WasiResult SetHopLimit(int socket, byte value) => I32(socket, value, &CanonicalImports.SetHopLimit);
    public WasiResult SetReceiveBufferSize(int socket, ulong value) => U64(socket, value, &CanonicalImports.SetReceiveBufferSize);
    public WasiResult SetSendBufferSize(int socket, ulong value) => U64(socket, value, &CanonicalImports.SetSendBufferSize);
    public int SubscribeTcpSocket(int socket) => CanonicalImports.SubscribeTcpSocket(socket);
    public WasiResult Shutdown(int socket, ShutdownType how) => I32(socket, (int)how, &CanonicalImports.Shutdown);
    public void DropTcpSocket(int socket) => CanonicalImports.DropTcpSocket(socket);

    public WasiResult<int> ResolveAddresses(int network, string name)
    {
        // string lowers to (ptr, len) of UTF-8; the host copies it during the call.
        int max = Encoding.UTF8.GetMaxByteCount(name.Length);
        byte* utf8 = stackalloc byte[Math.Min(max, 1024)];
        if (max > 1024) return WasiResult<int>.Fail(NetworkErrorCode.InvalidArgument);
        int len = Encoding.UTF8.GetBytes(name, new Span<byte>(utf8, max));
        ulong* ret = stackalloc ulong[1];
        CanonicalImports.ResolveAddresses(network, (nint)utf8, len, (nint)ret);
        return CanonicalAbi.ReadResultHandle(Area(ret, CanonicalAbi.ResultHandleSize));
    }

    public WasiResult<IPAddress?> ResolveNextAddress(int stream)
    {
        ulong* ret = stackalloc ulong[3];
        CanonicalImports.ResolveNextAddress(stream, (nint)ret);
        return CanonicalAbi.ReadResultOptionIpAddress(Area(ret, CanonicalAbi.ResultOptionIpAddressSize));
    }

    public int SubscribeResolveAddressStream(int stream) => CanonicalImports.SubscribeResolveAddressStream(stream);
    public void DropResolveAddressStream(int stream) => CanonicalImports.DropResolveAddressStream(stream);

    public StreamStatus Read(int input, Span<byte> destination, out int bytesRead)
    {
        bytesRead = 0;
        ulong* ret = stackalloc ulong[2];
        CanonicalImports.Read(input, destination.Length, (nint)ret);
        var status = CanonicalAbi.ReadStreamResultList(Area(ret, CanonicalAbi.StreamResultListSize), out int ptr, out int len, out int err);
        if (status != StreamStatus.Ok) return Failed(status, err);
        if ((uint)len > (uint)destination.Length) throw new WasiAbiException($"read returned {len} bytes for a {destination.Length}-byte request");
        if (len > 0)
        {
            new ReadOnlySpan<byte>((void*)ptr, len).CopyTo(destination);
            NativeMemory.Free((void*)ptr);
        }
        bytesRead = len;
        return StreamStatus.Ok;
    }

    public int SubscribeInputStream(int input) => CanonicalImports.SubscribeInputStream(input);
    public void DropInputStream(int input) => CanonicalImports.DropInputStream(input);

    public StreamStatus CheckWrite(int output, out long permitted)
    {
        ulong* ret = stackalloc ulong[2];
        CanonicalImports.CheckWrite(output, (nint)ret);
        var status = CanonicalAbi.ReadStreamResultU64(Area(ret, CanonicalAbi.StreamResultU64Size), out ulong value, out int err);
        permitted = (long)Math.Min(value, (ulong)long.MaxValue);
        return status == StreamStatus.Ok ? status : Failed(status, err);
    }

    public StreamStatus Write(int output, ReadOnlySpan<byte> source)
    {
        ulong* ret = stackalloc ulong[2];
        fixed (byte* p = source)
            CanonicalImports.Write(output, (nint)p, source.Length, (nint)ret);
        var status = CanonicalAbi.ReadStreamResultUnit(Area(ret, CanonicalAbi.StreamResultUnitSize), out int err);
        return status == StreamStatus.Ok ? status : Failed(status, err);
    }

    public StreamStatus Flush(int output)
    {
        ulong* ret = stackalloc ulong[2];
        CanonicalImports.Flush(output, (nint)ret);
        var status = CanonicalAbi.ReadStreamResultUnit(Area(ret, CanonicalAbi.StreamResultUnitSize), out int err);
        return status == StreamStatus.Ok ? status : Failed(status, err);
    }

    public int SubscribeOutputStream(int output) => CanonicalImports.SubscribeOutputStream(output);
    public void DropOutputStream(int output) => CanonicalImports.DropOutputStream(output);

    public int Poll(ReadOnlySpan<int> pollables, Span<int> readyIndices)
    {
        if (pollables.IsEmpty) throw new ArgumentException("poll on an empty list traps", nameof(pollables));
        ulong* ret = stackalloc ulong[1];
        fixed (int* list = pollables)
            CanonicalImports.Poll((nint)list, pollables.Length, (nint)ret);
        var (ptr, len) = CanonicalAbi.ReadList(Area(ret, CanonicalAbi.ListSize));
        if ((uint)len > (uint)pollables.Length) throw new WasiAbiException($"poll returned {len} indices for {pollables.Length} pollables");
        new ReadOnlySpan<int>((void*)ptr, len).CopyTo(readyIndices);
        NativeMemory.Free((void*)ptr);
        return len;
    }

    public bool PollableReady(int pollable) => CanonicalImports.PollableReady(pollable) != 0;
    public void PollableBlock(int pollable) => CanonicalImports.PollableBlock(pollable);
    public void DropPollable(int pollable) => CanonicalImports.DropPollable(pollable);

    public ulong MonotonicNow() => unchecked((ulong)CanonicalImports.Now());
    public int SubscribeDuration(ulong nanoseconds) => CanonicalImports.SubscribeDuration(unchecked((long)nanoseconds));
    public int SubscribeInstant(ulong instant) => CanonicalImports.SubscribeInstant(unchecked((long)instant));

    private StreamStatus Failed(StreamStatus status, int errorHandle)
    {
        if (status == StreamStatus.Failed)
        {
            ulong* ret = stackalloc ulong[1];
            CanonicalImports.ErrorToDebugString(errorHandle, (nint)ret);
            var (ptr, len) = CanonicalAbi.ReadList(Area(ret, CanonicalAbi.ListSize));
            _lastStreamError = Encoding.UTF8.GetString((byte*)ptr, len);
            NativeMemory.Free((void*)ptr);
            CanonicalImports.DropError(errorHandle);
        }
        return status;
    }

    private static ReadOnlySpan<byte> Area(ulong* ret, int size) => new(ret, size);

    private static WasiResult Unit(int socket, delegate*<int, nint, void> import)
    {
        ulong* ret = stackalloc ulong[1];
        import(socket, (nint)ret);
        return CanonicalAbi.ReadResultUnit(Area(ret, CanonicalAbi.ResultUnitSize));
    }

    private static WasiResult I32(int socket, int value, delegate*<int, int, nint, void> import)
    {
        ulong* ret = stackalloc ulong[1];
        import(socket, value, (nint)ret);
        return CanonicalAbi.ReadResultUnit(Area(ret, CanonicalAbi.ResultUnitSize));
    }

    private static WasiResult U64(int socket, ulong value, delegate*<int, long, nint, void> import)
    {
        ulong* ret = stackalloc ulong[1];
        import(socket, unchecked((long)value), (nint)ret);
        return CanonicalAbi.ReadResultUnit(Area(ret, CanonicalAbi.ResultUnitSize));
    }
}
