using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using Libp2p.Identity;

namespace Libp2p.Kad;

/// <summary>
/// A point in the DHT's 256-bit key space: the SHA-256 of a key's bytes (a peer id's multihash, a record key, a
/// content multihash). Distances are the XOR of two points, compared as big-endian unsigned numbers.
/// </summary>
public readonly struct KadKey : IEquatable<KadKey>
{
    /// <summary>Bits in a key (the number of buckets a routing table can unfold into).</summary>
    public const int Bits = 256;

    // Four big-endian words: _w0 holds the first 8 bytes, so comparing words in order compares the numbers.
    private readonly ulong _w0, _w1, _w2, _w3;

    private KadKey(ulong w0, ulong w1, ulong w2, ulong w3)
    {
        _w0 = w0; _w1 = w1; _w2 = w2; _w3 = w3;
    }

    /// <summary>The point of <paramref name="key"/>: SHA-256 of its bytes (the spec's distance definition).</summary>
    public static KadKey Hash(ReadOnlySpan<byte> key)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(key, digest);
        return FromDigest(digest);
    }

    /// <summary>The point of a peer: SHA-256 of its peer id's multihash bytes.</summary>
    public static KadKey FromPeerId(PeerId peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        return Hash(peer.Bytes);
    }

    /// <summary>A key given as its 32 raw bytes (not hashed again).</summary>
    public static KadKey FromDigest(ReadOnlySpan<byte> digest)
    {
        if (digest.Length != 32) throw new ArgumentException("A key is 32 bytes.", nameof(digest));
        return new(BinaryPrimitives.ReadUInt64BigEndian(digest),
            BinaryPrimitives.ReadUInt64BigEndian(digest[8..]),
            BinaryPrimitives.ReadUInt64BigEndian(digest[16..]),
            BinaryPrimitives.ReadUInt64BigEndian(digest[24..]));
    }

    /// <summary>Writes the key's 32 bytes to <paramref name="destination"/>.</summary>
    public void CopyTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _w0);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _w1);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], _w2);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], _w3);
    }

    /// <summary>The XOR distance between this key and <paramref name="other"/>.</summary>
    public KadKey Xor(KadKey other) => new(_w0 ^ other._w0, _w1 ^ other._w1, _w2 ^ other._w2, _w3 ^ other._w3);

    /// <summary>Leading bits this key shares with <paramref name="other"/> (256 when equal): the bucket index.</summary>
    public int CommonPrefixLength(KadKey other)
    {
        var d = Xor(other);
        if (d._w0 != 0) return BitOperations.LeadingZeroCount(d._w0);
        if (d._w1 != 0) return 64 + BitOperations.LeadingZeroCount(d._w1);
        if (d._w2 != 0) return 128 + BitOperations.LeadingZeroCount(d._w2);
        if (d._w3 != 0) return 192 + BitOperations.LeadingZeroCount(d._w3);
        return Bits;
    }

    /// <summary>Negative when <paramref name="a"/> is closer to this key than <paramref name="b"/>, zero when as close.</summary>
    public int CompareDistance(KadKey a, KadKey b)
    {
        int c = (a._w0 ^ _w0).CompareTo(b._w0 ^ _w0);
        if (c != 0) return c;
        c = (a._w1 ^ _w1).CompareTo(b._w1 ^ _w1);
        if (c != 0) return c;
        c = (a._w2 ^ _w2).CompareTo(b._w2 ^ _w2);
        return c != 0 ? c : (a._w3 ^ _w3).CompareTo(b._w3 ^ _w3);
    }

    /// <summary>True when both keys have the same bits.</summary>
    public bool Equals(KadKey other) => _w0 == other._w0 && _w1 == other._w1 && _w2 == other._w2 && _w3 == other._w3;
    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is KadKey k && Equals(k);
    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_w0, _w1, _w2, _w3);
    /// <summary>True when the keys are equal.</summary>
    public static bool operator ==(KadKey a, KadKey b) => a.Equals(b);
    /// <summary>True when the keys differ.</summary>
    public static bool operator !=(KadKey a, KadKey b) => !a.Equals(b);

    /// <inheritdoc/>
    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[32];
        CopyTo(bytes);
        return Convert.ToHexStringLower(bytes);
    }
}
