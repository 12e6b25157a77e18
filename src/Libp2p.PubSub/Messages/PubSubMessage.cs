using Libp2p.Identity;

namespace Libp2p.PubSub;

/// <summary>
/// A pubsub message as delivered to subscribers and validators: what the author published (topic, data), who the
/// author is (<see cref="From"/>, absent under <see cref="SignaturePolicy.StrictNoSign"/>), its sequence number and
/// signature, its id, and the peer that handed it to us.
/// </summary>
public sealed class PubSubMessage
{
    internal PubSubMessage(string topic, byte[] data, PeerId? from, byte[]? seqno, byte[]? signature, byte[]? key,
        PeerId receivedFrom, byte[] wire)
    {
        Topic = topic;
        Data = data;
        From = from;
        Seqno = seqno is null ? (ReadOnlyMemory<byte>?)null : new ReadOnlyMemory<byte>(seqno);
        Signature = signature is null ? (ReadOnlyMemory<byte>?)null : new ReadOnlyMemory<byte>(signature);
        Key = key is null ? (ReadOnlyMemory<byte>?)null : new ReadOnlyMemory<byte>(key);
        ReceivedFrom = receivedFrom;
        Wire = wire;
    }

    /// <summary>The topic it was published to.</summary>
    public string Topic { get; }

    /// <summary>The payload.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>The author (the <c>from</c> field); null for unsigned messages.</summary>
    public PeerId? From { get; }

    /// <summary>The author's sequence number (8 bytes, big-endian), or null.</summary>
    public ReadOnlyMemory<byte>? Seqno { get; }

    /// <summary>The author's signature, or null for unsigned messages.</summary>
    public ReadOnlyMemory<byte>? Signature { get; }

    /// <summary>The author's public key (protobuf) when it is not inlined in its peer id.</summary>
    public ReadOnlyMemory<byte>? Key { get; }

    /// <summary>The id computed by the message-id function; set before validators run.</summary>
    public MessageId Id { get; internal set; }

    /// <summary>The peer this message came from (our own id for messages we published).</summary>
    public PeerId ReceivedFrom { get; }

    /// <summary>The seqno as lower-case hex ("" when absent).</summary>
    public string SeqnoHex => Seqno is { } s ? Convert.ToHexStringLower(s.Span) : "";

    /// <summary>The protobuf <c>Message</c> exactly as it travels (forwarded without re-encoding).</summary>
    internal byte[] Wire { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Topic} {Id} from {From?.ToString() ?? "(unsigned)"} via {ReceivedFrom} ({Data.Length} B)";
}
