using System.Diagnostics;
using System.Net;

namespace Libp2p.Attacks;

/// <summary>What an attack runs against: the node's TCP endpoint, and the loopback addresses the attacker may use.</summary>
public sealed class AttackContext(IPEndPoint target, int firstSourceOctet)
{
    private readonly long _started = Stopwatch.GetTimestamp();
    private long _firstRefusal;
    private long _refusals;

    public IPEndPoint Target { get; } = target;

    /// <summary>The attacker's n-th source address: 127.0.0.(first + n). Never 127.0.0.1, which the legitimate peer uses.</summary>
    public IPAddress Source(int n = 0) => new([127, 0, 0, (byte)(firstSourceOctet + n)]);

    /// <summary>The node refused something the attacker did (closed or reset a connection, reset a stream, sent GoAway).</summary>
    public void Refused(int count = 1)
    {
        if (count <= 0) return;
        Interlocked.Add(ref _refusals, count);
        Interlocked.CompareExchange(ref _firstRefusal, Stopwatch.GetTimestamp(), 0);
    }

    public long Refusals => Interlocked.Read(ref _refusals);

    /// <summary>From the start of the attack to the first refusal the attacker saw.</summary>
    public TimeSpan? TimeToFirstRefusal
    {
        get
        {
            long first = Interlocked.Read(ref _firstRefusal);
            return first == 0 ? null : Stopwatch.GetElapsedTime(_started, first);
        }
    }

    /// <summary>Free-form notes the attack leaves (e.g. "session survived: 1,000 pongs").</summary>
    public List<string> Notes { get; } = [];
}

/// <summary>
/// One attack of the adversarial suite: a name, what it does, the text the node must print when it refuses it, and
/// the attack itself (it runs until the token fires; every loop is bounded in count too).
/// </summary>
public sealed record Attack(string Name, string Description, string ExpectedLog, Func<AttackContext, CancellationToken, Task> RunAsync)
{
    /// <summary>How long the suite runs it (long enough for the node's defence to show: a 10 s write timeout needs more).</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(6);

    /// <summary>Source addresses it uses (127.0.0.x and up).</summary>
    public int Addresses { get; init; } = 1;
}
