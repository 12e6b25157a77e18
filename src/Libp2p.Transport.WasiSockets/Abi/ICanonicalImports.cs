namespace Libp2p.Transport.WasiSockets.Abi;

/// <summary>
/// The 44 WASI 0.2.0 imports <see cref="CanonicalAbiBackend"/> calls, with their canonical-ABI (flattened) signatures:
/// the seam between the backend's lowering/lifting and whatever finally performs the call. A component build links
/// them as Wasm imports (<see cref="ComponentImports"/> over <see cref="CanonicalImports"/>); under Node,
/// <see cref="JcoImports"/> hands each call to the function jco lowered for it (wasm/host/canonical-glue.mjs).
/// Pointers are addresses in this module's linear memory.
/// </summary>
internal interface ICanonicalImports
{
    int InstanceNetwork();
    void DropNetwork(int self);
    void CreateTcpSocket(int family, nint ret);
    void StartBind(int self, int network, int a0, int a1, int a2, int a3, int a4, int a5, int a6, int a7, int a8, int a9, int a10, int a11, nint ret);
    void FinishBind(int self, nint ret);
    void StartConnect(int self, int network, int a0, int a1, int a2, int a3, int a4, int a5, int a6, int a7, int a8, int a9, int a10, int a11, nint ret);
    void FinishConnect(int self, nint ret);
    void StartListen(int self, nint ret);
    void FinishListen(int self, nint ret);
    void Accept(int self, nint ret);
    void LocalAddress(int self, nint ret);
    void RemoteAddress(int self, nint ret);
    void SetListenBacklogSize(int self, long value, nint ret);
    void SetKeepAliveEnabled(int self, int value, nint ret);
    void SetKeepAliveIdleTime(int self, long value, nint ret);
    void SetKeepAliveInterval(int self, long value, nint ret);
    void SetKeepAliveCount(int self, int value, nint ret);
    void SetHopLimit(int self, int value, nint ret);
    void SetReceiveBufferSize(int self, long value, nint ret);
    void SetSendBufferSize(int self, long value, nint ret);
    int SubscribeTcpSocket(int self);
    void Shutdown(int self, int how, nint ret);
    void DropTcpSocket(int self);
    void ResolveAddresses(int network, nint namePtr, int nameLen, nint ret);
    void ResolveNextAddress(int self, nint ret);
    int SubscribeResolveAddressStream(int self);
    void DropResolveAddressStream(int self);
    void Read(int self, long len, nint ret);
    int SubscribeInputStream(int self);
    void DropInputStream(int self);
    void CheckWrite(int self, nint ret);
    void Write(int self, nint ptr, int len, nint ret);
    void Flush(int self, nint ret);
    int SubscribeOutputStream(int self);
    void DropOutputStream(int self);
    void ErrorToDebugString(int self, nint ret);
    void DropError(int self);
    void Poll(nint listPtr, int listLen, nint ret);
    int PollableReady(int self);
    void PollableBlock(int self);
    void DropPollable(int self);
    long Now();
    int SubscribeDuration(long nanoseconds);
    int SubscribeInstant(long instant);}
