namespace Libp2p.Cli;

/// <summary>A user-facing failure: its message is printed as one line and the tool exits with code 1.</summary>
internal sealed class CliException(string message, Exception? inner = null) : Exception(message, inner);
