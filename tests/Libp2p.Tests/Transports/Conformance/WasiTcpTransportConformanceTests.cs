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

    public static Task RunAsync(Func<WasiEnvironment, LoopbackWasiBackend, Task> test) => SingleThreadedLoop.RunAsync(() =>
    {
        var backend = new LoopbackWasiBackend();
        var environment = new WasiEnvironment(backend, new PollingEventLoop(backend, SingleThreadedLoop.YieldToHost));
        return test(environment, backend);
    }, TestTimeout);
}
