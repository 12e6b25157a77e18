namespace Libp2p.Daemon;

/// <summary>
/// The daemon's limits. Everything a control client can make the daemon hold is bounded here; what the client sees
/// at a limit is an ERROR response (or, for an inbound stream, the remote peer sees the stream reset). The client is
/// the node's owner: it is bounded by these counts, not charged. What a remote peer makes the daemon hold is charged to
/// the host's resource manager: a pipe's buffers to the libp2p stream's scope, a subscription's waiting messages to
/// pubsub's service scope (docs/limits.md).
/// </summary>
public sealed class DaemonOptions
{
    /// <summary>
    /// Largest control message, in bytes (go-libp2p-daemon and js's daemon-server accept 4 MiB; every request this
    /// daemon serves today is under 1 KiB). A longer one gets an ERROR response and its connection is closed.
    /// </summary>
    public int MaxMessageSize { get; set; } = 1 << 20;

    /// <summary>Control connections served at once; one more is answered with an ERROR response and closed.</summary>
    public int MaxControlConnections { get; set; } = 64;

    /// <summary>Protocols with a registered stream handler; a STREAM_HANDLER request past it gets an ERROR response.</summary>
    public int MaxStreamHandlers { get; set; } = 64;

    /// <summary>
    /// Streams piped between a client socket and a libp2p stream (STREAM_OPEN and inbound handler streams together).
    /// Past it STREAM_OPEN gets an ERROR response and an inbound stream is reset.
    /// </summary>
    public int MaxPipedStreams { get; set; } = 256;

    /// <summary>
    /// Pubsub subscriptions streaming to clients (each a former control connection, no longer counted among them).
    /// Past it SUBSCRIBE gets an ERROR response.
    /// </summary>
    public int MaxSubscriptions { get; set; } = 256;

    /// <summary>Time for a CONNECT or STREAM_OPEN that names no timeout (go-libp2p-daemon's DefaultTimeout).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Upper bound on the timeout a request may ask for.</summary>
    public TimeSpan MaxRequestTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A control connection that sends no whole request for this long is closed.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Time to connect to a client's stream-handler address (js's daemon-server uses 10 s).</summary>
    public TimeSpan HandlerDialTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Size of the buffer a pipe direction rents while bytes are flowing, reserved first in the libp2p stream's resource
    /// scope (refused: the pipe is aborted, the peer's stream reset).
    /// </summary>
    public int PipeBufferSize { get; set; } = 64 * 1024;
}
