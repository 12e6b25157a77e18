namespace Libp2p.Transport.WasiSockets.Scheduling;

/// <summary>Departures of a WASI host from the WIT contract that the transport itself must work around.</summary>
[Flags]
internal enum WasiHostDefects
{
    None = 0,

    /// <summary>
    /// preview2-shim: <c>tcp-socket.shutdown</c> destroys the whole socket whatever the shutdown type (and polling the
    /// socket's own input afterwards hangs the process). The connection half-closes by dropping its output stream
    /// instead, which ends the Node socket's writable side (FIN after queued bytes) and leaves reading open.
    /// </summary>
    ShutdownDestroysSocket = 1,
}
