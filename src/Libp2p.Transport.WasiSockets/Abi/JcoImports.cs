using System.Runtime.InteropServices.JavaScript;
using System.Runtime.Versioning;

namespace Libp2p.Transport.WasiSockets.Abi;

/// <summary>
/// <see cref="ICanonicalImports"/> for browser-wasm under Node: each import's JSImport twin is, on the JS side
/// (wasm/host/canonical-glue.mjs, module <see cref="ModuleName"/>), the very function jco lowered for that WIT
/// function with the canonical ABI (flat i32/i64 parameters, return-area pointers). jco reads and writes this
/// module's linear memory and allocates returned lists through its <c>cabi_realloc</c> (the host passes it
/// .NET's memory and <c>malloc</c>), so everything <see cref="CanonicalAbiBackend"/> does runs as in a component;
/// only the final call crosses to JS instead of being a Wasm import. u64/s64 cross as BigInt (what jco takes).
/// </summary>
[SupportedOSPlatform("browser")]
internal sealed partial class JcoImports : ICanonicalImports
{
    public const string ModuleName = "libp2p-wasi-canonical";

    public static readonly JcoImports Instance = new();

    public int InstanceNetwork() => JsInstanceNetwork();
    public void DropNetwork(int self) => JsDropNetwork(self);
    public void CreateTcpSocket(int family, nint ret) => JsCreateTcpSocket(family, ret);
    public void StartBind(int self, int network, int a0, int a1, int a2, int a3, int a4, int a5, int a6, int a7, int a8, int a9, int a10, int a11, nint ret) => JsStartBind(self, network, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, ret);
    public void FinishBind(int self, nint ret) => JsFinishBind(self, ret);
    public void StartConnect(int self, int network, int a0, int a1, int a2, int a3, int a4, int a5, int a6, int a7, int a8, int a9, int a10, int a11, nint ret) => JsStartConnect(self, network, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, ret);
    public void FinishConnect(int self, nint ret) => JsFinishConnect(self, ret);
    public void StartListen(int self, nint ret) => JsStartListen(self, ret);
    public void FinishListen(int self, nint ret) => JsFinishListen(self, ret);
    public void Accept(int self, nint ret) => JsAccept(self, ret);
    public void LocalAddress(int self, nint ret) => JsLocalAddress(self, ret);
    public void RemoteAddress(int self, nint ret) => JsRemoteAddress(self, ret);
    public void SetListenBacklogSize(int self, long value, nint ret) => JsSetListenBacklogSize(self, value, ret);
    public void SetKeepAliveEnabled(int self, int value, nint ret) => JsSetKeepAliveEnabled(self, value, ret);
    public void SetKeepAliveIdleTime(int self, long value, nint ret) => JsSetKeepAliveIdleTime(self, value, ret);
    public void SetKeepAliveInterval(int self, long value, nint ret) => JsSetKeepAliveInterval(self, value, ret);
    public void SetKeepAliveCount(int self, int value, nint ret) => JsSetKeepAliveCount(self, value, ret);
    public void SetHopLimit(int self, int value, nint ret) => JsSetHopLimit(self, value, ret);
    public void SetReceiveBufferSize(int self, long value, nint ret) => JsSetReceiveBufferSize(self, value, ret);
    public void SetSendBufferSize(int self, long value, nint ret) => JsSetSendBufferSize(self, value, ret);
    public int SubscribeTcpSocket(int self) => JsSubscribeTcpSocket(self);
    public void Shutdown(int self, int how, nint ret) => JsShutdown(self, how, ret);
    public void DropTcpSocket(int self) => JsDropTcpSocket(self);
    public void ResolveAddresses(int network, nint namePtr, int nameLen, nint ret) => JsResolveAddresses(network, namePtr, nameLen, ret);
    public void ResolveNextAddress(int self, nint ret) => JsResolveNextAddress(self, ret);
    public int SubscribeResolveAddressStream(int self) => JsSubscribeResolveAddressStream(self);
    public void DropResolveAddressStream(int self) => JsDropResolveAddressStream(self);
    public void Read(int self, long len, nint ret) => JsRead(self, len, ret);
    public int SubscribeInputStream(int self) => JsSubscribeInputStream(self);
    public void DropInputStream(int self) => JsDropInputStream(self);
    public void CheckWrite(int self, nint ret) => JsCheckWrite(self, ret);
    public void Write(int self, nint ptr, int len, nint ret) => JsWrite(self, ptr, len, ret);
    public void Flush(int self, nint ret) => JsFlush(self, ret);
    public int SubscribeOutputStream(int self) => JsSubscribeOutputStream(self);
    public void DropOutputStream(int self) => JsDropOutputStream(self);
    public void ErrorToDebugString(int self, nint ret) => JsErrorToDebugString(self, ret);
    public void DropError(int self) => JsDropError(self);
    public void Poll(nint listPtr, int listLen, nint ret) => JsPoll(listPtr, listLen, ret);
    public int PollableReady(int self) => JsPollableReady(self);
    public void PollableBlock(int self) => JsPollableBlock(self);
    public void DropPollable(int self) => JsDropPollable(self);
    public long Now() => JsNow();
    public int SubscribeDuration(long nanoseconds) => JsSubscribeDuration(nanoseconds);
    public int SubscribeInstant(long instant) => JsSubscribeInstant(instant);

