namespace Libp2p.Kad.Network;

/// <summary>A peer broke the kad-dht wire protocol (oversized or malformed message, wrong answer type).</summary>
public sealed class KadProtocolException : Libp2pException
{
    public KadProtocolException(string message) : base(Libp2pError.ProtocolViolation, message) { }
    public KadProtocolException(string message, Exception inner) : base(Libp2pError.ProtocolViolation, message, inner) { }
}
