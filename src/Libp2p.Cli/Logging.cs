using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Libp2p.Cli;

/// <summary>
/// Diagnostics on stderr when <c>P2P_LOG</c> names a level (trace, debug, information, warning); none otherwise.
/// A few lines of our own rather than Microsoft.Extensions.Logging.Console: the Wasm app compiles these sources too,
/// and the console logger is not supported in browser-wasm.
/// </summary>
internal static class Logging
{
    public static ILoggerFactory FromEnvironment()
    {
        var text = Environment.GetEnvironmentVariable("P2P_LOG");
        if (string.IsNullOrEmpty(text) || !Enum.TryParse<LogLevel>(text, ignoreCase: true, out var level)) return NullLoggerFactory.Instance;
        return new StderrLoggerFactory(level);
    }

    private sealed class StderrLoggerFactory(LogLevel minimum) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) => new StderrLogger(categoryName, minimum);
        public void AddProvider(ILoggerProvider provider) { }
        public void Dispose() { }
    }

    private sealed class StderrLogger(string category, LogLevel minimum) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var line = $"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel.ToString().ToLowerInvariant()} {category}: {formatter(state, exception)}";
            if (exception is not null) line += $" ({exception.GetType().Name}: {exception.Message})";
            Console.Error.WriteLine(line.ReplaceLineEndings(" "));
        }
    }
}
