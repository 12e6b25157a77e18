using System.CommandLine;
using Libp2p.Identity;
using Libp2p.Kad;
using Libp2p.Kad.Records;

namespace Libp2p.Cli.Commands;

/// <summary>
/// <c>p2p dht find-peer|get|put|provide|find-providers ... --bootstrap MA...</c>: one DHT operation from a short-lived
/// client node (it queries but does not serve, so it enters nobody's routing table), then exit.
/// </summary>
internal static class DhtCommand
{
    public static Command Create()
    {
        var dht = new Command("dht", "Query the Kademlia DHT (as a client node joined through --bootstrap).");
        dht.Subcommands.Add(FindPeer());
        dht.Subcommands.Add(Get());
        dht.Subcommands.Add(Put());
        dht.Subcommands.Add(Provide());
        dht.Subcommands.Add(FindProviders());
        return dht;
    }

    private static Command NewCommand(string name, string description, params Symbol[] symbols)
    {
        var command = new Command(name, description);
        foreach (var s in symbols)
        {
            if (s is Argument a) command.Arguments.Add(a);
            else command.Options.Add((Option)s);
        }
        foreach (var o in new Option[] { DhtSetup.BootstrapOption, DhtSetup.ProtocolOption, NodeSetup.KeyOption, NodeSetup.SecurityOption, NodeSetup.TimeoutOption, Output.JsonOption })
            command.Options.Add(o);
        return command;
    }

    // Every operation: a host, a client DHT joined through --bootstrap, the operation within --timeout.
    private static void Run(Command command, Func<ParseResult, KadDht, CancellationToken, Task<int>> body, Option<string[]>? listen = null) =>
        command.SetRunner(async (parse, ct) =>
        {
            if (DhtSetup.BootstrapAddresses(parse).Count == 0) throw new CliException("--bootstrap is required");
            await using var host = NodeSetup.CreateHost(parse);
            if (listen is not null)
                foreach (var a in parse.GetValue(listen)!) await host.ListenAsync(NodeSetup.ParseAddress(a, "--listen address"), ct);
            using var deadline = new Core.Deadline(NodeSetup.TimeoutFrom(parse), host.TimeProvider, ct);
            await using var dht = await DhtSetup.StartAsync(parse, host, KadMode.Client, deadline.Token);
            try { return await body(parse, dht, deadline.Token); }
            catch (OperationCanceledException) when (deadline.Expired && !ct.IsCancellationRequested)
            {
                throw new CliException($"the DHT operation did not finish within {NodeSetup.TimeoutFrom(parse).TotalSeconds:0.#} s");
            }
        });

    private static Command FindPeer()
    {
        var peer = new Argument<string>("peer-id") { Description = "The peer to find." };
        var command = NewCommand("find-peer", "Find the addresses of a peer.", peer);
        Run(command, async (parse, dht, ct) =>
        {
            if (!PeerId.TryParse(parse.GetValue(peer), out var id)) throw new CliException($"bad peer id '{parse.GetValue(peer)}'");
            var found = await dht.FindPeerAsync(id, ct) ?? throw new CliException($"{id} was not found");
            if (Output.IsJson(parse)) Output.WriteJsonObject(parse, w => { w.WriteString("event", "peer"); DhtSetup.WritePeer(w, found); });
            else
            {
                Output.WriteLine(parse, $"{found.Id}:");
                foreach (var a in found.Addresses) Output.WriteLine(parse, $"  {a}");
            }
            return CommandRunner.Ok;
        });
        return command;
    }

    private static Command Get()
    {
        var key = new Argument<string>("key") { Description = "Record key: /pk/<peer id>, /ipns/<peer id>, or /namespace/... text." };
        var command = NewCommand("get", "Get the best valid value of a key.", key);
        Run(command, async (parse, dht, ct) =>
        {
            var k = DhtSetup.ParseRecordKey(parse.GetValue(key));
            byte[]? value;
            try { value = await dht.GetValueAsync(k, ct); }
            catch (RecordValidationException e) { throw new CliException(e.Message, e); }
            if (value is null) throw new CliException($"no value found for {RecordKey.Format(k)}");
            if (Output.IsJson(parse))
                Output.WriteJsonObject(parse, w =>
                {
                    w.WriteString("event", "value");
                    w.WriteString("key", RecordKey.Format(k));
                    w.WriteString("value", Convert.ToBase64String(value));
                });
            else Output.WriteLine(parse, Convert.ToBase64String(value));
            return CommandRunner.Ok;
        });
        return command;
    }

