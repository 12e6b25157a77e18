using Libp2p.Transport.WasiSockets.Wit;

namespace Libp2p.Transport.WasiSockets.Scheduling;

/// <summary>
/// The one seam between the transport and whoever runs the event loop: "wake me when this pollable is ready"
/// and the clock. <see cref="PollingEventLoop"/> runs its own loop (browser-wasm on Node); <see cref="WasiRuntimeScheduler"/>
/// hands pollables to the .NET WASI runtime's loop (componentize-dotnet builds).
/// </summary>
internal interface IWasiScheduler
{
    /// <summary>Time for everything above the transport (timeouts, keep-alives); on our own loop it is monotonic-clock.</summary>
    TimeProvider TimeProvider { get; }

    /// <summary>Completes when <paramref name="pollable"/> is ready. The pollable stays owned by the caller and is reusable.</summary>
    ValueTask WaitAsync(Pollable pollable, CancellationToken cancellationToken = default);

    /// <summary>Lets other ready work run before continuing (fairness for a connection that never has to wait).</summary>
    ValueTask YieldAsync();
}
