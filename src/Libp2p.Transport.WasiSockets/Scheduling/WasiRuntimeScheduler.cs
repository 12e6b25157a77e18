using System.Runtime.CompilerServices;
using Libp2p.Transport.WasiSockets.Wit;

namespace Libp2p.Transport.WasiSockets.Scheduling;

/// <summary>
/// For a real WASI build (componentize-dotnet, NativeAOT-LLVM): the runtime owns the event loop, so a wait is
/// handed to <c>System.Threading.Thread.RegisterWasiPollableHandle</c> (internal; reached through
/// <see cref="UnsafeAccessorAttribute"/> as componentize-dotnet's own wasi:http code does). The runtime's timers
/// already work there, so time is <see cref="TimeProvider.System"/>. Compiled here, runnable only on WASI.
/// </summary>
internal sealed class WasiRuntimeScheduler : IWasiScheduler
{
    public TimeProvider TimeProvider => TimeProvider.System;

    public ValueTask WaitAsync(Pollable pollable, CancellationToken cancellationToken = default)
    {
        if (!OperatingSystem.IsWasi())
            throw new PlatformNotSupportedException("WasiRuntimeScheduler needs the .NET WASI runtime's event loop.");
        // ownsPollable: false — the pollable is cached by its stream/socket and reused for every wait.
        return new ValueTask(RegisterWasiPollableHandle(null, pollable.Handle, ownsPollable: false, cancellationToken));
    }

    public async ValueTask YieldAsync() => await Task.Yield();

    [UnsafeAccessor(UnsafeAccessorKind.StaticMethod, Name = "RegisterWasiPollableHandle")]
    private static extern Task RegisterWasiPollableHandle(Thread? thread, int handle, bool ownsPollable, CancellationToken cancellationToken);
}
