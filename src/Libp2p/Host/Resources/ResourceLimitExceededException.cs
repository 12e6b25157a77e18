namespace Libp2p.Host.Resources;

/// <summary>
/// The host's <see cref="ResourceManager"/> refused something: a connection, a stream, or memory. Names the limit (a
/// property of <see cref="ResourceLimits"/>), its value and the scope that is full; <see cref="Libp2pError.ResourceLimitExceeded"/>.
/// </summary>
public sealed class ResourceLimitExceededException(string limit, long value, string scope, string what)
    : Libp2pException(Libp2pError.ResourceLimitExceeded, $"Refused {what}: {scope} is at its limit {limit} = {value}.")
{
    /// <summary>The <see cref="ResourceLimits"/> property that was hit.</summary>
    public string Limit { get; } = limit;

    /// <summary>Its value.</summary>
    public long Value { get; } = value;

    /// <summary>The scope that is full: "node", "address 203.0.113.7", "peer 12D3Koo…", "connection …", "protocol /x/1".</summary>
    public string Scope { get; } = scope;
}
