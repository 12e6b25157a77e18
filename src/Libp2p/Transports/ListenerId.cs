namespace Libp2p.Transports;

/// <summary>Identifies one listener of one transport for its whole life.</summary>
public readonly record struct ListenerId(long Value)
{
    private static long s_last;

    /// <summary>A fresh id, unique in the process.</summary>
    public static ListenerId Next() => new(Interlocked.Increment(ref s_last));

    /// <inheritdoc/>
    public override string ToString() => $"listener-{Value}";
}
