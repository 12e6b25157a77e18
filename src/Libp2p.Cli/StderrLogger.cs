using Microsoft.Extensions.Logging;

namespace Libp2p.Cli;

/// <summary>
/// Warnings and errors of the node (refused connections and streams, listener errors) as lines on stderr:
/// <c>p2p: warning: …</c>. Synchronous and thread-free (the console logger runs a thread, which Wasm has not).
/// </summary>
/// <remarks>Its own factory (Logging.Abstractions only): the Wasm build compiles these sources without Microsoft.Extensions.Logging.</remarks>
internal sealed class StderrLoggerFactory(TextWriter error, LogLevel minimum = LogLevel.Warning) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new Logger(error, minimum);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("The p2p tool logs to stderr only.");

    public void Dispose() { }

    private sealed class Logger(TextWriter error, LogLevel minimum) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            string level = logLevel >= LogLevel.Error ? "error" : logLevel == LogLevel.Warning ? "warning" : logLevel.ToString().ToLowerInvariant();
            string line = $"p2p: {level}: {formatter(state, exception)}{(exception is null ? "" : $" ({exception.Message})")}";
            lock (error) error.WriteLine(line.ReplaceLineEndings(" "));
        }
    }
}
