using Google.Protobuf;
using Libp2p.Identity;
using Libp2p.Transports;
using Libp2p.Relay.Pb;

namespace Libp2p.Relay;

/// <summary>Conversions between the wire messages and the public types.</summary>
internal static class RelayWire
{
    public static Limit? ToWire(ConnectionLimit? limit)
    {
        if (limit is null || (limit.Duration is null && limit.Data is null)) return null;
        var wire = new Limit();
        if (limit.Duration is { } d) wire.Duration = (uint)Math.Clamp(Math.Ceiling(d.TotalSeconds), 1, uint.MaxValue);
        if (limit.Data is { } b) wire.Data = (ulong)b;
        return wire;
    }

    /// <summary>What a peer announced: no message is no limit; zero fields are "not applied" (the spec's words).</summary>
    public static ConnectionLimit FromWire(Limit? wire)
    {
        if (wire is null) return ConnectionLimit.None;
        TimeSpan? duration = wire.HasDuration && wire.Duration > 0 ? TimeSpan.FromSeconds(wire.Duration) : null;
        long? data = wire.HasData && wire.Data > 0 ? (long)Math.Min(wire.Data, long.MaxValue) : null;
        return duration is null && data is null ? ConnectionLimit.None : new ConnectionLimit(duration, data);
    }

    public static RelayStatus? StatusOf(bool has, Status status) => has && status != Status.Unused ? (RelayStatus)(int)status : null;

    public static Status ToWire(RelayStatus status) => (Status)(int)status;

    public static Peer PeerMessage(PeerId id) => new() { Id = ByteString.CopyFrom(id.Bytes) };

    /// <summary>The peer id of a <c>Peer</c> message, or null when absent or malformed (the caller answers MALFORMED_MESSAGE).</summary>
    public static PeerId? PeerIdOf(Peer? peer) =>
        peer is { HasId: true } && PeerId.TryFromBytes(peer.Id.Span, out var id) ? id : null;
}
