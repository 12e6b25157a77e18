using Libp2p.Multiformats;

namespace Libp2p.Identity;

/// <summary>
/// The libp2p key envelope <c>{ required KeyType Type = 1; required bytes Data = 2; }</c> (same shape for
/// PublicKey and PrivateKey). Hand-written rather than generated: it is two fields, and the peer-ids spec
/// demands one canonical byte form (Type then Data, minimal varints, both present, nothing else), which a
/// generated parser would not check. Encoding is canonical; decoding accepts only the canonical form, so a
/// key has exactly one encoding and the peer id derived from it is unambiguous.
/// </summary>
internal static class KeyProtobuf
{
    /// <summary>Largest Data accepted (an 8192-bit RSA private key in PKCS#1 DER is ~4.7 KiB).</summary>
    public const int MaxDataLength = 8 * 1024;

    private const byte TypeTag = 0x08; // field 1, wire type 0 (varint)
    private const byte DataTag = 0x12; // field 2, wire type 2 (length-delimited)

    public static int GetEncodedLength(int dataLength) => 2 + 1 + Varint.GetLength((ulong)dataLength) + dataLength;

    public static byte[] Encode(KeyType type, ReadOnlySpan<byte> data)
    {
        var buffer = new byte[GetEncodedLength(data.Length)];
        buffer[0] = TypeTag;
        buffer[1] = (byte)type; // KeyType values are 0..3: a single varint byte
        buffer[2] = DataTag;
        int n = 3 + Varint.Write((ulong)data.Length, buffer.AsSpan(3));
        data.CopyTo(buffer.AsSpan(n));
        return buffer;
    }

    /// <summary>Splits a canonical envelope into its type and data (a slice of <paramref name="encoded"/>).</summary>
    /// <exception cref="KeyFormatException">Not the canonical two-field encoding, unknown type, or data too large.</exception>
    public static KeyType Decode(ReadOnlySpan<byte> encoded, out ReadOnlySpan<byte> data)
    {
        if (encoded.Length < 4)
            throw new KeyFormatException("Key protobuf is truncated.");
        if (encoded.Length > GetEncodedLength(MaxDataLength))
            throw new KeyFormatException($"Key protobuf is longer than {GetEncodedLength(MaxDataLength)} bytes.");
        if (encoded[0] != TypeTag)
            throw new KeyFormatException("Key protobuf must start with the Type field (tag 0x08).");
        // Known types are 0..3; a first byte >= 0x80 is a longer (so unknown or non-minimal) varint.
        byte type = encoded[1];
        if (type > (byte)KeyType.Ecdsa)
            throw new KeyFormatException($"Unknown key type {(type >= 0x80 ? "(multi-byte varint)" : type.ToString())}.");
        if (encoded[2] != DataTag)
            throw new KeyFormatException("Key protobuf must have the Data field (tag 0x12) right after Type.");
        ulong length;
        int lengthBytes;
        try
        {
            if (!Varint.TryRead(encoded[3..], out length, out lengthBytes))
                throw new KeyFormatException("Key protobuf is truncated inside the Data length.");
        }
        catch (VarintFormatException e)
        {
            throw new KeyFormatException("Key protobuf Data length is not a minimal varint.", e);
        }
        if (length > MaxDataLength)
            throw new KeyFormatException($"Key data of {length} bytes exceeds the {MaxDataLength}-byte limit.");
        int start = 3 + lengthBytes;
        int remaining = encoded.Length - start;
        if ((ulong)remaining < length)
            throw new KeyFormatException($"Key protobuf is truncated: Data declares {length} bytes, {remaining} present.");
        if ((ulong)remaining > length)
            throw new KeyFormatException("Key protobuf has trailing bytes after Data (extra fields are not allowed).");
        data = encoded.Slice(start, (int)length);
        return (KeyType)type;
    }
}
