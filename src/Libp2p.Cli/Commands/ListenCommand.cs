using System.CommandLine;
using Libp2p.Host;

namespace Libp2p.Cli.Commands;

/// <summary>
/// <c>p2p listen [--key FILE] [--listen MA ...] [--perf] [--json]</c>: a node that serves ping, identify
/// (and perf) until SIGINT/SIGTERM. First line: the listening event; then one line per event.
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
        var command = new Command("listen", "Run a node that serves ping, identify (and perf) until interrupted.")
        {
            NodeSetup.KeyOption, NodeSetup.SecurityOption, listen, perf, NodeSetup.TimeoutOption, Output.JsonOption,
        };
        command.SetRunner(async (parse, ct) =>
        {
            var addresses = parse.GetValue(listen)!.Select(a => NodeSetup.ParseAddress(a, "--listen address")).ToList();
            await using var host = NodeSetup.CreateHost(parse, enablePerf: parse.GetValue(perf));
            foreach (var a in addresses)
                await host.ListenAsync(a, ct);
            var events = new EventPrinter(parse);
            events.Listening(host.PeerId, host.ListenAddresses);
            try
            {
                await foreach (var e in host.Events.ReadAllAsync(ct))
                    events.Print(e);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
            await host.DisposeAsync();
            events.Closed();
            return CommandRunner.Ok;
        });
        return command;
    }
}
