namespace Libp2p.Kad.Routing;

/// <summary>
/// Routing-table pollution bound (go-libp2p-kbucket's peerdiversity): at most <c>perBucket</c> peers of one network
/// group in one bucket and <c>perTable</c> in the table, so that one operator with one subnet cannot fill the
/// buckets that matter for a key. A peer with several groups must fit in every one. Not thread-safe: the routing
/// table calls it under its lock.
/// </summary>
internal sealed class DiversityFilter(int perBucket, int perTable)
{
    private readonly Dictionary<string, int> _table = new(StringComparer.Ordinal);
    private readonly Dictionary<(int Cpl, string Group), int> _bucket = new();

    public bool Allows(int cpl, IReadOnlyList<string> groups)
    {
        foreach (var g in groups)
            if (_table.GetValueOrDefault(g) >= perTable || _bucket.GetValueOrDefault((cpl, g)) >= perBucket) return false;
        return true;
    }

    public void Add(int cpl, IReadOnlyList<string> groups)
    {
        foreach (var g in groups)
        {
            _table[g] = _table.GetValueOrDefault(g) + 1;
            _bucket[(cpl, g)] = _bucket.GetValueOrDefault((cpl, g)) + 1;
        }
    }

    public void Remove(int cpl, IReadOnlyList<string> groups)
    {
        foreach (var g in groups)
        {
            Decrement(_table, g);
            Decrement(_bucket, (cpl, g));
        }
    }

    private static void Decrement<T>(Dictionary<T, int> counts, T key) where T : notnull
    {
        if (!counts.TryGetValue(key, out int n)) return;
        if (n <= 1) counts.Remove(key);
        else counts[key] = n - 1;
    }
}
