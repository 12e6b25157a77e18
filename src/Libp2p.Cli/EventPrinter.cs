using System.CommandLine;
using Libp2p.Host;
using Libp2p.Identity;
using Libp2p.Multiformats;

namespace Libp2p.Cli;

/// <summary>Host events as lines: human text, or one JSON object a line with --json.</summary>
internal sealed class EventPrinter(ParseResult parse)
{
    private readonly bool _json = Output.IsJson(parse);
    private readonly HashSet<Multiaddr> _announced = [];

    public void Listening(PeerId peerId, IReadOnlyList<Multiaddr> addrs)
    {
        _announced.UnionWith(addrs); // the host also queues these as events; print them once
        if (_json)
        {
            Output.WriteJsonObject(parse, w =>
            {
                w.WriteString("event", "listening");
                w.WriteString("peerId", peerId.ToString());
                w.WriteStartArray("addrs");
                foreach (var a in addrs) w.WriteStringValue(a.ToString());
                w.WriteEndArray();
            });
            return;
        }
        Output.WriteLine(parse, $"Listening as {peerId} on:");
        foreach (var a in addrs) Output.WriteLine(parse, $"  {a}");
    }

    public void Print(HostEvent e)
    {
        switch (e)
        {
            case HostEvent.ConnectionOpened o:
                Line("connection:open", $"connection opened: {o.Connection.RemotePeer} ({o.Connection.Direction.ToString().ToLowerInvariant()}, {o.Connection.RemoteAddress}, {o.Connection.SecurityProtocol})",
                    ("peer", o.Connection.RemotePeer.ToString()), ("remoteAddr", o.Connection.RemoteAddress.ToString()),
                    ("direction", o.Connection.Direction == ConnectionDirection.Inbound ? "inbound" : "outbound"),
                    ("security", o.Connection.SecurityProtocol));
                break;
            case HostEvent.ConnectionClosed c:
                Line("connection:close", $"connection closed: {c.Connection.RemotePeer}{(c.Reason is null ? "" : $" ({c.Reason.Message})")}",
                    ("peer", c.Connection.RemotePeer.ToString()), ("reason", c.Reason?.Message));
                break;
            case HostEvent.PeerIdentified i:
                var info = i.Connection.RemoteIdentify!;
                Line("peer:identify", $"identified {i.Connection.RemotePeer}: {info.AgentVersion}",
                    ("peer", i.Connection.RemotePeer.ToString()), ("agentVersion", info.AgentVersion));
                break;
            case HostEvent.ListenAddressAdded a when !_announced.Remove(a.Address):
                Line("listen:addr", $"listening on {a.Address}", ("addr", a.Address.ToString()));
                break;
            case HostEvent.ListenAddressExpired x:
                Line("listen:expired", $"no longer listening on {x.Address}", ("addr", x.Address.ToString()));
                break;
            case HostEvent.ListenerClosed l:
                Line("listener:closed", $"listener closed{(l.Reason is null ? "" : $": {l.Reason.Message}")}", ("reason", l.Reason?.Message));
                break;
            case HostEvent.ListenerError le:
                Line("listener:error", $"listener error: {le.Error.Message}", ("message", le.Error.Message));
                break;
            case HostEvent.IncomingConnectionFailed f:
                Line("connection:failed", $"incoming connection from {f.RemoteAddress} failed: {f.Error.Message}",
                    ("remoteAddr", f.RemoteAddress.ToString()), ("message", f.Error.Message));
                break;
        }
    }

    public void Closed() => Line("closed", "closed", []);

    /// <summary>The DHT joined (after bootstrap, when --bootstrap was given).</summary>
    public void DhtReady(Kad.KadDht dht) =>
        Line("dht:ready", $"DHT {dht.Mode.ToString().ToLowerInvariant()} on {dht.Options.ProtocolId}, routing table: {dht.RoutingTable.Count} peer(s)",
            ("mode", dht.Mode.ToString().ToLowerInvariant()), ("protocol", dht.Options.ProtocolId), ("peers", dht.RoutingTable.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    private void Line(string name, string human, params (string Key, string? Value)[] fields)
    {
        if (!_json)
        {
            Output.WriteLine(parse, human);
            return;
        }
        Output.WriteJsonObject(parse, w =>
        {
            w.WriteString("event", name);
            foreach (var (k, v) in fields)
            {
                if (v is null) w.WriteNull(k);
                else w.WriteString(k, v);
            }
        });
    }
}
