using Libp2p.Daemon.Control;
using Libp2p.Daemon.Pb;

namespace Libp2p.Daemon.Requests;

/// <summary>What the control connection does after a request was answered.</summary>
internal enum RequestOutcome
{
    /// <summary>Read the next request.</summary>
    Continue,
    /// <summary>The connection was used for something else (a piped stream) and is over now.</summary>
    Finished,
}

/// <summary>
/// The daemon's answer to one request type (IDENTIFY, CONNECT, DHT, ...), one file each under Requests/. A family
/// answers well-formed requests with bad content with an ERROR response and lets the connection go on.
/// To serve a new family (pubsub, DHT), implement this and register it in <see cref="P2pDaemon"/>'s table.
/// </summary>
internal interface IRequestFamily
{
    ValueTask<RequestOutcome> HandleAsync(ControlSession session, Request request, CancellationToken ct);
}

/// <summary>One control connection as a request family sees it.</summary>
internal sealed class ControlSession(P2pDaemon daemon, ControlStream control, Action handOver)
{
    public P2pDaemon Daemon { get; } = daemon;

    public ControlStream Control { get; } = control;

    /// <summary>
    /// The connection stops being a control connection (it carries a piped stream now, counted among the piped
    /// streams): its control-connection slot is released. Idempotent.
    /// </summary>
    public void HandOver() => handOver();
}
