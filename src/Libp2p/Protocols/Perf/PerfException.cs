namespace Libp2p.Protocols.Perf;

/// <summary>The other side broke the perf protocol: a short header, or a download of the wrong size.</summary>
public sealed class PerfException(string message) : Libp2pException(Libp2pError.ProtocolViolation, message);
