using System.Net;
using System.Net.Sockets;

namespace Libp2p.Transports.Tcp;

/// <summary>
/// Turns socket failures into the exceptions the stack speaks, at the edge (as Kestrel does):
/// failures to connect or bind become <see cref="TransportException"/> with the address in the
/// message; failures of an established connection become <see cref="IOException"/>.
/// </summary>
internal static class TcpSocketErrors
{
    public static TransportException Connect(SocketException e, EndPoint remote) => e.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => new TransportException($"connection refused by {remote}", e),
        SocketError.TimedOut => new TransportException($"connecting to {remote} timed out", e),
        SocketError.HostUnreachable => new TransportException($"host {remote} unreachable", e),
        SocketError.NetworkUnreachable => new TransportException($"network unreachable for {remote}", e),
        SocketError.AccessDenied => new NetworkAccessDeniedException($"connecting to {remote}: access denied by the operating system (firewall or policy)", e),
        _ => new TransportException($"connecting to {remote} failed: {e.SocketErrorCode} ({e.Message})", e),
    };

    public static TransportException Bind(SocketException e, EndPoint local) => e.SocketErrorCode switch
    {
        SocketError.AddressAlreadyInUse => new TransportException($"cannot listen on {local}: address already in use", e),
        SocketError.AddressNotAvailable => new TransportException($"cannot listen on {local}: no local interface has that address", e),
        SocketError.AccessDenied => new NetworkAccessDeniedException($"cannot listen on {local}: access denied by the operating system (privileged port?)", e),
        _ => new TransportException($"cannot listen on {local}: {e.SocketErrorCode} ({e.Message})", e),
    };

    public static IOException Transfer(SocketException e, EndPoint? remote, string operation) => e.SocketErrorCode switch
    {
        SocketError.ConnectionReset => new IOException($"connection reset by {remote}", e),
        SocketError.ConnectionAborted or SocketError.OperationAborted => new IOException($"connection to {remote} aborted", e),
        SocketError.Shutdown => new IOException($"{operation} on connection to {remote} after it was shut down", e),
        _ => new IOException($"{operation} on connection to {remote} failed: {e.SocketErrorCode} ({e.Message})", e),
    };

    /// <summary>Accept errors that say nothing about the listening socket itself: back off and go on.</summary>
    public static bool IsTransientAcceptError(SocketError error) => error is
        SocketError.ConnectionAborted or SocketError.ConnectionReset or SocketError.TooManyOpenSockets or
        SocketError.NoBufferSpaceAvailable or SocketError.Interrupted or SocketError.TryAgain or
        SocketError.WouldBlock or SocketError.NetworkDown or SocketError.NetworkUnreachable or
        SocketError.HostUnreachable or SocketError.TimedOut;
}
