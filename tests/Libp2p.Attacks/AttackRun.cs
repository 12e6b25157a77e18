using System.Diagnostics;
using System.Globalization;
using System.Net;
using Libp2p.Host;
using Libp2p.Multiformats;
using Libp2p.Transports.Tcp;

namespace Libp2p.Attacks;

/// <summary>The node under attack: a <c>p2p listen --json</c> process started by the caller (test or bench).</summary>
public interface IAttackTarget
{
    int ProcessId { get; }

    /// <summary>Its listen address, with <c>/p2p/&lt;id&gt;</c>.</summary>
    Multiaddr Address { get; }

    /// <summary>Everything it printed so far (stdout and stderr).</summary>
    string Output { get; }

    bool HasExited { get; }
}

/// <summary>What one attack did to the node: memory, the legitimate peer's experience, the refusal and its log line.</summary>
public sealed record AttackReport(
    string Attack, long RssStart, long RssPeak, long RssEnd, long? RssAfter, TimeSpan? AfterDelay,
    IReadOnlyList<double> LegitMs, IReadOnlyList<string> LegitErrors, TimeSpan? TimeToFirstRefusal, long Refusals,
    IReadOnlyList<string> Notes, string? LoggedLine, bool NodeSurvived)
{
    public double GrowthMB => (RssPeak - RssStart) / 1e6;

    public double? MedianLegitMs => LegitMs.Count == 0 ? null : LegitMs.Order().ElementAt(LegitMs.Count / 2);

    public override string ToString()
    {
        var c = CultureInfo.InvariantCulture;
        string after = RssAfter is { } a
            ? string.Create(c, $", {AfterDelay!.Value.TotalSeconds:0} s later {a / 1e6:0.0} MB ({(a - RssStart) / 1e6:+0.0;-0.0} vs start)") : "";
        string latency = MedianLegitMs is { } m ? string.Create(c, $", median {m:0.0} ms, max {LegitMs.Max():0.0} ms") : "";
        string refused = TimeToFirstRefusal is { } t ? string.Create(c, $"{t.TotalMilliseconds:0} ms") : "-";
        return string.Create(c,
            $"{Attack}: RSS {RssStart / 1e6:0.0} MB -> peak {RssPeak / 1e6:0.0} MB (+{GrowthMB:0.0}), end of attack {RssEnd / 1e6:0.0} MB{after}; legitimate dial+ping {LegitMs.Count}/{LegitMs.Count + LegitErrors.Count} ok{latency}; first refusal seen after {refused}, {Refusals} refusals seen by the attacker{(Notes.Count > 0 ? "; " + string.Join("; ", Notes) : "")}; logged: {LoggedLine ?? "-"}");
    }
}

/// <summary>
/// Runs one attack against a node for <c>duration</c>, while a legitimate peer (from 127.0.0.1) dials and pings it
/// every half second and the node's RSS is sampled every 100 ms; then optionally waits <c>afterwards</c> and samples
/// the RSS once more (does memory come back?).
/// </summary>
public static class AttackRun
{
    public static async Task<AttackReport> RunAsync(IAttackTarget target, Attack attack, int firstSourceOctet,
        TimeSpan? afterwards, CancellationToken ct)
    {
        var duration = attack.Duration;
        var ip = target.Address.Components.First(c => c.Protocol == MultiaddrProtocol.Ip4).ToIPAddress();
        var port = target.Address.Components.First(c => c.Protocol == MultiaddrProtocol.Tcp).ToPort();
        var ctx = new AttackContext(new IPEndPoint(ip, port), firstSourceOctet);
        long start = ReadRss(target.ProcessId);
        long peak = start;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, ReadRss(target.ProcessId));
                await Task.Delay(100, CancellationToken.None);
            }
        });

        var legitMs = new List<double>();
        var legitErrors = new List<string>();
        using var attackCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        attackCts.CancelAfter(duration);
        var running = Task.Run(() => attack.RunAsync(ctx, attackCts.Token));
        var legit = LegitimatePeerAsync(target.Address, legitMs, legitErrors, attackCts.Token);
        try { await running.WaitAsync(duration + TimeSpan.FromSeconds(30), ct); }
        catch (Exception e) when (e is OperationCanceledException or SocketLikeException) { }
        catch (Exception e) when (e is not TimeoutException) { ctx.Notes.Add($"attacker: {e.GetType().Name}: {e.Message}"); }
        await legit;
        long end = ReadRss(target.ProcessId);
        long? after = null;
        if (afterwards is { } wait && !target.HasExited)
        {
            await Task.Delay(wait, ct);
            after = ReadRss(target.ProcessId);
        }
        stop.Cancel();
        await sampler;
        string? logged = attack.ExpectedLog.Length == 0 ? null
            : target.Output.Split('\n').FirstOrDefault(l => l.Contains(attack.ExpectedLog, StringComparison.Ordinal))?.Trim();
        return new AttackReport(attack.Name, start, peak, end, after, afterwards, legitMs, legitErrors, ctx.TimeToFirstRefusal,
            ctx.Refusals, ctx.Notes, logged, !target.HasExited);
    }

    private sealed class SocketLikeException : Exception;

    /// <summary>A new connection from 127.0.0.1 every half second: dial (TCP, Noise, Yamux) and one ping, then close.</summary>
    private static async Task LegitimatePeerAsync(Multiaddr address, List<double> ms, List<string> errors, CancellationToken ct)
    {
        var options = new HostOptions { EnableIdentify = false, IdleTimeout = null };
        options.Transports.Add(new TcpTransport(new TcpTransportOptions()));
        await using var host = new Libp2pHost(options);
        var plain = address.WithoutPeerId();
        while (!ct.IsCancellationRequested)
        {
            long t0 = Stopwatch.GetTimestamp();
            try
            {
                using var round = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                var connection = await host.DialAsync(plain, round.Token);
                await host.PingAsync(connection, round.Token);
                lock (ms) ms.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                await connection.CloseAsync(round.Token);
            }
            catch (Exception e)
            {
                lock (errors) errors.Add($"{e.GetType().Name}: {e.Message}");
            }
            try { await Task.Delay(500, ct); } catch (OperationCanceledException) { }
        }
    }

    /// <summary>VmRSS of a process, in bytes (Linux /proc).</summary>
    public static long ReadRss(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException) { }
        return 0;
    }
}
