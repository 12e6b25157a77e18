using Libp2p.Tests.WasiSockets;
using Libp2p.Transport.WasiSockets;
using Libp2p.Transport.WasiSockets.Scheduling;
using Libp2p.Transports;

namespace Libp2p.Tests.Transports.Conformance;

/// <summary>
/// The conformance suite on <c>wasi:sockets</c>: <see cref="WasiTcpTransport"/> with its own event loop
/// (<see cref="PollingEventLoop"/>, as under Node) over an in-process WASI host on real loopback sockets
/// (<see cref="LoopbackWasiBackend"/>), everything on one thread as in a component.
/// </summary>
public sealed class WasiTcpTransportConformanceTests : TransportConformanceTests
{
    protected override Task RunAsync(Func<Func<ITransport>, Task> test) =>
        WasiTransports.RunAsync((environment, _) => test(() => new WasiTcpTransport(environment)));
}

/// <summary>Runs a test on a single-threaded loop with a fresh in-process WASI host and event loop.</summary>
internal static class WasiTransports
{
    public static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The loop takes its turns as under Node (host turns: the host calls <see cref="PollingEventLoop.RunHostTurn"/>
    /// from its own queue), here posted to the test thread's queue.
    /// </summary>
    public static Task RunAsync(Func<WasiEnvironment, LoopbackWasiBackend, Task> test) => SingleThreadedLoop.RunAsync(() =>
    {
        var backend = new LoopbackWasiBackend();
        var host = SynchronizationContext.Current!;
        PollingEventLoop? loop = null;
        loop = new PollingEventLoop(backend, () => host.Post(static l => ((PollingEventLoop)l!).RunHostTurn(), loop));
        return test(new WasiEnvironment(backend, loop), backend);
    }, TestTimeout);
}
