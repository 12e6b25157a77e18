namespace Libp2p.PubSub.Scoring;

/// <summary>
/// Per-topic score parameters P1–P4 (gossipsub v1.1 "The Score Function"). A topic without parameters does not
/// contribute to scores. Defaults are rust-libp2p's and js-libp2p's; they are network specific, tune them.
/// </summary>
public sealed class TopicScoreParams
{
    /// <summary>How much this topic counts in the total.</summary>
    public double TopicWeight { get; set; } = 0.5;

    /// <summary>P1, time in mesh: weight (positive), quantum, cap.</summary>
    public double TimeInMeshWeight { get; set; } = 1;
    /// <summary>P1: the time unit of time in mesh.</summary>
    public TimeSpan TimeInMeshQuantum { get; set; } = TimeSpan.FromMilliseconds(1);
    /// <summary>P1: the cap, in quanta.</summary>
    public double TimeInMeshCap { get; set; } = 3600;

    /// <summary>P2, first message deliveries: weight (positive), decay, cap.</summary>
    public double FirstMessageDeliveriesWeight { get; set; } = 1;
    /// <summary>P2: the counter's decay factor.</summary>
    public double FirstMessageDeliveriesDecay { get; set; } = 0.5;
    /// <summary>P2: the counter's cap.</summary>
    public double FirstMessageDeliveriesCap { get; set; } = 2000;

    /// <summary>P3, mesh message delivery rate: weight (negative), decay, cap, threshold, near-first window, activation.</summary>
    public double MeshMessageDeliveriesWeight { get; set; } = -1;
    /// <summary>P3: the counter's decay factor.</summary>
    public double MeshMessageDeliveriesDecay { get; set; } = 0.5;
    /// <summary>P3: the counter's cap.</summary>
    public double MeshMessageDeliveriesCap { get; set; } = 100;
    /// <summary>P3: deliveries below which the square of the deficit is the penalty.</summary>
    public double MeshMessageDeliveriesThreshold { get; set; } = 20;
    /// <summary>P3: how long after the first delivery a duplicate from a mesh peer still counts.</summary>
    public TimeSpan MeshMessageDeliveriesWindow { get; set; } = TimeSpan.FromMilliseconds(10);
    /// <summary>P3: time in the mesh before the penalty applies.</summary>
    public TimeSpan MeshMessageDeliveriesActivation { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>P3b, sticky mesh delivery failures: weight (negative), decay.</summary>
    public double MeshFailurePenaltyWeight { get; set; } = -1;
    /// <summary>P3b: the counter's decay factor.</summary>
    public double MeshFailurePenaltyDecay { get; set; } = 0.5;

    /// <summary>P4, invalid messages: weight (negative), decay.</summary>
    public double InvalidMessageDeliveriesWeight { get; set; } = -1;
    /// <summary>P4: the counter's decay factor.</summary>
    public double InvalidMessageDeliveriesDecay { get; set; } = 0.3;

    internal void Validate(string topic)
    {
        string Bad(string what) => $"Topic '{topic}': {what}";
        if (TopicWeight < 0) throw new ArgumentException(Bad("TopicWeight must be >= 0."));
        if (TimeInMeshQuantum <= TimeSpan.Zero) throw new ArgumentException(Bad("TimeInMeshQuantum must be positive."));
        if (TimeInMeshWeight < 0) throw new ArgumentException(Bad("TimeInMeshWeight must be >= 0."));
        if (FirstMessageDeliveriesWeight < 0) throw new ArgumentException(Bad("FirstMessageDeliveriesWeight must be >= 0."));
        if (MeshMessageDeliveriesWeight > 0) throw new ArgumentException(Bad("MeshMessageDeliveriesWeight must be <= 0."));
        if (MeshMessageDeliveriesCap < MeshMessageDeliveriesThreshold) throw new ArgumentException(Bad("MeshMessageDeliveriesCap must be >= the threshold."));
        if (MeshFailurePenaltyWeight > 0) throw new ArgumentException(Bad("MeshFailurePenaltyWeight must be <= 0."));
        if (InvalidMessageDeliveriesWeight > 0) throw new ArgumentException(Bad("InvalidMessageDeliveriesWeight must be <= 0."));
        foreach (var (name, d) in new[] { ("FirstMessageDeliveriesDecay", FirstMessageDeliveriesDecay), ("MeshMessageDeliveriesDecay", MeshMessageDeliveriesDecay),
                     ("MeshFailurePenaltyDecay", MeshFailurePenaltyDecay), ("InvalidMessageDeliveriesDecay", InvalidMessageDeliveriesDecay) })
            if (d is <= 0 or >= 1) throw new ArgumentException(Bad($"{name} must be between 0 and 1."));
    }
}
