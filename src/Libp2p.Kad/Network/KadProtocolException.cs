namespace Libp2p.Kad.Network;

/// <summary>A peer broke the kad-dht wire protocol (oversized or malformed message, wrong answer type).</summary>
public sealed class KadProtocolException : Libp2pException
{
    /// <summary>A DHT protocol violation described by <paramref name="message"/>.</summary>
    public KadProtocolException(string message) : base(Libp2pError.ProtocolViolation, message) { }
    /// <summary>A DHT protocol violation described by <paramref name="message"/>, caused by <paramref name="inner"/>.</summary>
    public KadProtocolException(string message, Exception inner) : base(Libp2pError.ProtocolViolation, message, inner) { }
}
