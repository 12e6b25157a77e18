using System.Runtime.InteropServices.JavaScript;
using System.Runtime.Versioning;

namespace Libp2p.Transport.WasiSockets.Abi;

/// <summary>
/// The JavaScript glue (wasm/host/wasi-glue.mjs, registered as module <see cref="ModuleName"/>) over jco's
/// preview2-shim. Handle tables live on the JS side; C# sees int handles. Conventions: a negative return is
/// <c>-(1 + error-code)</c>; stream calls return -1 for <c>closed</c>, -2 for <c>last-operation-failed</c>.
/// Buffers cross as <see cref="JSType.MemoryView"/> spans: no copy on the C# side, valid only during the call.
/// </summary>
[SupportedOSPlatform("browser")]
internal static partial class JsHostImports
{
    public const string ModuleName = "libp2p-wasi";

    [JSImport("instanceNetwork", ModuleName)] public static partial int InstanceNetwork();
    [JSImport("drop", ModuleName)] public static partial void Drop(int handle);
    [JSImport("createTcpSocket", ModuleName)] public static partial int CreateTcpSocket(int family);
    [JSImport("startBind", ModuleName)] public static partial int StartBind(int socket, int network, [JSMarshalAs<JSType.MemoryView>] Span<int> address);
    [JSImport("finishBind", ModuleName)] public static partial int FinishBind(int socket);
    [JSImport("startConnect", ModuleName)] public static partial int StartConnect(int socket, int network, [JSMarshalAs<JSType.MemoryView>] Span<int> address);
    [JSImport("finishConnect", ModuleName)] public static partial int FinishConnect(int socket, [JSMarshalAs<JSType.MemoryView>] Span<int> handles);
    [JSImport("startListen", ModuleName)] public static partial int StartListen(int socket);
    [JSImport("finishListen", ModuleName)] public static partial int FinishListen(int socket);
    [JSImport("accept", ModuleName)] public static partial int Accept(int socket, [JSMarshalAs<JSType.MemoryView>] Span<int> handles);
    [JSImport("localAddress", ModuleName)] public static partial int LocalAddress(int socket, [JSMarshalAs<JSType.MemoryView>] Span<int> address);
    [JSImport("remoteAddress", ModuleName)] public static partial int RemoteAddress(int socket, [JSMarshalAs<JSType.MemoryView>] Span<int> address);
    [JSImport("setOption", ModuleName)] public static partial int SetOption(int socket, int option, double value);
    [JSImport("subscribe", ModuleName)] public static partial int Subscribe(int handle);
    [JSImport("shutdown", ModuleName)] public static partial int Shutdown(int socket, int how);
    [JSImport("resolveAddresses", ModuleName)] public static partial int ResolveAddresses(int network, string name);
    [JSImport("resolveNextAddress", ModuleName)] public static partial int ResolveNextAddress(int stream, [JSMarshalAs<JSType.MemoryView>] Span<int> address);
    [JSImport("read", ModuleName)] public static partial int Read(int input, [JSMarshalAs<JSType.MemoryView>] Span<byte> destination);
    [JSImport("checkWrite", ModuleName)] public static partial double CheckWrite(int output);
    [JSImport("write", ModuleName)] public static partial int Write(int output, [JSMarshalAs<JSType.MemoryView>] Span<byte> source);
    [JSImport("flush", ModuleName)] public static partial int Flush(int output);
    [JSImport("lastStreamError", ModuleName)] public static partial string LastStreamError();
    [JSImport("poll", ModuleName)] public static partial int Poll([JSMarshalAs<JSType.MemoryView>] Span<int> pollables, [JSMarshalAs<JSType.MemoryView>] Span<int> ready);
    [JSImport("pollableReady", ModuleName)] public static partial bool PollableReady(int pollable);
    [JSImport("pollableBlock", ModuleName)] public static partial void PollableBlock(int pollable);
    [JSImport("monotonicNow", ModuleName)] [return: JSMarshalAs<JSType.BigInt>] public static partial long MonotonicNow();
    [JSImport("subscribeDuration", ModuleName)] public static partial int SubscribeDuration([JSMarshalAs<JSType.BigInt>] long nanoseconds);
    [JSImport("subscribeInstant", ModuleName)] public static partial int SubscribeInstant([JSMarshalAs<JSType.BigInt>] long instant);
    /// <summary>
    /// Keeps <paramref name="turn"/> on the JS side and returns its id for <see cref="RequestTurn"/> (once per event loop:
    /// a function crossing costs a proxy, so it crosses once).
    /// </summary>
    [JSImport("registerTurnCallback", ModuleName)] public static partial int RegisterTurnCallback([JSMarshalAs<JSType.Function>] Action turn);
    /// <summary>
    /// Calls the registered callback <paramref name="id"/> from the next <c>setImmediate</c>, after Node ran its timers,
    /// I/O callbacks and the .NET thread pool; synchronously into .NET, so the turn starts at once.
    /// </summary>
    [JSImport("requestTurn", ModuleName)] public static partial void RequestTurn(int id);
}
