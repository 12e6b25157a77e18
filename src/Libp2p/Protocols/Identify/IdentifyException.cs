namespace Libp2p.Protocols.Identify;

/// <summary>A malformed, oversized or incomplete identify message from the remote, or a local one too large to send.</summary>
public sealed class IdentifyException(string message, Exception? inner = null)
    : Libp2pException(Libp2pError.ProtocolViolation, message, inner);
