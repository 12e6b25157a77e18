namespace Libp2p.Kad.Lookups;

/// <summary>
/// The last answer times of requests, to set the stall timeout from what the network does: 2× their 90th
/// percentile, between a floor and the configured ceiling. A real network answers in 50–500 ms, a local one in a
/// few: a fixed timeout is either too slow for one or too eager for the other. Thread-safe.
/// </summary>
internal sealed class LatencyWindow(TimeSpan floor, TimeSpan ceiling, int capacity = 64)
{
    private readonly double[] _samples = new double[capacity];
    private int _count;
    private int _next;

    public void Add(TimeSpan t)
    {
        lock (_samples)
        {
            _samples[_next] = t.TotalMilliseconds;
            _next = (_next + 1) % _samples.Length;
            if (_count < _samples.Length) _count++;
        }
    }

    public TimeSpan StallTimeout
    {
        get
        {
            double[] copy;
            lock (_samples)
            {
                if (_count < 8) return ceiling;
                copy = _samples[.._count];
            }
            Array.Sort(copy);
            double p90 = copy[(int)Math.Min(copy.Length - 1, Math.Ceiling(copy.Length * 0.9) - 1)];
            var t = TimeSpan.FromMilliseconds(2 * p90);
            return t < floor ? floor : t > ceiling ? ceiling : t;
        }
    }
}
