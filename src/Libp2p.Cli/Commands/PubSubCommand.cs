using System.CommandLine;
using System.Text;
using Libp2p.PubSub;

namespace Libp2p.Cli.Commands;

/// <summary>
/// <c>p2p pubsub ADDRESS... --topic TOPIC [--pubsub gossipsub|floodsub] [--json]</c>: a chat. Connects to each
/// address, joins the topic, waits (up to --timeout) until a peer is in it, then publishes each line of standard
/// input and prints what arrives from others. Ends at the end of standard input (after what was published has left).
/// </summary>
internal static class PubSubCommand
{
    /// <summary>Where the lines to publish come from; the Wasm app replaces it (browser-wasm has no Console.In).</summary>
    public static Func<CancellationToken, IAsyncEnumerable<string>> InputLines { get; set; } = DefaultInput;

    public static Command Create()
    {
        var addresses = new Argument<string[]>("address") { Description = "Multiaddrs of peers to connect to.", Arity = ArgumentArity.ZeroOrMore };
        var topic = new Option<string>("--topic", "-t") { Description = "The topic to chat on.", Required = true };
        var router = PubSubSetup.RouterOption(required: true);
        var listen = new Option<string[]>("--listen") { Description = "Also listen on this address (repeatable)." };
        var command = new Command("pubsub", "Chat on a pubsub topic: publish standard input line by line, print what arrives.")
        {
            addresses, topic, router, listen, NodeSetup.KeyOption, NodeSetup.TimeoutOption, Output.JsonOption,
        };
        command.SetRunner(async (parse, ct) =>
        {
            var targets = (parse.GetValue(addresses) ?? []).Select(a => NodeSetup.ParseAddress(a)).ToList();
            string name = parse.GetValue(topic)!;
            if (string.IsNullOrEmpty(name)) throw new CliException("--topic must not be empty");
            var kind = PubSubSetup.ParseRouter(parse.GetValue(router))!.Value;
            var timeout = NodeSetup.TimeoutFrom(parse);
            bool json = Output.IsJson(parse);

            await using var host = NodeSetup.CreateHost(parse);
            foreach (var a in parse.GetValue(listen) ?? []) await host.ListenAsync(NodeSetup.ParseAddress(a, "--listen address"), ct);
            await using var pubsub = PubSubSetup.Create(host, kind);
            var subscription = await pubsub.SubscribeAsync(name, ct);
            foreach (var target in targets)
            {
                using var dial = new Core.Deadline(timeout, host.TimeProvider, ct);
                await host.DialAsync(target, dial.Token);
            }
            await WaitForPeerAsync(pubsub, name, targets.Count > 0 ? timeout : TimeSpan.Zero, ct);
            var peers = pubsub.GetPeers(name);
            if (json)
                Output.WriteJsonObject(parse, w =>
                {
                    w.WriteString("event", "pubsub:joined");
                    w.WriteString("peerId", host.PeerId.ToString());
                    w.WriteString("topic", name);
                    w.WriteStartArray("peers");
                    foreach (var p in peers) w.WriteStringValue(p.ToString());
                    w.WriteEndArray();
                });
            else
                Output.WriteLine(parse, $"joined {name} as {host.PeerId} with {peers.Count} peer(s); type lines to publish, end with Ctrl+D");

            using var printing = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var printer = PubSubSetup.PrintAllAsync(parse, subscription, m => m.ReceivedFrom != host.PeerId, printing.Token);
            await foreach (var line in InputLines(ct))
            {
                var sent = await pubsub.PublishAsync(name, Encoding.UTF8.GetBytes(line), ct);
                if (json)
                    Output.WriteJsonObject(parse, w =>
                    {
                        w.WriteString("event", "pubsub:published");
                        w.WriteString("topic", name);
                        w.WriteString("seqno", sent.SeqnoHex);
                        w.WriteString("id", sent.Id.ToString());
                    });
            }
            // Standard input ended: let what we published leave before closing.
            using (var drain = new Core.Deadline(timeout, host.TimeProvider, ct))
                await pubsub.WaitForOutboundAsync(drain.Token);
            printing.Cancel();
            await printer;
            return CommandRunner.Ok;
        });
        return command;
    }

    private static async Task WaitForPeerAsync(Libp2p.PubSub.PubSub pubsub, string topic, TimeSpan timeout, CancellationToken ct)
    {
        if (timeout <= TimeSpan.Zero) return;
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChange(SubscriptionChange c) { if (c.Subscribed && c.Topic == topic) ready.TrySetResult(); }
        pubsub.SubscriptionChanged += OnChange;
        try
        {
            if (pubsub.GetPeers(topic).Count > 0) return;
            using var deadline = new Core.Deadline(timeout, pubsub.Host.TimeProvider, ct);
            try { await ready.Task.WaitAsync(deadline.Token); }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new CliException($"no peer joined '{topic}' within {timeout.TotalSeconds:0.#} s");
            }
        }
        finally
        {
            pubsub.SubscriptionChanged -= OnChange;
        }
    }

    private static IAsyncEnumerable<string> DefaultInput(CancellationToken ct) =>
        OperatingSystem.IsBrowser() ? throw new CliException("standard input is not available here") : ReadConsoleAsync(ct);

    [System.Runtime.Versioning.UnsupportedOSPlatform("browser")]
    private static async IAsyncEnumerable<string> ReadConsoleAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var input = Console.In;
        while (await input.ReadLineAsync(ct) is { } line)
            yield return line;
    }
}
