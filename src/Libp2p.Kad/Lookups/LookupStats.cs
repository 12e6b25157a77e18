namespace Libp2p.Kad.Lookups;

/// <summary>What one lookup did, raised through <see cref="KadDht.LookupCompleted"/> (benchmarks and diagnostics).</summary>
/// <param name="Kind">FIND_NODE, GET_VALUE, GET_PROVIDERS (the request it sent).</param>
/// <param name="Key">The key looked up.</param>
/// <param name="Found">Whether it found what it was for (the peer, a value, a provider; the closest peers for a plain walk).</param>
/// <param name="Hops">
/// Rounds on the path to the answer: 1 when a peer from our own table answered, 2 when a peer it named did, and so on;
/// 0 when answered without the network. For a walk to the closest peers, the deepest round that was needed.
/// </param>
/// <param name="Queries">Requests sent.</param>
/// <param name="Failures">Requests that failed or timed out.</param>
/// <param name="Duration">Wall time on the DHT's clock.</param>
public sealed record LookupStats(string Kind, byte[] Key, bool Found, int Hops, int Queries, int Failures, TimeSpan Duration);
