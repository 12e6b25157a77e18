using System.CommandLine;
using Libp2p.Protocols.Ping;

namespace Libp2p.Cli.Commands;

/// <summary><c>p2p ping MA [--count N] [--interval SECONDS]</c>: a line per round trip, then min/median/max.</summary>
internal static class PingCommand
{
    public static Command Create()
    {
        var address = new Argument<string>("address") { Description = "Multiaddr of the peer, e.g. /ip4/127.0.0.1/tcp/4001/p2p/12D3Koo…" };
        var count = new Option<int>("--count", "-c") { Description = "Number of pings.", DefaultValueFactory = _ => 4 };
        var interval = new Option<double>("--interval") { Description = "Seconds between pings.", DefaultValueFactory = _ => 1 };
        var command = new Command("ping", "Ping a peer over /ipfs/ping/1.0.0.")
        {
            address, count, interval, NodeSetup.KeyOption, NodeSetup.SecurityOption, NodeSetup.TimeoutOption, Output.JsonOption,
        };
        command.SetRunner(async (parse, ct) =>
        {
            var target = NodeSetup.ParseAddress(parse.GetValue(address));
            int n = parse.GetValue(count);
            if (n < 1 || n > 1_000_000) throw new CliException($"--count must be 1 to 1000000, got {n}");
            double gap = parse.GetValue(interval);
            if (!(gap >= 0) || gap > 3600) throw new CliException($"--interval must be 0 to 3600 seconds, got {gap}");
            var timeout = NodeSetup.TimeoutFrom(parse);
            bool json = Output.IsJson(parse);

            await using var host = NodeSetup.CreateHost(parse);
            var connection = await host.DialAsync(target, ct);
            await using var stream = await connection.OpenStreamAsync(PingProtocol.ProtocolId, ct);
            var rtts = new List<double>(n);
            for (int i = 1; i <= n; i++)
            {
                using var cts = new Core.Deadline(timeout, host.TimeProvider, ct);
                double ms;
                try { ms = (await PingProtocol.PingAsync(stream, host.TimeProvider, cts.Token)).TotalMilliseconds; }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    throw new CliException($"ping {i} got no reply within {timeout.TotalSeconds:0.#} s");
                }
                rtts.Add(ms);
                if (json)
                    Output.WriteJsonObject(parse, w => { w.WriteString("event", "ping"); w.WriteNumber("seq", i); w.WriteString("peer", connection.RemotePeer.ToString()); w.WriteNumber("rttMs", Math.Round(ms, 3)); });
                else
                    Output.WriteLine(parse, $"pong from {connection.RemotePeer}: seq={i} time={ms:0.###} ms");
                if (i < n && gap > 0)
                    await Task.Delay(TimeSpan.FromSeconds(gap), host.TimeProvider, ct);
            }
            var (min, median, max) = Summary(rtts);
            if (json)
                Output.WriteJsonObject(parse, w =>
                {
                    w.WriteString("event", "summary");
                    w.WriteNumber("count", rtts.Count);
                    w.WriteNumber("minMs", Math.Round(min, 3));
                    w.WriteNumber("medianMs", Math.Round(median, 3));
                    w.WriteNumber("maxMs", Math.Round(max, 3));
                });
            else
                Output.WriteLine(parse, $"{rtts.Count} pings: min/median/max = {min:0.###}/{median:0.###}/{max:0.###} ms");
            return CommandRunner.Ok;
        });
        return command;
    }

    internal static (double Min, double Median, double Max) Summary(List<double> values)
    {
        var sorted = values.Order().ToArray();
        int mid = sorted.Length / 2;
        double median = sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        return (sorted[0], median, sorted[^1]);
    }
}
