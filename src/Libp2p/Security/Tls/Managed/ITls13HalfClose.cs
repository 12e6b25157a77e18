namespace Libp2p.Security.Tls.Managed;

/// <summary>
/// TLS 1.3's half-close (RFC 8446 6.1: a close_notify closes only its sender's direction; the other side may go on
/// writing), which BouncyCastle's protocol does not do by itself: on close_notify it answers with its own and closes
/// both directions. Our protocol subclasses keep the connection open for writing instead.
/// </summary>
internal interface ITls13HalfClose
{
    /// <summary>The remote sent close_notify after the handshake: nothing more will come (its later records are ignored).</summary>
    bool CloseNotifyReceived { get; }

    /// <summary>Queues our close_notify; we write nothing after it, and we still read.</summary>
    void SendCloseNotify();
}
