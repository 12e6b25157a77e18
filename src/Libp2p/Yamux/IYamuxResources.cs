namespace Libp2p.Yamux;

/// <summary>
/// Who pays for what a session holds on its peer's behalf (the host's resource manager implements it): the session
/// asks before it admits a stream, before a stream's receive buffer is rented or grows, and before a receive window
/// grows; it gives back when a buffer drains and when a stream is gone.
/// </summary>
internal interface IYamuxResources
{
    /// <summary>
    /// A new stream: the peer's SYN (<paramref name="inbound"/>) or our open. Null refuses it: an inbound SYN is answered
    /// with RST; an outbound open may also be refused by throwing the caller's exception.
    /// </summary>
    IYamuxStreamResources? TryOpenStream(bool inbound);
}

/// <summary>One stream's account with its <see cref="IYamuxResources"/>.</summary>
internal interface IYamuxStreamResources
{
    /// <summary>
    /// Reserves <paramref name="bytes"/> more for the stream's receive buffer or window. <paramref name="required"/> is
    /// false when a refusal only costs speed (a window that does not grow), true when the stream is reset on refusal.
    /// </summary>
    bool TryReserveMemory(long bytes, bool required);

    /// <summary>Gives back bytes reserved earlier.</summary>
    void ReleaseMemory(long bytes);

    /// <summary>The stream has left the session and holds no buffer: its count returns. Called once.</summary>
    void Close();
}
