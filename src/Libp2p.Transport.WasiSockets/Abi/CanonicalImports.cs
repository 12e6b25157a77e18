using System.Runtime.InteropServices;

namespace Libp2p.Transport.WasiSockets.Abi;

/// <summary>
/// The WASI 0.2.0 component imports exactly as wit-bindgen's C# generator declares them: module = interface
/// with version, entry point = WIT function name (<c>[method]r.f</c>, <c>[resource-drop]r</c>), every parameter
/// flattened to i32/i64, results of more than one flat value written to the trailing return-area pointer.
/// Only a componentize-dotnet (wasi-wasm, NativeAOT-LLVM) build links these; anywhere else a call throws
/// <see cref="DllNotFoundException"/>.
/// </summary>
internal static unsafe class CanonicalImports
{
    private const string InstanceNetworkModule = "wasi:sockets/instance-network@0.2.0";
    private const string NetworkModule = "wasi:sockets/network@0.2.0";
    private const string CreateModule = "wasi:sockets/tcp-create-socket@0.2.0";
    private const string TcpModule = "wasi:sockets/tcp@0.2.0";
    private const string LookupModule = "wasi:sockets/ip-name-lookup@0.2.0";
    private const string StreamsModule = "wasi:io/streams@0.2.0";
    private const string ErrorModule = "wasi:io/error@0.2.0";
    private const string PollModule = "wasi:io/poll@0.2.0";
    private const string ClockModule = "wasi:clocks/monotonic-clock@0.2.0";

    [DllImport(InstanceNetworkModule, EntryPoint = "instance-network"), WasmImportLinkage]
    public static extern int InstanceNetwork();

    [DllImport(NetworkModule, EntryPoint = "[resource-drop]network"), WasmImportLinkage]
    public static extern void DropNetwork(int self);

    [DllImport(CreateModule, EntryPoint = "create-tcp-socket"), WasmImportLinkage]
    public static extern void CreateTcpSocket(int family, nint ret);

    // start-bind/start-connect: self, network, then ip-socket-address flattened to 12 i32s, then the return area.
    [DllImport(TcpModule, EntryPoint = "[method]tcp-socket.start-bind"), WasmImportLinkage]
    public static extern void StartBind(int self, int network, int a0, int a1, int a2, int a3, int a4, int a5, int a6, int a7, int a8, int a9, int a10, int a11, nint ret);

    [DllImport(TcpModule, EntryPoint = "[method]tcp-socket.finish-bind"), WasmImportLinkage]
    public static extern void FinishBind(int self, nint ret);

    [DllImport(TcpModule, EntryPoint = "[method]tcp-socket.start-connect"), WasmImportLinkage]
    public static extern void StartConnect(int self, int network, int a0, int a1, int a2, int a3, int a4, int a5, int a6, int a7, int a8, int a9, int a10, int a11, nint ret);

    [DllImport(TcpModule, EntryPoint = "[method]tcp-socket.finish-connect"), WasmImportLinkage]
    public static extern void FinishConnect(int self, nint ret);

    [DllImport(TcpModule, EntryPoint = "[method]tcp-socket.start-listen"), WasmImportLinkage]
    public static extern void StartListen(int self, nint ret);

    [DllImport(TcpModule, EntryPoint = "[method]tcp-socket.finish-listen"), WasmImportLinkage]
    public static extern void FinishListen(int self, nint ret);

    [DllImport(TcpModule, EntryPoint = "[method]tcp-socket.accept"), WasmImportLinkage]
    public static extern void Accept(int self, nint ret);

    [DllImport(TcpModule, EntryPoint = "[method]tcp-socket.local-address"), WasmImportLinkage]
    public static extern void LocalAddress(int self, nint ret);

    [DllImport(TcpModule, EntryPoint = "[method]tcp-socket.remote-address"), WasmImportLinkage]
    public static extern void RemoteAddress(int self, nint ret);

    [DllImport(TcpModule, EntryPoint = "[method]tcp-socket.set-listen-backlog-size"), WasmImportLinkage]
    public static extern void SetListenBacklogSize(int self, long value, nint ret);

    [DllImport(TcpModule, EntryPoint = "[method]tcp-socket.set-keep-alive-enabled"), WasmImportLinkage]
    public static extern void SetKeepAliveEnabled(int self, int value, nint ret);

    [DllImport(TcpModule, EntryPoint = "[method]tcp-socket.set-keep-alive-idle-time"), WasmImportLinkage]
    public static extern void SetKeepAliveIdleTime(int self, long value, nint ret);

    [DllImport(TcpModule, EntryPoint = "[method]tcp-socket.set-keep-alive-interval"), WasmImportLinkage]
    public static extern void SetKeepAliveInterval(int self, long value, nint ret);

