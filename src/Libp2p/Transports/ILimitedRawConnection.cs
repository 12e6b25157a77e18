namespace Libp2p.Transports;

/// <summary>
/// A raw connection whose path limits it, such as a circuit relay v2 connection: the relay ends it after
/// <see cref="ConnectionLimit.Duration"/> or once <see cref="ConnectionLimit.Data"/> bytes went either way. The host marks
/// the connection it builds on it as limited (<c>Connection.Limit</c>).
/// </summary>
public interface ILimitedRawConnection : IRawConnection
{
    /// <summary>The limits the path announced.</summary>
    ConnectionLimit Limit { get; }
}

/// <summary>
/// Limits of a connection, as circuit relay v2 announces them. Null (or zero on the wire) means that limit is not applied.
/// </summary>
/// <param name="Duration">The longest the connection may last.</param>
/// <param name="Data">The most bytes it may carry in each direction (the relay counts what it forwards: the secured, muxed bytes).</param>
public sealed record ConnectionLimit(TimeSpan? Duration, long? Data)
{
    /// <summary>No limit at all (a relay that announces none).</summary>
    public static ConnectionLimit None { get; } = new(null, null);
}
