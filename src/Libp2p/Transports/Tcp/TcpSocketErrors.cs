using System.Net;
using System.Net.Sockets;

namespace Libp2p.Transports.Tcp;

/// <summary>
/// Turns socket failures into the exceptions the stack speaks, at the edge (as Kestrel does): every failure
/// becomes a <see cref="TransportException"/> with a <see cref="Libp2pError"/> and the address in the message;
/// the <see cref="SocketException"/> stays inside with the platform's code.
/// </summary>
internal static class TcpSocketErrors
{
    public static TransportException Connect(SocketException e, EndPoint remote) => e.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => new TransportException(Libp2pError.ConnectionRefused, $"connection refused by {remote}", e),
        SocketError.TimedOut => new TransportException(Libp2pError.Timeout, $"connecting to {remote} timed out", e),
        SocketError.HostUnreachable => new TransportException(Libp2pError.HostUnreachable, $"host {remote} unreachable", e),
        SocketError.NetworkUnreachable => new TransportException(Libp2pError.HostUnreachable, $"network unreachable for {remote}", e),
        SocketError.AccessDenied => new NetworkAccessDeniedException($"connecting to {remote}: access denied by the operating system (firewall or policy)", e),
        _ => new TransportException($"connecting to {remote} failed: {e.SocketErrorCode} ({e.Message})", e),
    };

    public static TransportException Bind(SocketException e, EndPoint local) => e.SocketErrorCode switch
    {
        SocketError.AddressAlreadyInUse => new TransportException(Libp2pError.AddressInUse, $"cannot listen on {local}: address already in use", e),
        SocketError.AddressNotAvailable => new TransportException(Libp2pError.AddressNotAvailable, $"cannot listen on {local}: no local interface has that address", e),
        SocketError.AccessDenied => new NetworkAccessDeniedException($"cannot listen on {local}: access denied by the operating system (privileged port?)", e),
        _ => new TransportException($"cannot listen on {local}: {e.SocketErrorCode} ({e.Message})", e),
    };

    public static TransportException Transfer(SocketException e, EndPoint? remote, string operation) => e.SocketErrorCode switch
    {
        SocketError.ConnectionReset => new TransportException(Libp2pError.ConnectionReset, $"connection reset by {remote}", e),
        SocketError.ConnectionAborted or SocketError.OperationAborted =>
            new TransportException(Libp2pError.ConnectionAborted, $"connection to {remote} aborted", e),
        SocketError.Shutdown => new TransportException(Libp2pError.ConnectionAborted, $"{operation} on connection to {remote} after it was shut down", e),
        _ => new TransportException($"{operation} on connection to {remote} failed: {e.SocketErrorCode} ({e.Message})", e),
    };

    /// <summary>Accept errors that say nothing about the listening socket itself: back off and go on.</summary>
    public static bool IsTransientAcceptError(SocketError error) => error is
        SocketError.ConnectionAborted or SocketError.ConnectionReset or SocketError.TooManyOpenSockets or
        SocketError.NoBufferSpaceAvailable or SocketError.Interrupted or SocketError.TryAgain or
        SocketError.WouldBlock or SocketError.NetworkDown or SocketError.NetworkUnreachable or
        SocketError.HostUnreachable or SocketError.TimedOut;
}