    private static Command Put()
    {
        var key = new Argument<string>("key") { Description = "Record key: /pk/<peer id>, /ipns/<peer id>, or /namespace/... text." };
        var text = new Option<string?>("--value") { Description = "The value as UTF-8 text." };
        var b64 = new Option<string?>("--value-base64") { Description = "The value in base64." };
        var file = new Option<string?>("--value-file") { Description = "Read the value from a file." };
        var command = NewCommand("put", "Store a value on the peers closest to its key (validated first).", key, text, b64, file);
        Run(command, async (parse, dht, ct) =>
        {
            var k = DhtSetup.ParseRecordKey(parse.GetValue(key));
            var given = new[] { parse.GetValue(text), parse.GetValue(b64), parse.GetValue(file) }.Count(v => v is not null);
            if (given != 1) throw new CliException("give the value with exactly one of --value, --value-base64, --value-file");
            byte[] value;
            if (parse.GetValue(text) is { } t) value = System.Text.Encoding.UTF8.GetBytes(t);
            else if (parse.GetValue(b64) is { } b)
            {
                try { value = Convert.FromBase64String(b); }
                catch (FormatException e) { throw new CliException($"--value-base64 is not base64: {e.Message}", e); }
            }
            else value = await File.ReadAllBytesAsync(parse.GetValue(file)!, ct);
            int peers;
            try { peers = await dht.PutValueAsync(k, value, ct); }
            catch (RecordValidationException e) { throw new CliException($"the record is not valid: {e.Message}", e); }
            if (peers == 0) throw new CliException($"no peer took the value of {RecordKey.Format(k)}");
            if (Output.IsJson(parse))
                Output.WriteJsonObject(parse, w => { w.WriteString("event", "put"); w.WriteString("key", RecordKey.Format(k)); w.WriteNumber("peers", peers); });
            else Output.WriteLine(parse, $"stored {RecordKey.Format(k)} on {peers} peer(s)");
            return CommandRunner.Ok;
        });
        return command;
    }

    private static Command Provide()
    {
        var cid = new Argument<string>("cid") { Description = "The content id to announce." };
        var listen = new Option<string[]>("--listen")
        {
            Description = "Address to listen on while announcing (the provider record carries it).",
            DefaultValueFactory = _ => ["/ip4/127.0.0.1/tcp/0"],
        };
        var command = NewCommand("provide", "Announce this node as a provider of a CID.", cid, listen);
        Run(command, async (parse, dht, ct) =>
        {
            var key = DhtSetup.ParseContentKey(parse.GetValue(cid));
            int peers = await dht.ProvideAsync(key, ct);
            if (peers == 0) throw new CliException("no peer took the provider record");
            if (Output.IsJson(parse))
                Output.WriteJsonObject(parse, w =>
                {
                    w.WriteString("event", "provide");
                    w.WriteString("cid", parse.GetValue(cid));
                    w.WriteString("peer", dht.PeerId.ToString());
                    w.WriteNumber("peers", peers);
                });
            else Output.WriteLine(parse, $"announced {parse.GetValue(cid)} to {peers} peer(s)");
            return CommandRunner.Ok;
        }, listen);
        return command;
    }

    private static Command FindProviders()
    {
        var cid = new Argument<string>("cid") { Description = "The content id." };
        var count = new Option<int>("--count") { Description = "Stop after this many providers.", DefaultValueFactory = _ => 20 };
        var command = NewCommand("find-providers", "Find peers that provide a CID (one line each).", cid, count);
        Run(command, async (parse, dht, ct) =>
        {
            var key = DhtSetup.ParseContentKey(parse.GetValue(cid));
            int n = parse.GetValue(count);
            if (n < 1 || n > 1000) throw new CliException($"--count must be 1 to 1000, got {n}");
            int found = 0;
            await foreach (var p in dht.FindProvidersAsync(key, n, ct))
            {
                found++;
                if (Output.IsJson(parse)) Output.WriteJsonObject(parse, w => { w.WriteString("event", "provider"); DhtSetup.WritePeer(w, p); });
                else Output.WriteLine(parse, $"{p.Id} {string.Join(" ", p.Addresses)}");
            }
            if (Output.IsJson(parse)) Output.WriteJsonObject(parse, w => { w.WriteString("event", "done"); w.WriteNumber("count", found); });
            return found > 0 ? CommandRunner.Ok : throw new CliException($"no provider found for {parse.GetValue(cid)}");
        });
        return command;
    }
}
