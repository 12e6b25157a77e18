namespace Libp2p.Transport.WasiSockets.Wit;

/// <summary>
/// <c>wasi:sockets/network@0.2.0</c> <c>error-code</c>, in WIT declaration order: the numeric value is the
/// canonical-ABI discriminant, so do not reorder.
/// </summary>
public enum NetworkErrorCode : byte
{
    Unknown = 0,
    AccessDenied,
    NotSupported,
    InvalidArgument,
    OutOfMemory,
    Timeout,
    ConcurrencyConflict,
    NotInProgress,
    WouldBlock,
    InvalidState,
    NewSocketLimit,
    AddressNotBindable,
    AddressInUse,
    RemoteUnreachable,
    ConnectionRefused,
    ConnectionReset,
    ConnectionAborted,
    DatagramTooLarge,
    NameUnresolvable,
    TemporaryResolverFailure,
    PermanentResolverFailure,
}

/// <summary>The WIT (kebab-case) names of <see cref="NetworkErrorCode"/>, as hosts such as jco throw them.</summary>
public static class NetworkErrorCodes
{
    private static readonly string[] s_names =
    [
        "unknown", "access-denied", "not-supported", "invalid-argument", "out-of-memory", "timeout",
        "concurrency-conflict", "not-in-progress", "would-block", "invalid-state", "new-socket-limit",
        "address-not-bindable", "address-in-use", "remote-unreachable", "connection-refused",
        "connection-reset", "connection-aborted", "datagram-too-large", "name-unresolvable",
        "temporary-resolver-failure", "permanent-resolver-failure",
    ];

    /// <summary>Number of cases; a discriminant at or above this is invalid (a trap in the canonical ABI).</summary>
    public const int Count = 21;

    public static string ToWitName(this NetworkErrorCode code) =>
        (int)code < s_names.Length ? s_names[(int)code] : $"error-code({(int)code})";

    public static bool TryParse(string? witName, out NetworkErrorCode code)
    {
        int i = witName is null ? -1 : Array.IndexOf(s_names, witName);
        code = i < 0 ? NetworkErrorCode.Unknown : (NetworkErrorCode)i;
        return i >= 0;
    }

    /// <summary>Validates a canonical-ABI discriminant byte.</summary>
    public static NetworkErrorCode FromDiscriminant(int value) =>
        (uint)value < Count ? (NetworkErrorCode)value : throw new WasiAbiException($"error-code discriminant {value} out of range");
}
