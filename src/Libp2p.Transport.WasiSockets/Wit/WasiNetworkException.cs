namespace Libp2p.Transport.WasiSockets.Wit;

/// <summary>
/// A <c>wasi:sockets</c> <c>error-code</c> as data: the inner exception of the <see cref="Transports.TransportException"/>
/// the WASI transport throws, as a <c>SocketException</c> is natively. <see cref="ErrorCode"/> is the host's code;
/// <see cref="Libp2pException.Libp2pError"/> is its meaning for libp2p (the same as the outer exception's).
/// </summary>
public sealed class WasiNetworkException(NetworkErrorCode errorCode)
    : Libp2pException(WasiErrors.ToLibp2pError(errorCode), $"wasi:sockets error-code {errorCode.ToWitName()}")
{
    /// <summary>The WASI error code the host returned.</summary>
    public NetworkErrorCode ErrorCode { get; } = errorCode;
}
