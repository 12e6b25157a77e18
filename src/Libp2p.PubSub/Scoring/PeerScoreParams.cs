using System.Net;
using Libp2p.Identity;

namespace Libp2p.PubSub.Scoring;

/// <summary>
/// Peer scoring v1.1 (gossipsub-v1.1.md "Peer Scoring"): per-topic parameters, the application score P5, IP
/// colocation P6, behaviour penalty P7, decay and retention. Defaults are rust-libp2p's and js-libp2p's.
/// </summary>
public sealed class PeerScoreParams
{
    /// <summary>Score parameters per topic; topics not listed do not contribute.</summary>
    public IDictionary<string, TopicScoreParams> Topics { get; } = new Dictionary<string, TopicScoreParams>(StringComparer.Ordinal);

    /// <summary>Cap on the positive contribution of all topics together (0: no cap).</summary>
    public double TopicScoreCap { get; set; } = 3600;

    /// <summary>P5: the application's score of a peer (any real value) and its weight.</summary>
    public Func<PeerId, double>? AppSpecificScore { get; set; }
    /// <summary>P5's weight.</summary>
    public double AppSpecificWeight { get; set; } = 10;

    /// <summary>P6: more than <see cref="IPColocationFactorThreshold"/> peers on one IP cost each the square of the surplus, times this (negative) weight.</summary>
    public double IPColocationFactorWeight { get; set; } = -5;
    /// <summary>P6: peers on one IP beyond which each pays.</summary>
    public double IPColocationFactorThreshold { get; set; } = 10;
    /// <summary>Addresses exempt from P6 (e.g. a local simulation on 127.0.0.1).</summary>
    public ISet<IPAddress> IPColocationFactorWhitelist { get; } = new HashSet<IPAddress>();

    /// <summary>P7: the square of the behaviour penalty counter above the threshold, times this (negative) weight; the counter decays.</summary>
    public double BehaviourPenaltyWeight { get; set; } = -10;
    /// <summary>P7: the counter value above which the penalty applies.</summary>
    public double BehaviourPenaltyThreshold { get; set; }
    /// <summary>P7: the counter's decay factor per decay interval.</summary>
    public double BehaviourPenaltyDecay { get; set; } = 0.2;

    /// <summary>How often counters decay.</summary>
    public TimeSpan DecayInterval { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>A decayed counter below this is zero.</summary>
    public double DecayToZero { get; set; } = 0.1;
    /// <summary>How long the (non-positive) score of a disconnected peer is remembered.</summary>
    public TimeSpan RetainScore { get; set; } = TimeSpan.FromHours(1);
    /// <summary>At most this many disconnected peers' scores are retained (the oldest are forgotten first).</summary>
    public int MaxRetainedPeers { get; set; } = 10_000;

    /// <summary>The decay factor that takes a counter to <see cref="DecayToZero"/> within <paramref name="decay"/>, one step per <paramref name="interval"/>.</summary>
    public static double DecayFactor(TimeSpan decay, TimeSpan interval, double decayToZero = 0.1) =>
        Math.Pow(decayToZero, interval.TotalSeconds / decay.TotalSeconds);

    internal void Validate()
    {
        foreach (var (topic, p) in Topics) p.Validate(topic);
        if (TopicScoreCap < 0) throw new ArgumentException("TopicScoreCap must be >= 0.");
        if (IPColocationFactorWeight > 0) throw new ArgumentException("IPColocationFactorWeight must be <= 0.");
        if (IPColocationFactorWeight != 0 && IPColocationFactorThreshold < 1) throw new ArgumentException("IPColocationFactorThreshold must be >= 1.");
        if (BehaviourPenaltyWeight > 0) throw new ArgumentException("BehaviourPenaltyWeight must be <= 0.");
        if (BehaviourPenaltyWeight != 0 && BehaviourPenaltyDecay is <= 0 or >= 1) throw new ArgumentException("BehaviourPenaltyDecay must be between 0 and 1.");
        if (BehaviourPenaltyThreshold < 0) throw new ArgumentException("BehaviourPenaltyThreshold must be >= 0.");
        if (DecayInterval <= TimeSpan.Zero) throw new ArgumentException("DecayInterval must be positive.");
        if (DecayToZero is <= 0 or >= 1) throw new ArgumentException("DecayToZero must be between 0 and 1.");
    }
}