    [JSImport("InstanceNetwork", ModuleName)] private static partial int JsInstanceNetwork();
    [JSImport("DropNetwork", ModuleName)] private static partial void JsDropNetwork(int self);
    [JSImport("CreateTcpSocket", ModuleName)] private static partial void JsCreateTcpSocket(int family, nint ret);
    [JSImport("StartBind", ModuleName)] private static partial void JsStartBind(int self, int network, int a0, int a1, int a2, int a3, int a4, int a5, int a6, int a7, int a8, int a9, int a10, int a11, nint ret);
    [JSImport("FinishBind", ModuleName)] private static partial void JsFinishBind(int self, nint ret);
    [JSImport("StartConnect", ModuleName)] private static partial void JsStartConnect(int self, int network, int a0, int a1, int a2, int a3, int a4, int a5, int a6, int a7, int a8, int a9, int a10, int a11, nint ret);
    [JSImport("FinishConnect", ModuleName)] private static partial void JsFinishConnect(int self, nint ret);
    [JSImport("StartListen", ModuleName)] private static partial void JsStartListen(int self, nint ret);
    [JSImport("FinishListen", ModuleName)] private static partial void JsFinishListen(int self, nint ret);
    [JSImport("Accept", ModuleName)] private static partial void JsAccept(int self, nint ret);
    [JSImport("LocalAddress", ModuleName)] private static partial void JsLocalAddress(int self, nint ret);
    [JSImport("RemoteAddress", ModuleName)] private static partial void JsRemoteAddress(int self, nint ret);
    [JSImport("SetListenBacklogSize", ModuleName)] private static partial void JsSetListenBacklogSize(int self, [JSMarshalAs<JSType.BigInt>] long value, nint ret);
    [JSImport("SetKeepAliveEnabled", ModuleName)] private static partial void JsSetKeepAliveEnabled(int self, int value, nint ret);
    [JSImport("SetKeepAliveIdleTime", ModuleName)] private static partial void JsSetKeepAliveIdleTime(int self, [JSMarshalAs<JSType.BigInt>] long value, nint ret);
    [JSImport("SetKeepAliveInterval", ModuleName)] private static partial void JsSetKeepAliveInterval(int self, [JSMarshalAs<JSType.BigInt>] long value, nint ret);
    [JSImport("SetKeepAliveCount", ModuleName)] private static partial void JsSetKeepAliveCount(int self, int value, nint ret);
    [JSImport("SetHopLimit", ModuleName)] private static partial void JsSetHopLimit(int self, int value, nint ret);
    [JSImport("SetReceiveBufferSize", ModuleName)] private static partial void JsSetReceiveBufferSize(int self, [JSMarshalAs<JSType.BigInt>] long value, nint ret);
    [JSImport("SetSendBufferSize", ModuleName)] private static partial void JsSetSendBufferSize(int self, [JSMarshalAs<JSType.BigInt>] long value, nint ret);
    [JSImport("SubscribeTcpSocket", ModuleName)] private static partial int JsSubscribeTcpSocket(int self);
    [JSImport("Shutdown", ModuleName)] private static partial void JsShutdown(int self, int how, nint ret);
    [JSImport("DropTcpSocket", ModuleName)] private static partial void JsDropTcpSocket(int self);
    [JSImport("ResolveAddresses", ModuleName)] private static partial void JsResolveAddresses(int network, nint namePtr, int nameLen, nint ret);
    [JSImport("ResolveNextAddress", ModuleName)] private static partial void JsResolveNextAddress(int self, nint ret);
    [JSImport("SubscribeResolveAddressStream", ModuleName)] private static partial int JsSubscribeResolveAddressStream(int self);
    [JSImport("DropResolveAddressStream", ModuleName)] private static partial void JsDropResolveAddressStream(int self);
    [JSImport("Read", ModuleName)] private static partial void JsRead(int self, [JSMarshalAs<JSType.BigInt>] long len, nint ret);
    [JSImport("SubscribeInputStream", ModuleName)] private static partial int JsSubscribeInputStream(int self);
    [JSImport("DropInputStream", ModuleName)] private static partial void JsDropInputStream(int self);
    [JSImport("CheckWrite", ModuleName)] private static partial void JsCheckWrite(int self, nint ret);
    [JSImport("Write", ModuleName)] private static partial void JsWrite(int self, nint ptr, int len, nint ret);
    [JSImport("Flush", ModuleName)] private static partial void JsFlush(int self, nint ret);
    [JSImport("SubscribeOutputStream", ModuleName)] private static partial int JsSubscribeOutputStream(int self);
    [JSImport("DropOutputStream", ModuleName)] private static partial void JsDropOutputStream(int self);
    [JSImport("ErrorToDebugString", ModuleName)] private static partial void JsErrorToDebugString(int self, nint ret);
    [JSImport("DropError", ModuleName)] private static partial void JsDropError(int self);
    [JSImport("Poll", ModuleName)] private static partial void JsPoll(nint listPtr, int listLen, nint ret);
    [JSImport("PollableReady", ModuleName)] private static partial int JsPollableReady(int self);
    [JSImport("PollableBlock", ModuleName)] private static partial void JsPollableBlock(int self);
    [JSImport("DropPollable", ModuleName)] private static partial void JsDropPollable(int self);
    [JSImport("Now", ModuleName)] [return: JSMarshalAs<JSType.BigInt>] private static partial long JsNow();
    [JSImport("SubscribeDuration", ModuleName)] private static partial int JsSubscribeDuration([JSMarshalAs<JSType.BigInt>] long nanoseconds);
    [JSImport("SubscribeInstant", ModuleName)] private static partial int JsSubscribeInstant([JSMarshalAs<JSType.BigInt>] long instant);
}
