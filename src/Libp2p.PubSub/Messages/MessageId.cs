namespace Libp2p.PubSub;

/// <summary>
/// The id of a pubsub message: opaque bytes computed by the message-id function (by default the author's peer id
/// bytes followed by the seqno). Compared by content; the hash is computed once.
/// </summary>
public readonly struct MessageId : IEquatable<MessageId>
{
    private readonly byte[]? _bytes;
    private readonly int _hash;

    public MessageId(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        _bytes = bytes;
        var h = new HashCode();
        h.AddBytes(bytes);
        _hash = h.ToHashCode();
    }

    public ReadOnlySpan<byte> Bytes => _bytes;

    public int Length => _bytes?.Length ?? 0;

    internal byte[] ToArray() => _bytes ?? [];

    public bool Equals(MessageId other) => _hash == other._hash && Bytes.SequenceEqual(other.Bytes);
    public override bool Equals(object? obj) => obj is MessageId other && Equals(other);
    public override int GetHashCode() => _hash;
    public static bool operator ==(MessageId a, MessageId b) => a.Equals(b);
    public static bool operator !=(MessageId a, MessageId b) => !a.Equals(b);

    /// <summary>Lower-case hex of the id.</summary>
    public override string ToString() => Convert.ToHexStringLower(Bytes);
}
