using Libp2p.Transports;

namespace Libp2p.Transport.WasiSockets.Wit;

/// <summary>
/// Maps WASI <c>error-code</c>s to the transport's exceptions: the message names the code and what failed,
/// <see cref="Libp2pException.Libp2pError"/> gives its meaning, and the inner <see cref="WasiNetworkException"/>
/// keeps the code itself.
/// </summary>
internal static class WasiErrors
{
    /// <summary>What to grant, per host, when the network capability is denied.</summary>
    public const string GrantNetworkHint =
        "Grant it: wasmtime `-S inherit-network` (or `--wasi tcp=HOST:PORT` for one address), " +
        "jco/preview2-shim: enable the network (createSockets({ enableNetwork: true }); wasm/p2p without --deny-network).";

    public static TransportException ToException(NetworkErrorCode code, string operation, string target)
    {
        var inner = new WasiNetworkException(code);
        if (code == NetworkErrorCode.AccessDenied)
            return new NetworkAccessDeniedException(
                $"{operation} {target}: the host denied the network capability (WASI access-denied). {GrantNetworkHint}", inner);
        return new TransportException(inner.Libp2pError, $"{operation} {target} failed: {code.ToWitName()}{Explain(code)}", inner);
    }

    public static TransportException ToException(StreamStatus status, string operation, string detail) => status switch
    {
        StreamStatus.Closed => new TransportException(Libp2pError.ConnectionReset, $"{operation}: the stream is closed."),
        _ => new TransportException(Libp2pError.ConnectionReset, $"{operation} failed: {detail}"),
    };

    /// <summary>What a WASI error code means for libp2p.</summary>
    public static Libp2pError ToLibp2pError(NetworkErrorCode code) => code switch
    {
        NetworkErrorCode.AccessDenied => Libp2pError.AccessDenied,
        NetworkErrorCode.Timeout => Libp2pError.Timeout,
        NetworkErrorCode.ConnectionRefused => Libp2pError.ConnectionRefused,
        NetworkErrorCode.RemoteUnreachable => Libp2pError.HostUnreachable,
        NetworkErrorCode.AddressInUse => Libp2pError.AddressInUse,
        NetworkErrorCode.AddressNotBindable => Libp2pError.AddressNotAvailable,
        NetworkErrorCode.ConnectionReset => Libp2pError.ConnectionReset,
        NetworkErrorCode.ConnectionAborted => Libp2pError.ConnectionAborted,
        NetworkErrorCode.NameUnresolvable or NetworkErrorCode.TemporaryResolverFailure
            or NetworkErrorCode.PermanentResolverFailure => Libp2pError.NameResolutionFailed,
        NetworkErrorCode.NewSocketLimit or NetworkErrorCode.OutOfMemory => Libp2pError.ResourceLimitExceeded,
        _ => Libp2pError.TransportError,
    };

    private static string Explain(NetworkErrorCode code) => code switch
    {
        NetworkErrorCode.ConnectionRefused => " (nothing listens there)",
        NetworkErrorCode.AddressInUse => " (the port is taken)",
        NetworkErrorCode.RemoteUnreachable => " (no route to the host)",
        NetworkErrorCode.NameUnresolvable => " (the name does not resolve)",
        NetworkErrorCode.Timeout => " (the host gave up)",
        _ => "",
    };
}
