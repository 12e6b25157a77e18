using Libp2p.Identity;
using Libp2p.Multiformats;

namespace Libp2p.Relay;

/// <summary>
/// A circuit address taken apart: <c>[relay transport address]/p2p/RELAY/p2p-circuit[/p2p/TARGET]</c>. Without the
/// target it is a listen address (reserve a slot on that relay); with it, a dial address. Relay chains (a second
/// <c>/p2p-circuit</c>) are refused, as circuit relay v2 relays refuse them.
/// </summary>
public sealed record CircuitAddress(Multiaddr Relay, PeerId RelayPeer, PeerId? Target)
{
    /// <summary>True when the relay part names only the relay's peer id (it is then dialed by id, through the peer store).</summary>
    public bool RelayHasTransportAddress => Relay.Components.Count > 1;

    /// <summary>Parses the shape; null with a reason when <paramref name="address"/> is not a circuit address this transport serves.</summary>
    public static CircuitAddress? TryParse(Multiaddr address, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(address);
        var parts = address.Components;
        int circuit = -1;
        for (int i = 0; i < parts.Count; i++)
        {
            if (parts[i].Protocol.Code != MultiaddrProtocol.P2pCircuit.Code) continue;
            if (circuit >= 0)
            {
                problem = $"{address} goes through more than one relay; circuit relay v2 relays refuse chains";
                return null;
            }
            circuit = i;
        }
        if (circuit < 0)
        {
            problem = $"{address} has no /p2p-circuit; not a relay address";
            return null;
        }
        if (circuit == 0 || parts[circuit - 1].Protocol.Code != MultiaddrProtocol.P2p.Code
            || !PeerId.TryFromBytes(parts[circuit - 1].RawValue.Span, out var relayPeer))
        {
            problem = $"{address} does not name the relay (/p2p/<relay id> before /p2p-circuit)";
            return null;
        }
        PeerId? target = null;
        int rest = parts.Count - circuit - 1;
        if (rest == 1 && parts[^1].Protocol.Code == MultiaddrProtocol.P2p.Code && PeerId.TryFromBytes(parts[^1].RawValue.Span, out var t))
            target = t;
        else if (rest != 0)
        {
            problem = $"{address} must end in /p2p-circuit (to listen) or /p2p-circuit/p2p/<target id> (to dial)";
            return null;
        }
        problem = null;
        return new CircuitAddress(new Multiaddr(parts.Take(circuit)), relayPeer, target);
    }

    /// <summary><c>RELAY/p2p-circuit</c>: where the relay's clients are reached (what a listener announces).</summary>
    public static Multiaddr ListenAddress(Multiaddr relay) => relay.Encapsulate(MultiaddrComponent.Create(MultiaddrProtocol.P2pCircuit));

    /// <summary><c>RELAY/p2p-circuit/p2p/PEER</c>.</summary>
    public static Multiaddr DialAddress(Multiaddr relay, PeerId peer) => ListenAddress(relay).Encapsulate(MultiaddrComponent.P2p(peer));
}
