namespace Libp2p;

/// <summary>
/// The base of every exception the stack throws for a libp2p failure. <see cref="Libp2pError"/> says which failure,
/// so callers branch on a code (as with System.Net.Quic's <c>QuicException.QuicError</c>); the derived types
/// (<c>TransportException</c>, <c>YamuxStreamResetException</c>, ...) remain for callers that catch by layer.
/// </summary>
/// <remarks>
/// An <see cref="IOException"/>, like <c>QuicException</c>: the stack's failures reach callers through streams and
/// connections, where .NET code expects <see cref="IOException"/> (<c>SslStream</c>, <c>StreamReader</c>,
/// <c>CopyToAsync</c> pass it through). A platform's own code stays in <see cref="Exception.InnerException"/>:
/// a <c>SocketException</c> natively, a <c>WasiNetworkException</c> under WASI. A timeout is
/// <see cref="Libp2pError.Timeout"/> (see <see cref="IsTimeout"/>).
/// </remarks>
public class Libp2pException : IOException
{
    /// <summary>A failure of kind <paramref name="error"/>.</summary>
    /// <param name="error">Which failure this is.</param>
    /// <param name="message">What happened, for people.</param>
    /// <param name="innerException">The cause (a platform exception keeps the platform's own code), or null.</param>
    public Libp2pException(Libp2pError error, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Libp2pError = error;
    }

    /// <summary>Which failure this is.</summary>
    public Libp2pError Libp2pError { get; }

    /// <summary>True when a deadline expired (<see cref="Libp2pError.Timeout"/>).</summary>
    public bool IsTimeout => Libp2pError == Libp2pError.Timeout;

    /// <summary>A <see cref="Libp2pError.Timeout"/> whose inner exception is a <see cref="TimeoutException"/> (with <paramref name="cause"/> inside it).</summary>
    public static Libp2pException Timeout(string message, Exception? cause = null) =>
        new(Libp2pError.Timeout, message, new TimeoutException(message, cause));
}
