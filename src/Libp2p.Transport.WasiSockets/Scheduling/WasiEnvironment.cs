using System.Runtime.Versioning;
using Libp2p.Transport.WasiSockets.Abi;
using Libp2p.Transport.WasiSockets.Wit;

namespace Libp2p.Transport.WasiSockets.Scheduling;

/// <summary>A WASI backend together with the scheduler that waits on its pollables.</summary>
public sealed record WasiEnvironment(IWasiBackend Backend, IWasiScheduler Scheduler)
{
    /// <summary>browser-wasm under Node with wasm/host/main.mjs: JSImport glue over preview2-shim and our own loop.</summary>
    [SupportedOSPlatform("browser")]
    public static WasiEnvironment NodeJsHost()
    {
        var backend = new JsHostBackend();
        return new WasiEnvironment(backend, new PollingEventLoop(backend, JsHostImports.YieldToEventLoop));
    }

    /// <summary>A WASI 0.2 component built with componentize-dotnet: canonical-ABI imports and the runtime's loop.</summary>
    public static WasiEnvironment Component() => new(new CanonicalAbiBackend(), new WasiRuntimeScheduler());
}
