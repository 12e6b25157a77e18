using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using Libp2p.Transport.WasiSockets.Wit;

namespace Libp2p.Transport.WasiSockets.Abi;

/// <summary>
/// <see cref="IWasiBackend"/> over the canonical-ABI imports (<see cref="ICanonicalImports"/>): in a componentize-dotnet
/// wasi-wasm build they are the component's own imports (<see cref="CanonicalImports"/>); under Node (browser-wasm,
/// <c>wasm/p2p --abi canonical</c>) they are the functions jco lowered, reached through JSImport twins
/// (<see cref="JcoImports"/>). Return areas live on the (linear-memory) stack, 8-byte aligned; lists the host returns
/// (<c>read</c>, <c>poll</c>, strings) were allocated through the module's <c>cabi_realloc</c> (malloc), so they are
/// copied out and released with <see cref="NativeMemory.Free"/> (see <see cref="FreeReturned"/>).
/// </summary>
internal sealed unsafe class CanonicalAbiBackend : IWasiBackend
{
    private readonly ICanonicalImports _imports;
    private string _lastStreamError = "";

    /// <summary>The component's own imports (componentize-dotnet, wasi-wasm).</summary>
    public CanonicalAbiBackend() : this(ComponentImports.Instance) { }

    /// <summary>The same lowering and lifting over other final calls (jco's lowered functions under Node).</summary>
    internal CanonicalAbiBackend(ICanonicalImports imports) => _imports = imports;

    public string LastStreamError => _lastStreamError;

    public int InstanceNetwork() => _imports.InstanceNetwork();
    public void DropNetwork(int network) => _imports.DropNetwork(network);

    public WasiResult<int> CreateTcpSocket(IpAddressFamily family)
    {
        ulong* ret = stackalloc ulong[CanonicalAbi.MaxReturnArea / 8];
        _imports.CreateTcpSocket((int)family, (nint)ret);
        return CanonicalAbi.ReadResultHandle(Area(ret, CanonicalAbi.ResultHandleSize));
    }

