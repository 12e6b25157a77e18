namespace Libp2p.Protocols.Ping;

/// <summary>The remote broke the ping protocol: a wrong echo, or a payload cut short by EOF.</summary>
public sealed class PingException(string message) : Libp2pException(Libp2pError.ProtocolViolation, message);
