namespace Libp2p.Transports;

/// <summary>
/// A transport-level failure: refused, unreachable, timed out, denied by the host, address in use, reset.
/// <see cref="Libp2pException.Libp2pError"/> says which; the platform's own code is in the inner exception
/// (a <c>SocketException</c> natively, a <c>WasiNetworkException</c> under WASI).
/// </summary>
public class TransportException : Libp2pException
{
    /// <summary>A failure of kind <see cref="Libp2pError.TransportError"/>.</summary>
    public TransportException(string message, Exception? inner = null) : base(Libp2pError.TransportError, message, inner) { }

    /// <summary>A transport failure of kind <paramref name="error"/>, caused by <paramref name="inner"/> (the platform's exception) when given.</summary>
    public TransportException(Libp2pError error, string message, Exception? inner = null) : base(error, message, inner) { }
}

/// <summary>This transport does not serve that address; another transport may.</summary>
public sealed class TransportNotSupportedException(string message)
    : TransportException(Libp2pError.AddressNotSupported, message);

/// <summary>The host denied the network capability (WASI <c>access-denied</c>); the message says what to grant.</summary>
public sealed class NetworkAccessDeniedException(string message, Exception? inner = null)
    : TransportException(Libp2pError.AccessDenied, message, inner);