    public WasiResult StartBind(int socket, int network, in IpSocketAddress localAddress)
    {
        Span<int> f = stackalloc int[CanonicalAbi.FlatIpSocketAddressLength];
        CanonicalAbi.FlattenIpSocketAddress(localAddress, f);
        ulong* ret = stackalloc ulong[1];
        _imports.StartBind(socket, network, f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10], f[11], (nint)ret);
        return CanonicalAbi.ReadResultUnit(Area(ret, CanonicalAbi.ResultUnitSize));
    }

    public WasiResult StartConnect(int socket, int network, in IpSocketAddress remoteAddress)
    {
        Span<int> f = stackalloc int[CanonicalAbi.FlatIpSocketAddressLength];
        CanonicalAbi.FlattenIpSocketAddress(remoteAddress, f);
        ulong* ret = stackalloc ulong[1];
        _imports.StartConnect(socket, network, f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10], f[11], (nint)ret);
        return CanonicalAbi.ReadResultUnit(Area(ret, CanonicalAbi.ResultUnitSize));
    }

    public WasiResult FinishBind(int socket)
    {
        ulong* ret = stackalloc ulong[1];
        _imports.FinishBind(socket, (nint)ret);
        return UnitResult(ret);
    }

    public WasiResult StartListen(int socket)
    {
        ulong* ret = stackalloc ulong[1];
        _imports.StartListen(socket, (nint)ret);
        return UnitResult(ret);
    }

    public WasiResult FinishListen(int socket)
    {
        ulong* ret = stackalloc ulong[1];
        _imports.FinishListen(socket, (nint)ret);
        return UnitResult(ret);
    }

    public WasiResult<(int Input, int Output)> FinishConnect(int socket)
    {
        ulong* ret = stackalloc ulong[2];
        _imports.FinishConnect(socket, (nint)ret);
        return CanonicalAbi.ReadResultPair(Area(ret, CanonicalAbi.ResultPairSize));
    }

    public WasiResult<(int Socket, int Input, int Output)> Accept(int socket)
    {
        ulong* ret = stackalloc ulong[2];
        _imports.Accept(socket, (nint)ret);
        return CanonicalAbi.ReadResultTriple(Area(ret, CanonicalAbi.ResultTripleSize));
    }

    public WasiResult<IpSocketAddress> LocalAddress(int socket)
    {
        ulong* ret = stackalloc ulong[CanonicalAbi.MaxReturnArea / 8];
        _imports.LocalAddress(socket, (nint)ret);
        return CanonicalAbi.ReadResultIpSocketAddress(Area(ret, CanonicalAbi.ResultIpSocketAddressSize));
    }

    public WasiResult<IpSocketAddress> RemoteAddress(int socket)
    {
        ulong* ret = stackalloc ulong[CanonicalAbi.MaxReturnArea / 8];
        _imports.RemoteAddress(socket, (nint)ret);
        return CanonicalAbi.ReadResultIpSocketAddress(Area(ret, CanonicalAbi.ResultIpSocketAddressSize));
    }

    public WasiResult SetListenBacklogSize(int socket, ulong value)
    {
        ulong* ret = stackalloc ulong[1];
        _imports.SetListenBacklogSize(socket, unchecked((long)value), (nint)ret);
        return UnitResult(ret);
    }

    public WasiResult SetKeepAliveEnabled(int socket, bool value)
    {
        ulong* ret = stackalloc ulong[1];
        _imports.SetKeepAliveEnabled(socket, value ? 1 : 0, (nint)ret);
        return UnitResult(ret);
    }

    public WasiResult SetKeepAliveIdleTime(int socket, ulong nanoseconds)
    {
        ulong* ret = stackalloc ulong[1];
        _imports.SetKeepAliveIdleTime(socket, unchecked((long)nanoseconds), (nint)ret);
        return UnitResult(ret);
    }

    public WasiResult SetKeepAliveInterval(int socket, ulong nanoseconds)
    {
        ulong* ret = stackalloc ulong[1];
        _imports.SetKeepAliveInterval(socket, unchecked((long)nanoseconds), (nint)ret);
        return UnitResult(ret);
    }

    public WasiResult SetKeepAliveCount(int socket, uint value)
    {
        ulong* ret = stackalloc ulong[1];
        _imports.SetKeepAliveCount(socket, unchecked((int)value), (nint)ret);
        return UnitResult(ret);
    }

    public WasiResult SetHopLimit(int socket, byte value)
    {
        ulong* ret = stackalloc ulong[1];
        _imports.SetHopLimit(socket, value, (nint)ret);
        return UnitResult(ret);
    }

    public WasiResult SetReceiveBufferSize(int socket, ulong value)
    {
        ulong* ret = stackalloc ulong[1];
        _imports.SetReceiveBufferSize(socket, unchecked((long)value), (nint)ret);
        return UnitResult(ret);
    }

    public WasiResult SetSendBufferSize(int socket, ulong value)
    {
        ulong* ret = stackalloc ulong[1];
        _imports.SetSendBufferSize(socket, unchecked((long)value), (nint)ret);
        return UnitResult(ret);
    }

    public int SubscribeTcpSocket(int socket) => _imports.SubscribeTcpSocket(socket);
    public WasiResult Shutdown(int socket, ShutdownType how)
    {
        ulong* ret = stackalloc ulong[1];
        _imports.Shutdown(socket, (int)how, (nint)ret);
        return UnitResult(ret);
    }
    public void DropTcpSocket(int socket) => _imports.DropTcpSocket(socket);

    public WasiResult<int> ResolveAddresses(int network, string name)
    {
        // string lowers to (ptr, len) of UTF-8; the host copies it during the call.
        int max = Encoding.UTF8.GetMaxByteCount(name.Length);
        byte* utf8 = stackalloc byte[Math.Min(max, 1024)];
        if (max > 1024) return WasiResult<int>.Fail(NetworkErrorCode.InvalidArgument);
        int len = Encoding.UTF8.GetBytes(name, new Span<byte>(utf8, max));
        ulong* ret = stackalloc ulong[1];
        _imports.ResolveAddresses(network, (nint)utf8, len, (nint)ret);
        return CanonicalAbi.ReadResultHandle(Area(ret, CanonicalAbi.ResultHandleSize));
    }

    public WasiResult<IPAddress?> ResolveNextAddress(int stream)
    {
        ulong* ret = stackalloc ulong[3];
        _imports.ResolveNextAddress(stream, (nint)ret);
        return CanonicalAbi.ReadResultOptionIpAddress(Area(ret, CanonicalAbi.ResultOptionIpAddressSize));
    }

    public int SubscribeResolveAddressStream(int stream) => _imports.SubscribeResolveAddressStream(stream);
    public void DropResolveAddressStream(int stream) => _imports.DropResolveAddressStream(stream);

    public StreamStatus Read(int input, Span<byte> destination, out int bytesRead)
    {
        bytesRead = 0;
        ulong* ret = stackalloc ulong[2];
        _imports.Read(input, destination.Length, (nint)ret);
        var status = CanonicalAbi.ReadStreamResultList(Area(ret, CanonicalAbi.StreamResultListSize), out int ptr, out int len, out int err);
        if (status != StreamStatus.Ok) return Failed(status, err);
        if ((uint)len > (uint)destination.Length) throw new WasiAbiException($"read returned {len} bytes for a {destination.Length}-byte request");
        new ReadOnlySpan<byte>((void*)ptr, len).CopyTo(destination);
        FreeReturned(ptr, len);
        bytesRead = len;
        return StreamStatus.Ok;
    }

    public int SubscribeInputStream(int input) => _imports.SubscribeInputStream(input);
    public void DropInputStream(int input) => _imports.DropInputStream(input);

    public StreamStatus CheckWrite(int output, out long permitted)
    {
        ulong* ret = stackalloc ulong[2];
        _imports.CheckWrite(output, (nint)ret);
        var status = CanonicalAbi.ReadStreamResultU64(Area(ret, CanonicalAbi.StreamResultU64Size), out ulong value, out int err);
        permitted = (long)Math.Min(value, (ulong)long.MaxValue);
        return status == StreamStatus.Ok ? status : Failed(status, err);
    }

    public StreamStatus Write(int output, ReadOnlySpan<byte> source)
    {
        ulong* ret = stackalloc ulong[2];
        fixed (byte* p = source)
            _imports.Write(output, (nint)p, source.Length, (nint)ret);
        var status = CanonicalAbi.ReadStreamResultUnit(Area(ret, CanonicalAbi.StreamResultUnitSize), out int err);
        return status == StreamStatus.Ok ? status : Failed(status, err);
    }

    public StreamStatus Flush(int output)
    {
        ulong* ret = stackalloc ulong[2];
        _imports.Flush(output, (nint)ret);
        var status = CanonicalAbi.ReadStreamResultUnit(Area(ret, CanonicalAbi.StreamResultUnitSize), out int err);
        return status == StreamStatus.Ok ? status : Failed(status, err);
    }

    public int SubscribeOutputStream(int output) => _imports.SubscribeOutputStream(output);
    public void DropOutputStream(int output) => _imports.DropOutputStream(output);

    public int Poll(ReadOnlySpan<int> pollables, Span<int> readyIndices)
    {
        if (pollables.IsEmpty) throw new ArgumentException("poll on an empty list traps", nameof(pollables));
        ulong* ret = stackalloc ulong[1];
        fixed (int* list = pollables)
            _imports.Poll((nint)list, pollables.Length, (nint)ret);
        var (ptr, len) = CanonicalAbi.ReadList(Area(ret, CanonicalAbi.ListSize));
        if ((uint)len > (uint)pollables.Length) throw new WasiAbiException($"poll returned {len} indices for {pollables.Length} pollables");
        new ReadOnlySpan<int>((void*)ptr, len).CopyTo(readyIndices);
        FreeReturned(ptr, len);
        return len;
    }

    public bool PollableReady(int pollable) => _imports.PollableReady(pollable) != 0;
    public void PollableBlock(int pollable) => _imports.PollableBlock(pollable);
    public void DropPollable(int pollable) => _imports.DropPollable(pollable);

    public ulong MonotonicNow() => unchecked((ulong)_imports.Now());
    public int SubscribeDuration(ulong nanoseconds) => _imports.SubscribeDuration(unchecked((long)nanoseconds));
    public int SubscribeInstant(ulong instant) => _imports.SubscribeInstant(unchecked((long)instant));

    private StreamStatus Failed(StreamStatus status, int errorHandle)
    {
        if (status == StreamStatus.Failed)
        {
            ulong* ret = stackalloc ulong[1];
            _imports.ErrorToDebugString(errorHandle, (nint)ret);
            var (ptr, len) = CanonicalAbi.ReadList(Area(ret, CanonicalAbi.ListSize));
            _lastStreamError = len == 0 ? "" : Encoding.UTF8.GetString((byte*)ptr, len);
            FreeReturned(ptr, len);
            _imports.DropError(errorHandle);
        }
        return status;
    }

    private static ReadOnlySpan<byte> Area(ulong* ret, int size) => new(ret, size);

    private static WasiResult UnitResult(ulong* ret) => CanonicalAbi.ReadResultUnit(Area(ret, CanonicalAbi.ResultUnitSize));

    /// <summary>
    /// Releases a list or string the host returned through <c>cabi_realloc</c>. Only non-empty ones are freed: an
    /// empty list may come without any allocation (jco lowers an empty <c>string</c> as pointer 1, never calling
    /// <c>cabi_realloc</c>), and our <c>cabi_realloc</c> answers a zero-byte request with the alignment, not a
    /// block, as wit-bindgen's does — so pointer and length 0 never reach <c>free</c>.
    /// </summary>
    internal static void FreeReturned(int ptr, int len)
    {
        if (len > 0) NativeMemory.Free((void*)ptr);
    }
}
