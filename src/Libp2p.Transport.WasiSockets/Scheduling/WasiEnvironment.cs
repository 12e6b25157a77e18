using System.Runtime.Versioning;
using Libp2p.Transport.WasiSockets.Abi;
using Libp2p.Transport.WasiSockets.Wit;

namespace Libp2p.Transport.WasiSockets.Scheduling;

/// <summary>Which backend a browser-wasm app under Node talks to jco's WASI host through.</summary>
public enum NodeHostAbi
{
    /// <summary><see cref="JsHostBackend"/>: JSImport glue with its own conventions (wasm/host/wasi-glue.mjs).</summary>
    JsGlue,

    /// <summary>
    /// <see cref="CanonicalAbiBackend"/>, the backend a WASI component build uses, unchanged: only each import's
    /// final call goes through a JSImport twin to the function jco lowered (wasm/host/canonical-glue.mjs).
    /// </summary>
    Canonical,
}

/// <summary>Departures of a WASI host from the WIT contract that the transport itself must work around.</summary>
[Flags]
public enum WasiHostDefects
{
    None = 0,

    /// <summary>
    /// preview2-shim: <c>tcp-socket.shutdown</c> destroys the whole socket whatever the shutdown type (and polling the
    /// socket's own input afterwards hangs the process). The connection half-closes by dropping its output stream
    /// instead, which ends the Node socket's writable side (FIN after queued bytes) and leaves reading open.
    /// </summary>
    ShutdownDestroysSocket = 1,
}

/// <summary>A WASI backend together with the scheduler that waits on its pollables.</summary>
public sealed record WasiEnvironment(IWasiBackend Backend, IWasiScheduler Scheduler)
{
    /// <summary>Host defects the transport works around (the JSImport glue hides its host's in JS instead).</summary>
    public WasiHostDefects HostDefects { get; init; }

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
        return new WasiEnvironment(backend, loop)
        {
            // Through jco the calls reach preview2-shim as they are; the JS glue already works around this one.
            HostDefects = abi == NodeHostAbi.Canonical ? WasiHostDefects.ShutdownDestroysSocket : WasiHostDefects.None,
        };
    }

    /// <summary>A WASI 0.2 component built with componentize-dotnet: canonical-ABI imports and the runtime's loop.</summary>
    public static WasiEnvironment Component() => new(new CanonicalAbiBackend(), new WasiRuntimeScheduler());
}
