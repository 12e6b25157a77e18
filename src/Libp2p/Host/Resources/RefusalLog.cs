using Microsoft.Extensions.Logging;

namespace Libp2p.Host.Resources;

/// <summary>
/// Logs refusals without letting a flood of them flood the log: per limit, the first refusal is logged at once, the
/// next ones only once <c>interval</c> has passed since the last line, with how many were refused in between. No
/// timer: a quiet limit logs nothing more.
/// </summary>
internal sealed class RefusalLog(TimeProvider time, ILogger log, TimeSpan interval)
{
    private readonly Dictionary<string, State> _byLimit = new(StringComparer.Ordinal);

    public void Report(string limit, long value, string scope, string what)
    {
        long now = time.GetTimestamp();
        int suppressed;
        lock (_byLimit)
        {
            if (!_byLimit.TryGetValue(limit, out var state))
                _byLimit[limit] = state = new State { LastLogged = now - (long)(interval.TotalSeconds * time.TimestampFrequency) - 1 };
            if (time.GetElapsedTime(state.LastLogged, now) < interval)
            {
                state.Suppressed++;
                return;
            }
            suppressed = state.Suppressed;
            state.Suppressed = 0;
            state.LastLogged = now;
        }
        ResourceLog.LimitReached(log, limit, value, scope, what, suppressed, interval.TotalSeconds);
    }

    private sealed class State
    {
        public long LastLogged;
        public int Suppressed;
    }
}

internal static partial class ResourceLog
{
    [LoggerMessage(20, LogLevel.Warning,
        "Resource limit {Limit} = {Value} reached for {Scope}: refused {What} ({Suppressed} more refusals of this limit in the previous {IntervalSeconds} s not logged)")]
    public static partial void LimitReached(ILogger logger, string limit, long value, string scope, string what, int suppressed, double intervalSeconds);
}
