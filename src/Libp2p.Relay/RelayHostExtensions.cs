using Libp2p.Host;

namespace Libp2p.Relay;

/// <summary>How a host gets circuit relay v2: the client transport in its options, the relay service on the host.</summary>
public static class RelayHostExtensions
{
    /// <summary>
    /// Adds the circuit relay v2 client (<see cref="CircuitRelayTransport"/>) to the host's transports: the host can then
    /// dial <c>…/p2p/RELAY/p2p-circuit/p2p/TARGET</c>, listen on <c>…/p2p/RELAY/p2p-circuit</c> (reserving a slot) and
    /// accept relayed connections.
    /// </summary>
    public static CircuitRelayTransport AddCircuitRelay(this HostOptions options, RelayClientOptions? client = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var transport = new CircuitRelayTransport(client);
        options.Transports.Add(transport);
        return transport;
    }

    /// <summary>Serves the hop protocol on <paramref name="host"/>: it becomes a relay for others. Dispose the result to stop.</summary>
    public static RelayService StartRelayService(this Libp2pHost host, RelayServiceOptions? options = null) => new(host, options);
}
