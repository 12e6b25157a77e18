using System.Net;

namespace Libp2p.Transport.WasiSockets.Wit;

/// <summary>
/// The WASI 0.2 functions this transport uses, one member per WIT function, resources as <c>i32</c> handles.
/// Two implementations: <see cref="Abi.CanonicalAbiBackend"/> (component imports, for componentize-dotnet
/// wasi-wasm builds) and <see cref="Abi.JsHostBackend"/> (JSImport glue to jco's preview2-shim, for
/// browser-wasm on Node). Callers use the typed wrappers (<see cref="TcpSocket"/>, <see cref="InputStream"/>, ...),
/// which own handles and drop children before parents.
/// </summary>
internal interface IWasiBackend
{
    // wasi:sockets/instance-network
    int InstanceNetwork();
    void DropNetwork(int network);

    // wasi:sockets/tcp-create-socket
    WasiResult<int> CreateTcpSocket(IpAddressFamily family);

    // wasi:sockets/tcp
    WasiResult StartBind(int socket, int network, in IpSocketAddress localAddress);
    WasiResult FinishBind(int socket);
    WasiResult StartConnect(int socket, int network, in IpSocketAddress remoteAddress);
    WasiResult<(int Input, int Output)> FinishConnect(int socket);
    WasiResult StartListen(int socket);
    WasiResult FinishListen(int socket);
    WasiResult<(int Socket, int Input, int Output)> Accept(int socket);
    WasiResult<IpSocketAddress> LocalAddress(int socket);
    WasiResult<IpSocketAddress> RemoteAddress(int socket);
    WasiResult SetListenBacklogSize(int socket, ulong value);
    WasiResult SetKeepAliveEnabled(int socket, bool value);
    WasiResult SetKeepAliveIdleTime(int socket, ulong nanoseconds);
    WasiResult SetKeepAliveInterval(int socket, ulong nanoseconds);
    WasiResult SetKeepAliveCount(int socket, uint value);
    WasiResult SetHopLimit(int socket, byte value);
    WasiResult SetReceiveBufferSize(int socket, ulong value);
    WasiResult SetSendBufferSize(int socket, ulong value);
    int SubscribeTcpSocket(int socket);
    WasiResult Shutdown(int socket, ShutdownType how);
    void DropTcpSocket(int socket);

    // wasi:sockets/ip-name-lookup
    WasiResult<int> ResolveAddresses(int network, string name);
    /// <summary><c>resolve-next-address</c>: ok(null) when the stream is exhausted.</summary>
    WasiResult<IPAddress?> ResolveNextAddress(int stream);
    int SubscribeResolveAddressStream(int stream);
    void DropResolveAddressStream(int stream);

    // wasi:io/streams
    /// <summary><c>input-stream.read</c> into <paramref name="destination"/> (at most its length); 0 bytes = nothing available yet.</summary>
    StreamStatus Read(int input, Span<byte> destination, out int bytesRead);
    int SubscribeInputStream(int input);
    void DropInputStream(int input);
    StreamStatus CheckWrite(int output, out long permitted);
    StreamStatus Write(int output, ReadOnlySpan<byte> source);
    StreamStatus Flush(int output);
    int SubscribeOutputStream(int output);
    void DropOutputStream(int output);
    /// <summary>The <c>to-debug-string</c> of the last <see cref="StreamStatus.Failed"/> error (the error resource is already dropped).</summary>
    string LastStreamError { get; }

    // wasi:io/poll
    /// <summary><c>poll</c>: blocks until one is ready; writes the ready indices, returns their count. Never call with an empty list.</summary>
    int Poll(ReadOnlySpan<int> pollables, Span<int> readyIndices);
    bool PollableReady(int pollable);
    /// <summary><c>pollable.block</c>: only for short synchronous steps (bind, listen) where no await is possible.</summary>
    void PollableBlock(int pollable);
    void DropPollable(int pollable);

    // wasi:clocks/monotonic-clock
    ulong MonotonicNow();
    int SubscribeDuration(ulong nanoseconds);
    int SubscribeInstant(ulong instant);
}