    [DllImport(TcpModule, EntryPoint = "[method]tcp-socket.set-keep-alive-count"), WasmImportLinkage]
    public static extern void SetKeepAliveCount(int self, int value, nint ret);

    [DllImport(TcpModule, EntryPoint = "[method]tcp-socket.set-hop-limit"), WasmImportLinkage]
    public static extern void SetHopLimit(int self, int value, nint ret);

    [DllImport(TcpModule, EntryPoint = "[method]tcp-socket.set-receive-buffer-size"), WasmImportLinkage]
    public static extern void SetReceiveBufferSize(int self, long value, nint ret);

    [DllImport(TcpModule, EntryPoint = "[method]tcp-socket.set-send-buffer-size"), WasmImportLinkage]
    public static extern void SetSendBufferSize(int self, long value, nint ret);

    [DllImport(TcpModule, EntryPoint = "[method]tcp-socket.subscribe"), WasmImportLinkage]
    public static extern int SubscribeTcpSocket(int self);

    [DllImport(TcpModule, EntryPoint = "[method]tcp-socket.shutdown"), WasmImportLinkage]
    public static extern void Shutdown(int self, int how, nint ret);

    [DllImport(TcpModule, EntryPoint = "[resource-drop]tcp-socket"), WasmImportLinkage]
    public static extern void DropTcpSocket(int self);

    [DllImport(LookupModule, EntryPoint = "resolve-addresses"), WasmImportLinkage]
    public static extern void ResolveAddresses(int network, nint namePtr, int nameLen, nint ret);

    [DllImport(LookupModule, EntryPoint = "[method]resolve-address-stream.resolve-next-address"), WasmImportLinkage]
    public static extern void ResolveNextAddress(int self, nint ret);

    [DllImport(LookupModule, EntryPoint = "[method]resolve-address-stream.subscribe"), WasmImportLinkage]
    public static extern int SubscribeResolveAddressStream(int self);

    [DllImport(LookupModule, EntryPoint = "[resource-drop]resolve-address-stream"), WasmImportLinkage]
    public static extern void DropResolveAddressStream(int self);

    [DllImport(StreamsModule, EntryPoint = "[method]input-stream.read"), WasmImportLinkage]
    public static extern void Read(int self, long len, nint ret);

    [DllImport(StreamsModule, EntryPoint = "[method]input-stream.subscribe"), WasmImportLinkage]
    public static extern int SubscribeInputStream(int self);

    [DllImport(StreamsModule, EntryPoint = "[resource-drop]input-stream"), WasmImportLinkage]
    public static extern void DropInputStream(int self);

    [DllImport(StreamsModule, EntryPoint = "[method]output-stream.check-write"), WasmImportLinkage]
    public static extern void CheckWrite(int self, nint ret);

    [DllImport(StreamsModule, EntryPoint = "[method]output-stream.write"), WasmImportLinkage]
    public static extern void Write(int self, nint ptr, int len, nint ret);

    [DllImport(StreamsModule, EntryPoint = "[method]output-stream.flush"), WasmImportLinkage]
    public static extern void Flush(int self, nint ret);

    [DllImport(StreamsModule, EntryPoint = "[method]output-stream.subscribe"), WasmImportLinkage]
    public static extern int SubscribeOutputStream(int self);

    [DllImport(StreamsModule, EntryPoint = "[resource-drop]output-stream"), WasmImportLinkage]
    public static extern void DropOutputStream(int self);

    [DllImport(ErrorModule, EntryPoint = "[method]error.to-debug-string"), WasmImportLinkage]
    public static extern void ErrorToDebugString(int self, nint ret);

    [DllImport(ErrorModule, EntryPoint = "[resource-drop]error"), WasmImportLinkage]
    public static extern void DropError(int self);

    [DllImport(PollModule, EntryPoint = "poll"), WasmImportLinkage]
    public static extern void Poll(nint listPtr, int listLen, nint ret);

    [DllImport(PollModule, EntryPoint = "[method]pollable.ready"), WasmImportLinkage]
    public static extern int PollableReady(int self);

    [DllImport(PollModule, EntryPoint = "[method]pollable.block"), WasmImportLinkage]
    public static extern void PollableBlock(int self);

    [DllImport(PollModule, EntryPoint = "[resource-drop]pollable"), WasmImportLinkage]
    public static extern void DropPollable(int self);

    [DllImport(ClockModule, EntryPoint = "now"), WasmImportLinkage]
    public static extern long Now();

    [DllImport(ClockModule, EntryPoint = "subscribe-duration"), WasmImportLinkage]
    public static extern int SubscribeDuration(long nanoseconds);

    [DllImport(ClockModule, EntryPoint = "subscribe-instant"), WasmImportLinkage]
    public static extern int SubscribeInstant(long instant);
}
