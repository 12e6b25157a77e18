using System.CommandLine;
using Libp2p.Host;

namespace Libp2p.Cli.Commands;

/// <summary>
/// <c>p2p listen [--key FILE] [--listen MA ...] [--perf] [--pubsub gossipsub|floodsub --subscribe TOPIC ...]
/// [--dht | --dht-client] [--bootstrap MA ...] [--json]</c>: a node that serves ping, identify (and perf, pubsub, the
/// DHT) until SIGINT/SIGTERM. First line: the listening event; then one line per event (with pubsub: peers joining/leaving
/// topics and every message of the subscribed topics).
/// </summary>
public static class ListenCommand
{
    public static Command Create()
    {
        var listen = new Option<string[]>("--listen")
        {
            Description = "Address to listen on (repeatable).",
            DefaultValueFactory = _ => ["/ip4/127.0.0.1/tcp/0"],
            AllowMultipleArgumentsPerToken = false,
        };
        var perf = new Option<bool>("--perf") { Description = "Also serve /perf/1.0.0." };
        var pubsubRouter = PubSubSetup.RouterOption(required: false);
        var subscribe = new Option<string[]>("--subscribe") { Description = "With --pubsub: subscribe to this topic and print its messages (repeatable)." };
        var dht = new Option<bool>("--dht") { Description = "Run a Kademlia DHT server (serves and announces the DHT protocol)." };
        var dhtClient = new Option<bool>("--dht-client") { Description = "Run a Kademlia DHT client (queries only; in nobody's routing table)." };
        var command = new Command("listen", "Run a node that serves ping, identify (and perf) until interrupted.")
        {
            NodeSetup.KeyOption, NodeSetup.SecurityOption, listen, perf, pubsubRouter, subscribe, dht, dhtClient, DhtSetup.BootstrapOption, DhtSetup.ProtocolOption, NodeSetup.TimeoutOption, Output.JsonOption,
        };
        command.SetRunner(async (parse, ct) =>
        {
            var addresses = parse.GetValue(listen)!.Select(a => NodeSetup.ParseAddress(a, "--listen address")).ToList();
            await using var host = NodeSetup.CreateHost(parse, enablePerf: parse.GetValue(perf));
            foreach (var a in addresses)
                await host.ListenAsync(a, ct);
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
}
