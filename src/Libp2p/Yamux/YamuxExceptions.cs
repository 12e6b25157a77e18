namespace Libp2p.Yamux;

/// <summary>The peer broke the Yamux protocol (bad header, window overrun, bad stream id, ...).</summary>
public sealed class YamuxProtocolException : Libp2pException
{
    public YamuxProtocolException(string message) : base(Libp2pError.MuxerProtocolViolation, message) { }
    public YamuxProtocolException(string message, Exception? inner) : base(Libp2pError.MuxerProtocolViolation, message, inner) { }
}

/// <summary>The session is over (or going away): no new streams, and live streams cannot continue.</summary>
public sealed class YamuxSessionClosedException : Libp2pException
{
    public YamuxSessionClosedException(string message) : base(Libp2pError.SessionClosed, message) { }
    public YamuxSessionClosedException(string message, Exception? inner) : base(Libp2pError.SessionClosed, message, inner) { }
}

/// <summary>The stream was reset (RST) by the peer or locally; reads and writes on it fail.</summary>
public sealed class YamuxStreamResetException : Libp2pException
{
    public YamuxStreamResetException(string message) : base(Libp2pError.StreamReset, message) { }
    public YamuxStreamResetException(string message, Exception? inner) : base(Libp2pError.StreamReset, message, inner) { }
}
