using System.CommandLine;
using Libp2p.Host;
using Libp2p.Identity;
using Libp2p.Multiformats;
using Libp2p.Relay;

namespace Libp2p.Cli.Commands;

/// <summary>
/// <c>p2p listen [--key FILE] [--listen MA ...] [--relay] [--via RELAY-MA ...] [--perf] [--pubsub gossipsub|floodsub --subscribe TOPIC ...]
/// [--dht | --dht-client] [--bootstrap MA ...] [--json]</c>: a node that serves ping, identify (and perf, pubsub, the
/// DHT) until SIGINT/SIGTERM. First line: the listening event; then one line per event (with pubsub: peers joining/leaving
/// topics and every message of the subscribed topics).
/// </summary>
internal static class ListenCommand
{
    public static Command Create()
    {
        var listen = new Option<string[]>("--listen")
        {
            Description = "Address to listen on (repeatable). Default: /ip4/127.0.0.1/tcp/0, or nothing when --via is given.",
            AllowMultipleArgumentsPerToken = false,
        };
        var relay = new Option<bool>("--relay") { Description = "Also serve circuit relay v2 (hop): others may reserve a slot here and be reached through this node." };
        var via = new Option<string[]>("--via")
        {
            Description = "Relay address (…/p2p/RELAY): reserve a slot there and announce …/p2p/RELAY/p2p-circuit/p2p/<our id> (repeatable).",
            AllowMultipleArgumentsPerToken = false,
        };
        var perf = new Option<bool>("--perf") { Description = "Also serve /perf/1.0.0." };
        var pubsubRouter = PubSubSetup.RouterOption(required: false);
        var subscribe = new Option<string[]>("--subscribe") { Description = "With --pubsub: subscribe to this topic and print its messages (repeatable)." };
        var dht = new Option<bool>("--dht") { Description = "Run a Kademlia DHT server (serves and announces the DHT protocol)." };
        var dhtClient = new Option<bool>("--dht-client") { Description = "Run a Kademlia DHT client (queries only; in nobody's routing table)." };
        var command = new Command("listen", "Run a node that serves ping, identify (and perf) until interrupted.")
        {
            NodeSetup.KeyOption, NodeSetup.SecurityOption, listen, relay, via, perf, pubsubRouter, subscribe, dht, dhtClient, DhtSetup.BootstrapOption, DhtSetup.ProtocolOption, NodeSetup.TimeoutOption, LimitOptions.Option, Output.JsonOption,
        };
        command.SetRunner(async (parse, ct) =>
        {
            var relays = (parse.GetValue(via) ?? []).Select(RelayListenAddress).ToList();
            var given = parse.GetValue(listen) ?? [];
            if (given.Length == 0 && relays.Count == 0) given = ["/ip4/127.0.0.1/tcp/0"];
            var addresses = given.Select(a => NodeSetup.ParseAddress(a, "--listen address")).ToList();
            await using var host = NodeSetup.CreateHost(parse, enablePerf: parse.GetValue(perf), listener: true);
            foreach (var a in addresses)
                await host.ListenAsync(a, ct);
            await using var relayService = parse.GetValue(relay) ? host.StartRelayService() : null;
            // Listening on RELAY/p2p-circuit returns once the relay granted the reservation, so the listening line
            // below carries the circuit address; a refused reservation fails the command.
            foreach (var r in relays)
            {
                using var deadline = new Core.Deadline(NodeSetup.TimeoutFrom(parse), host.TimeProvider, ct);
                try { await host.ListenAsync(r, deadline.Token); }
                catch (OperationCanceledException) when (deadline.Expired) { throw new CliException($"--via {r}: no reservation within the timeout"); }
                catch (Transports.TransportException e) { throw new CliException($"--via {r}: {e.Message}", e); }
            }
            var router = PubSubSetup.ParseRouter(parse.GetValue(pubsubRouter));
            var topics = parse.GetValue(subscribe) ?? [];
            if (router is null && topics.Length > 0) throw new CliException("--subscribe needs --pubsub gossipsub|floodsub");
            await using var pubsub = router is { } kind ? PubSubSetup.Create(host, kind) : null;
            var printers = new List<Task>();
            if (pubsub is not null)
            {
                pubsub.SubscriptionChanged += c => PubSubSetup.PrintChange(parse, c);
                foreach (var topic in topics.Distinct())
                    printers.Add(PubSubSetup.PrintAllAsync(parse, await pubsub.SubscribeAsync(topic, ct), _ => true, ct));
            }
            var events = new EventPrinter(parse);
            events.Listening(host.PeerId, host.ListenAddresses);
            if (parse.GetValue(dht) && parse.GetValue(dhtClient)) throw new CliException("--dht and --dht-client exclude each other");
            await using var kad = parse.GetValue(dht) || parse.GetValue(dhtClient)
                ? await DhtSetup.StartAsync(parse, host, parse.GetValue(dht) ? Kad.KadMode.Server : Kad.KadMode.Client, ct)
                : null;
            if (kad is not null) events.DhtReady(kad);
            try
            {
                await foreach (var e in host.Events.ReadAllAsync(ct))
                    events.Print(e);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
            if (pubsub is not null) await pubsub.DisposeAsync();
            await Task.WhenAll(printers);
            await host.DisposeAsync();
            events.Closed();
            return CommandRunner.Ok;
        });
        return command;
    }

    /// <summary><c>--via</c>'s relay address as a circuit listen address (<c>…/p2p/RELAY/p2p-circuit</c>).</summary>
    private static Multiaddr RelayListenAddress(string text)
    {
        var address = NodeSetup.ParseAddress(text, "--via address");
        if (address.Components.Count > 0 && address.Components[^1].Protocol.Code == MultiaddrProtocol.P2pCircuit.Code)
            address = address.Decapsulate(MultiaddrProtocol.P2pCircuit);
        if (address.PeerId is null)
            throw new CliException($"--via {text}: the relay address must end in /p2p/<relay peer id>");
        return CircuitAddress.ListenAddress(address);
    }
}
