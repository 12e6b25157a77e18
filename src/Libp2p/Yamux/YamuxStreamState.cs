namespace Libp2p.Yamux;

/// <summary>How far a stream's opening handshake has got (spec: the opener sends SYN, the other side answers ACK).</summary>
internal enum YamuxStreamOpening : byte
{
    /// <summary>We opened it: SYN queued or sent, no ACK seen yet (data may already flow both ways).</summary>
    SynSent,

    /// <summary>The peer opened it and we have not ACKed it: the ACK goes out when the application accepts it.</summary>
    SynReceived,

    /// <summary>ACK sent or received.</summary>
    Established,
}

/// <summary>
/// One direction of a stream: the send half (our bytes) or the receive half (the peer's). The spec's half-closed
/// states, as go-yamux's <c>halfStreamState</c>; a stream leaves its session when neither half is
/// <see cref="Open"/>.
/// </summary>
internal enum YamuxHalfState : byte
{
    /// <summary>Bytes may flow.</summary>
    Open,

    /// <summary>Ended by FIN (ours for the send half, the peer's for the receive half): buffered bytes are still read, then EOF.</summary>
    Closed,

    /// <summary>Reset by either side (RST): buffered bytes are dropped and every operation fails with the reset error.</summary>
    Reset,

    /// <summary>The session ended while this half was open: buffered bytes are still read, then the session's error.</summary>
    SessionEnded,
}
