using Libp2p.Attacks;
using Libp2p.Interop.Tests.Cli;
using Libp2p.Multiformats;
using Xunit.Abstractions;

namespace Libp2p.Interop.Tests.Adversarial;

/// <summary>
/// The adversarial suite: each attack of <see cref="Attacks.Attacks"/> (a test-only attacker writing raw TCP,
/// multistream, Noise and Yamux frames from 127.0.0.2 and up) runs against its own <c>p2p listen</c> process with
/// default limits, while a legitimate peer dials and pings from 127.0.0.1. Asserted: the node survives, every
/// legitimate ping succeeds, the node's RSS grows by less than its per-address memory budget (64 MiB) plus a fixed
/// margin (64 MiB), and the refusal is in its output. The figures (and memory 10 s after) are in docs/limits.md,
/// measured with <c>bench/run --only attacks</c>.
/// </summary>
public class AdversarialTests(ITestOutputHelper output)
{
    private const double BudgetPlusMarginMB = (64 + 64) * 1.048576;

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        int octet = 2;
        foreach (var a in Attacks.Attacks.All)
        {
            data.Add(a.Name, octet);
            octet += a.Addresses + 2; // each attack its own source addresses
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task NodeSurvivesServesALegitimatePeerStaysInBudgetAndLogsTheRefusal(string name, int firstSourceOctet)
    {
        var attack = Attacks.Attacks.Get(name);
        await using var listener = await CliListener.StartAsync();
        var target = new CliTarget(listener);
        using var hard = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var report = await AttackRun.RunAsync(target, attack, firstSourceOctet, afterwards: null, hard.Token);
        output.WriteLine(report.ToString());

        Assert.True(report.NodeSurvived, $"the node exited during {name}:\n{target.Output}");
        Assert.True(report.LegitErrors.Count == 0, $"legitimate pings failed during {name}: {string.Join(" | ", report.LegitErrors)}");
        Assert.True(report.LegitMs.Count >= 1, $"no legitimate ping completed during {name}");
        Assert.True(report.GrowthMB <= BudgetPlusMarginMB, $"RSS grew by {report.GrowthMB:0.0} MB during {name} (budget + margin {BudgetPlusMarginMB:0} MB)");
        if (attack.ExpectedLog.Length > 0)
            Assert.True(report.LoggedLine is not null, $"'{attack.ExpectedLog}' not in the node's output:\n{Tail(target.Output)}");
        Assert.DoesNotContain(report.Notes, n => n.Contains("ENDED", StringComparison.Ordinal) || n.StartsWith("attacker:", StringComparison.Ordinal));
        if (name == "one-peer-many-connections")
            Assert.Contains(report.Notes, n => n.StartsWith("8 of ", StringComparison.Ordinal));
    }

    private static string Tail(string s) => s.Length <= 4000 ? s : s[^4000..];

    private sealed class CliTarget(CliListener listener) : IAttackTarget
    {
        public int ProcessId => listener.Process.Id;
        public Multiaddr Address { get; } = Multiaddr.Parse(listener.Addrs[0]);
        public string Output => listener.Process.Stdout + listener.Process.Stderr;
        public bool HasExited => listener.Process.HasExited;
    }
}
