namespace Libp2p.Transport.WasiSockets.Wit;

/// <summary>
/// <c>wasi:sockets/network@0.2.0</c> <c>error-code</c>, in WIT declaration order: the numeric value is the
/// canonical-ABI discriminant, so do not reorder.
/// </summary>
public enum NetworkErrorCode : byte
{
    /// <summary>An error not covered by the other codes.</summary>
    Unknown = 0,
    /// <summary>The host denied the operation (no network capability).</summary>
    AccessDenied,
    /// <summary>The operation is not supported.</summary>
    NotSupported,
    /// <summary>An argument is invalid.</summary>
    InvalidArgument,
    /// <summary>Not enough memory.</summary>
    OutOfMemory,
    /// <summary>The operation timed out.</summary>
    Timeout,
    /// <summary>Another operation of the same kind is in progress.</summary>
    ConcurrencyConflict,
    /// <summary>A <c>finish-*</c> call without its <c>start-*</c>.</summary>
    NotInProgress,
    /// <summary>Not ready yet: wait on the pollable and try again.</summary>
    WouldBlock,
    /// <summary>The socket is not in the state the operation needs.</summary>
    InvalidState,
    /// <summary>No more sockets can be created.</summary>
    NewSocketLimit,
    /// <summary>The address is not one of this host's.</summary>
    AddressNotBindable,
    /// <summary>The address is in use.</summary>
    AddressInUse,
    /// <summary>The remote address cannot be reached.</summary>
    RemoteUnreachable,
    /// <summary>The remote refused the connection (nothing listens there).</summary>
    ConnectionRefused,
    /// <summary>The remote reset the connection.</summary>
    ConnectionReset,
    /// <summary>The connection was aborted.</summary>
    ConnectionAborted,
    /// <summary>A datagram was too large.</summary>
    DatagramTooLarge,
    /// <summary>The name does not exist or has no addresses.</summary>
    NameUnresolvable,
    /// <summary>Name resolution failed for now; it may work later.</summary>
    TemporaryResolverFailure,
    /// <summary>Name resolution failed for good.</summary>
    PermanentResolverFailure,
}

/// <summary>The WIT (kebab-case) names of <see cref="NetworkErrorCode"/>, as hosts such as jco throw them.</summary>
internal static class NetworkErrorCodes
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
