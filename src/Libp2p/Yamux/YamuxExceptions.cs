namespace Libp2p.Yamux;

// All three derive from IOException so layers above can treat them as stream/connection failures.

/// <summary>The peer broke the Yamux protocol (bad header, window overrun, bad stream id, ...).</summary>
public sealed class YamuxProtocolException : IOException
{
    public YamuxProtocolException(string message) : base(message) { }
    public YamuxProtocolException(string message, Exception? inner) : base(message, inner) { }
}

/// <summary>The session is over (or going away): no new streams, and live streams cannot continue.</summary>
public sealed class YamuxSessionClosedException : IOException
{
    public YamuxSessionClosedException(string message) : base(message) { }
    public YamuxSessionClosedException(string message, Exception? inner) : base(message, inner) { }
}

/// <summary>The stream was reset (RST) by the peer or locally; reads and writes on it fail.</summary>
public sealed class YamuxStreamResetException : IOException
{
    public YamuxStreamResetException(string message) : base(message) { }
    public YamuxStreamResetException(string message, Exception? inner) : base(message, inner) { }
}
