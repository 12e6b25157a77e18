namespace Libp2p.Transport.WasiSockets.Abi;

/// <summary><see cref="ICanonicalImports"/> as the component's own Wasm imports (componentize-dotnet, wasi-wasm).</summary>
internal sealed class ComponentImports : ICanonicalImports
{
    public static readonly ComponentImports Instance = new();

    public int InstanceNetwork() => CanonicalImports.InstanceNetwork();
    public void DropNetwork(int self) => CanonicalImports.DropNetwork(self);
    public void CreateTcpSocket(int family, nint ret) => CanonicalImports.CreateTcpSocket(family, ret);
    public void StartBind(int self, int network, int a0, int a1, int a2, int a3, int a4, int a5, int a6, int a7, int a8, int a9, int a10, int a11, nint ret) => CanonicalImports.StartBind(self, network, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, ret);
    public void FinishBind(int self, nint ret) => CanonicalImports.FinishBind(self, ret);
    public void StartConnect(int self, int network, int a0, int a1, int a2, int a3, int a4, int a5, int a6, int a7, int a8, int a9, int a10, int a11, nint ret) => CanonicalImports.StartConnect(self, network, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, ret);
    public void FinishConnect(int self, nint ret) => CanonicalImports.FinishConnect(self, ret);
    public void StartListen(int self, nint ret) => CanonicalImports.StartListen(self, ret);
    public void FinishListen(int self, nint ret) => CanonicalImports.FinishListen(self, ret);
    public void Accept(int self, nint ret) => CanonicalImports.Accept(self, ret);
    public void LocalAddress(int self, nint ret) => CanonicalImports.LocalAddress(self, ret);
    public void RemoteAddress(int self, nint ret) => CanonicalImports.RemoteAddress(self, ret);
    public void SetListenBacklogSize(int self, long value, nint ret) => CanonicalImports.SetListenBacklogSize(self, value, ret);
    public void SetKeepAliveEnabled(int self, int value, nint ret) => CanonicalImports.SetKeepAliveEnabled(self, value, ret);
    public void SetKeepAliveIdleTime(int self, long value, nint ret) => CanonicalImports.SetKeepAliveIdleTime(self, value, ret);
    public void SetKeepAliveInterval(int self, long value, nint ret) => CanonicalImports.SetKeepAliveInterval(self, value, ret);
    public void SetKeepAliveCount(int self, int value, nint ret) => CanonicalImports.SetKeepAliveCount(self, value, ret);
    public void SetHopLimit(int self, int value, nint ret) => CanonicalImports.SetHopLimit(self, value, ret);
    public void SetReceiveBufferSize(int self, long value, nint ret) => CanonicalImports.SetReceiveBufferSize(self, value, ret);
    public void SetSendBufferSize(int self, long value, nint ret) => CanonicalImports.SetSendBufferSize(self, value, ret);
    public int SubscribeTcpSocket(int self) => CanonicalImports.SubscribeTcpSocket(self);
    public void Shutdown(int self, int how, nint ret) => CanonicalImports.Shutdown(self, how, ret);
    public void DropTcpSocket(int self) => CanonicalImports.DropTcpSocket(self);
    public void ResolveAddresses(int network, nint namePtr, int nameLen, nint ret) => CanonicalImports.ResolveAddresses(network, namePtr, nameLen, ret);
    public void ResolveNextAddress(int self, nint ret) => CanonicalImports.ResolveNextAddress(self, ret);
    public int SubscribeResolveAddressStream(int self) => CanonicalImports.SubscribeResolveAddressStream(self);
    public void DropResolveAddressStream(int self) => CanonicalImports.DropResolveAddressStream(self);
    public void Read(int self, long len, nint ret) => CanonicalImports.Read(self, len, ret);
    public int SubscribeInputStream(int self) => CanonicalImports.SubscribeInputStream(self);
    public void DropInputStream(int self) => CanonicalImports.DropInputStream(self);
    public void CheckWrite(int self, nint ret) => CanonicalImports.CheckWrite(self, ret);
    public void Write(int self, nint ptr, int len, nint ret) => CanonicalImports.Write(self, ptr, len, ret);
    public void Flush(int self, nint ret) => CanonicalImports.Flush(self, ret);
    public int SubscribeOutputStream(int self) => CanonicalImports.SubscribeOutputStream(self);
    public void DropOutputStream(int self) => CanonicalImports.DropOutputStream(self);
    public void ErrorToDebugString(int self, nint ret) => CanonicalImports.ErrorToDebugString(self, ret);
    public void DropError(int self) => CanonicalImports.DropError(self);
    public void Poll(nint listPtr, int listLen, nint ret) => CanonicalImports.Poll(listPtr, listLen, ret);
    public int PollableReady(int self) => CanonicalImports.PollableReady(self);
    public void PollableBlock(int self) => CanonicalImports.PollableBlock(self);
    public void DropPollable(int self) => CanonicalImports.DropPollable(self);
    public long Now() => CanonicalImports.Now();
    public int SubscribeDuration(long nanoseconds) => CanonicalImports.SubscribeDuration(nanoseconds);
    public int SubscribeInstant(long instant) => CanonicalImports.SubscribeInstant(instant);}
