namespace Libp2p.Yamux;

/// <summary>The peer broke the Yamux protocol (bad header, window overrun, bad stream id, ...).</summary>
public sealed class YamuxProtocolException : Libp2pException
{
    /// <summary>A protocol violation described by <paramref name="message"/>.</summary>
    public YamuxProtocolException(string message) : base(Libp2pError.MuxerProtocolViolation, message) { }
    /// <summary>A protocol violation described by <paramref name="message"/>, caused by <paramref name="inner"/>.</summary>
    public YamuxProtocolException(string message, Exception? inner) : base(Libp2pError.MuxerProtocolViolation, message, inner) { }
}

/// <summary>The session is over (or going away): no new streams, and live streams cannot continue.</summary>
public sealed class YamuxSessionClosedException : Libp2pException
{
    /// <summary>The session is closed, as <paramref name="message"/> says.</summary>
    public YamuxSessionClosedException(string message) : base(Libp2pError.SessionClosed, message) { }
    /// <summary>The session is closed, as <paramref name="message"/> says, because of <paramref name="inner"/>.</summary>
    public YamuxSessionClosedException(string message, Exception? inner) : base(Libp2pError.SessionClosed, message, inner) { }
}

/// <summary>The stream was reset (RST) by the peer or locally; reads and writes on it fail.</summary>
public sealed class YamuxStreamResetException : Libp2pException
{
    /// <summary>The stream was reset, as <paramref name="message"/> says.</summary>
    public YamuxStreamResetException(string message) : base(Libp2pError.StreamReset, message) { }
    /// <summary>The stream was reset, as <paramref name="message"/> says, because of <paramref name="inner"/>.</summary>
    public YamuxStreamResetException(string message, Exception? inner) : base(Libp2pError.StreamReset, message, inner) { }
}
