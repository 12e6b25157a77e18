using Libp2p.Transports;
using Libp2p.Transports.Tcp;

namespace Libp2p.Tests.Transports.Conformance;

/// <summary>The conformance suite on System.Net.Sockets.</summary>
public sealed class TcpTransportConformanceTests : TransportConformanceTests
{
    protected override Task RunAsync(Func<Func<ITransport>, Task> test) => test(() => new TcpTransport());
}
