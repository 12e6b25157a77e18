using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Libp2p.Cli;

/// <summary>Diagnostics on stderr when <c>P2P_LOG</c> names a level (trace, debug, information, warning); none otherwise.</summary>
public static class Logging
{
    public static ILoggerFactory FromEnvironment()
    {
        var text = Environment.GetEnvironmentVariable("P2P_LOG");
        if (string.IsNullOrEmpty(text) || !Enum.TryParse<LogLevel>(text, ignoreCase: true, out var level)) return NullLoggerFactory.Instance;
        return LoggerFactory.Create(b => b.SetMinimumLevel(level)
            .AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss.fff "; })
            .AddFilter(_ => true));
    }
}
