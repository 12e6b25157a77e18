namespace Libp2p.PubSub;

/// <summary>
/// The id of a pubsub message: opaque bytes computed by the message-id function (by default the author's peer id
/// bytes followed by the seqno). Compared by content; the hash is computed once.
/// </summary>
public readonly struct MessageId : IEquatable<MessageId>
{
    private readonly byte[]? _bytes;
    private readonly int _hash;

    /// <summary>An id of <paramref name="bytes"/> (kept, not copied).</summary>
    public MessageId(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        _bytes = bytes;
        var h = new HashCode();
        h.AddBytes(bytes);
        _hash = h.ToHashCode();
    }

    /// <summary>The id's bytes.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>The id's length in bytes.</summary>
    public int Length => _bytes?.Length ?? 0;

    internal byte[] ToArray() => _bytes ?? [];

    /// <summary>True when both ids have the same bytes.</summary>
    public bool Equals(MessageId other) => _hash == other._hash && Bytes.SequenceEqual(other.Bytes);
    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is MessageId other && Equals(other);
    /// <inheritdoc/>
    public override int GetHashCode() => _hash;
    /// <summary>True when the ids are equal.</summary>
    public static bool operator ==(MessageId a, MessageId b) => a.Equals(b);
    /// <summary>True when the ids differ.</summary>
    public static bool operator !=(MessageId a, MessageId b) => !a.Equals(b);

    /// <summary>Lower-case hex of the id.</summary>
    public override string ToString() => Convert.ToHexStringLower(Bytes);
}
