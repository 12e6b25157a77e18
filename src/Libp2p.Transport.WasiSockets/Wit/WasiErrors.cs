using Libp2p.Transports;

namespace Libp2p.Transport.WasiSockets.Wit;

/// <summary>Maps WASI <c>error-code</c>s to the transport's exceptions, naming the code and what failed.</summary>
public static class WasiErrors
{
    /// <summary>What to grant, per host, when the network capability is denied.</summary>
    public const string GrantNetworkHint =
        "Grant it: wasmtime `-S inherit-network` (or `--wasi tcp=HOST:PORT` for one address), " +
        "jco/preview2-shim: enable the network (createSockets({ enableNetwork: true }); wasm/p2p without --deny-network).";

    public static TransportException ToException(NetworkErrorCode code, string operation, string target)
    {
        if (code == NetworkErrorCode.AccessDenied)
            return new NetworkAccessDeniedException(
                $"{operation} {target}: the host denied the network capability (WASI access-denied). {GrantNetworkHint}");
        return new TransportException($"{operation} {target} failed: {code.ToWitName()}{Explain(code)}");
    }

    public static TransportException ToException(StreamStatus status, string operation, string detail) => status switch
    {
        StreamStatus.Closed => new TransportException($"{operation}: the stream is closed."),
        _ => new TransportException($"{operation} failed: {detail}"),
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
