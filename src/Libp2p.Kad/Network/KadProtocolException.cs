namespace Libp2p.Kad.Network;

/// <summary>A peer broke the kad-dht wire protocol (oversized or malformed message, wrong answer type).</summary>
public sealed class KadProtocolException : Exception
{
    public KadProtocolException(string message) : base(message) { }
    public KadProtocolException(string message, Exception inner) : base(message, inner) { }
}
