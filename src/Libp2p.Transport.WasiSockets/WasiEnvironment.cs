using System.Runtime.Versioning;
using Libp2p.Transport.WasiSockets.Abi;
using Libp2p.Transport.WasiSockets.Scheduling;
using Libp2p.Transport.WasiSockets.Wit;

namespace Libp2p.Transport.WasiSockets;

/// <summary>
/// Where the node runs: a WASI backend (how <c>wasi:sockets</c> is reached) together with the scheduler that waits on
/// its pollables. Choose one with <see cref="Component"/> or <see cref="NodeJsHost()"/> and hand it to
/// <see cref="WasiTcpTransport"/>; give the host its <see cref="TimeProvider"/>.
/// </summary>
public sealed class WasiEnvironment
{
    internal WasiEnvironment(IWasiBackend backend, IWasiScheduler scheduler, WasiHostDefects hostDefects = WasiHostDefects.None)
    {
        Backend = backend;
        Scheduler = scheduler;
        HostDefects = hostDefects;
    }

    internal IWasiBackend Backend { get; }

    internal IWasiScheduler Scheduler { get; }

    /// <summary>Host defects the transport works around (the JSImport glue hides its host's in JS instead).</summary>
    internal WasiHostDefects HostDefects { get; }

    /// <summary>
    /// The clock of this environment's event loop (inside Wasm, <c>wasi:clocks/monotonic-clock</c>): give it to
    /// <c>HostOptions.TimeProvider</c> so that timeouts and keep-alives run on the loop that drives the sockets.
    /// </summary>
    public TimeProvider TimeProvider => Scheduler.TimeProvider;

    /// <summary>browser-wasm under Node with wasm/host/main.mjs: JSImport glue over preview2-shim and our own loop.</summary>
    [SupportedOSPlatform("browser")]
    public static WasiEnvironment NodeJsHost() => NodeJsHost(NodeHostAbi.JsGlue);

    /// <summary>
    /// browser-wasm under Node with wasm/host/main.mjs, through <paramref name="abi"/>; the host must have registered
    /// the matching JS module (main.mjs does for <c>--abi js|canonical</c>).
    /// </summary>
    [SupportedOSPlatform("browser")]
    public static WasiEnvironment NodeJsHost(NodeHostAbi abi)
    {
        IWasiBackend backend = abi == NodeHostAbi.Canonical ? new CanonicalAbiBackend(JcoImports.Instance) : new JsHostBackend();
        // The .NET thread pool runs from the JS event loop in browser-wasm: while it has work, the loop must not block.
        // Host turns, not a JSImport Task per turn: such a task completes through the thread pool (a setTimeout(0),
        // >= 1 ms in Node), which cost every turn, i.e. every round trip of a dial, a millisecond or more.
        int turnCallback = 0;
        var loop = new PollingEventLoop(backend, () => JsHostImports.RequestTurn(turnCallback), static () => ThreadPool.PendingWorkItemCount > 0);
        turnCallback = JsHostImports.RegisterTurnCallback(loop.RunHostTurn);
        // Through jco the calls reach preview2-shim as they are; the JS glue already works around this one.
        return new WasiEnvironment(backend, loop, abi == NodeHostAbi.Canonical ? WasiHostDefects.ShutdownDestroysSocket : WasiHostDefects.None);
    }

    /// <summary>A WASI 0.2 component built with componentize-dotnet: canonical-ABI imports and the runtime's loop.</summary>
    public static WasiEnvironment Component() => new(new CanonicalAbiBackend(), new WasiRuntimeScheduler());
}
