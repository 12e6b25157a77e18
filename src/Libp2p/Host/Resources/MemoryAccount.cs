namespace Libp2p.Host.Resources;

/// <summary>
/// One scope's memory counter. Lock-free: a reservation adds to every account of a chain in turn and takes back what
/// it added when one refuses, so the data path (a Yamux receive buffer being rented) never waits on a lock.
/// </summary>
internal sealed class MemoryAccount(string scopeName, string limitName, long limit)
{
    private long _used;

    public string ScopeName { get; } = scopeName;
    public string LimitName { get; } = limitName;
    public long Limit { get; } = limit;
    public long Used => Volatile.Read(ref _used);

    public bool TryAdd(long bytes)
    {
        long used = Volatile.Read(ref _used);
        while (true)
        {
            long next = used + bytes;
            if (next > Limit || next < used) return false;
            long seen = Interlocked.CompareExchange(ref _used, next, used);
            if (seen == used) return true;
            used = seen;
        }
    }

    /// <summary>Adds without checking the limit (bytes already held elsewhere that this account now pays for too).</summary>
    public void Add(long bytes) => Interlocked.Add(ref _used, bytes);

    public void Subtract(long bytes) => Interlocked.Add(ref _used, -bytes);

    /// <summary>Adds to every account or none; returns the account that refused, or null.</summary>
    public static MemoryAccount? TryReserve(MemoryAccount[] chain, long bytes)
    {
        for (int i = 0; i < chain.Length; i++)
        {
            if (chain[i].TryAdd(bytes)) continue;
            for (int j = 0; j < i; j++) chain[j].Subtract(bytes);
            return chain[i];
        }
        return null;
    }

    public static void Release(MemoryAccount[] chain, long bytes)
    {
        foreach (var account in chain) account.Subtract(bytes);
    }
}
