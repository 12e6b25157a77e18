using System.Formats.Cbor;
using System.Text;
using Google.Protobuf;
using Libp2p.Identity;
using Libp2p.Kad.Pb;

namespace Libp2p.Kad.Records;

/// <summary>
/// An IPNS record (ipfs/specs <c>ipns-record.md</c>): the <c>IpnsEntry</c> protobuf whose <c>data</c> field is a
/// DAG-CBOR map signed with signature V2. CBOR goes through System.Formats.Cbor (NuGet, AOT- and trim-safe, works
/// in browser-wasm), read in lax mode so any valid encoding of extra fields is accepted: the signature covers the
/// bytes, not our reading of them.
/// </summary>
public sealed class IpnsRecord
{
    /// <summary>The spec's size limit on a serialized record.</summary>
    public const int MaxSize = 10 * 1024;

    private static readonly byte[] s_signaturePrefix = "ipns-signature:"u8.ToArray();

    private IpnsRecord(byte[] value, DateTimeOffset validity, ulong sequence, ulong ttlNanoseconds, PublicKey publicKey)
    {
        Value = value;
        Validity = validity;
        Sequence = sequence;
        TtlNanoseconds = ttlNanoseconds;
        PublicKey = publicKey;
    }

    /// <summary>What the name points at, e.g. <c>/ipfs/bafy...</c>.</summary>
    public byte[] Value { get; }

    /// <summary>End of life (ValidityType EOL).</summary>
    public DateTimeOffset Validity { get; }

    /// <summary>The record's sequence number (higher is newer).</summary>
    public ulong Sequence { get; }

    /// <summary>How long resolvers may cache the record, in nanoseconds.</summary>
    public ulong TtlNanoseconds { get; }

    /// <summary>The key that signed it (from <c>pubKey</c> or from the name).</summary>
    public PublicKey PublicKey { get; }

    /// <summary>Builds and signs a V2 record (no V1 fields, no <c>pubKey</c> when the key is inlined in the name).</summary>
    public static byte[] Create(PrivateKey key, ReadOnlySpan<byte> value, ulong sequence, DateTimeOffset validity, TimeSpan ttl)
    {
        ArgumentNullException.ThrowIfNull(key);
        // Canonical mode sorts map keys length-first then bytewise (RFC 7049), which is DAG-CBOR's order.
        var writer = new CborWriter(CborConformanceMode.Canonical);
        writer.WriteStartMap(5);
        writer.WriteTextString("TTL");
        writer.WriteUInt64((ulong)ttl.Ticks * 100);
        writer.WriteTextString("Value");
        writer.WriteByteString(value);
        writer.WriteTextString("Sequence");
        writer.WriteUInt64(sequence);
        writer.WriteTextString("Validity");
        writer.WriteByteString(Encoding.ASCII.GetBytes(IpnsTime.Format(validity)));
        writer.WriteTextString("ValidityType");
        writer.WriteUInt64(0);
        writer.WriteEndMap();
        byte[] data = writer.Encode();
        var entry = new IpnsEntry
        {
            Data = ByteString.CopyFrom(data),
            SignatureV2 = ByteString.CopyFrom(key.Sign([.. s_signaturePrefix, .. data])),
        };
        if (!key.ToPeerId().HasInlinePublicKey)
            entry.PubKey = ByteString.CopyFrom(key.PublicKey.ToProtobuf());
        return entry.ToByteArray();
    }

    /// <summary>
    /// Parses and verifies <paramref name="record"/> as the record of <paramref name="name"/> (the spec's "Record
    /// Verification", steps 1–7; the caller checks the validity time).
    /// </summary>
    /// <exception cref="RecordValidationException">Anything wrong, with what.</exception>
    public static IpnsRecord Verify(PeerId name, ReadOnlySpan<byte> record)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (record.Length > MaxSize) throw new RecordValidationException($"An IPNS record is {record.Length} bytes, over the {MaxSize}-byte limit.");
        IpnsEntry entry;
        try { entry = IpnsEntry.Parser.ParseFrom(record); }
        catch (InvalidProtocolBufferException e) { throw new RecordValidationException($"Malformed IPNS record: {e.Message}", e); }
        if (!entry.HasSignatureV2 || entry.SignatureV2.IsEmpty || !entry.HasData || entry.Data.IsEmpty)
            throw new RecordValidationException("The IPNS record has no signature V2 or no data (V1-only records are refused).");

        var publicKey = ExtractKey(name, entry);
        var data = entry.Data.Span;
        byte[] signed = [.. s_signaturePrefix, .. data];
        if (!publicKey.Verify(signed, entry.SignatureV2.Span))
            throw new RecordValidationException("The IPNS record's signature V2 does not verify.");

        var fields = ReadData(entry.Data.Memory);
        if (fields.ValidityType != 0) throw new RecordValidationException($"Unknown IPNS validity type {fields.ValidityType}.");
        if (!IpnsTime.TryParse(Encoding.ASCII.GetString(fields.Validity), out var validity))
            throw new RecordValidationException("The IPNS record's validity is not an RFC 3339 time.");
        CheckLegacyCopies(entry, fields);
        return new IpnsRecord(fields.Value, validity, fields.Sequence, fields.Ttl, publicKey);
    }

    private static PublicKey ExtractKey(PeerId name, IpnsEntry entry)
    {
        try
        {
            if (entry.HasPubKey && !entry.PubKey.IsEmpty)
            {
                var key = PublicKey.FromProtobuf(entry.PubKey.Span);
                if (key.ToPeerId() != name) throw new RecordValidationException($"The IPNS record's public key is that of {key.ToPeerId()}, not of {name}.");
                return key;
            }
        }
        catch (Exception e) when (e is KeyFormatException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new RecordValidationException($"The IPNS record's public key is malformed: {e.Message}", e);
        }
        return name.TryGetPublicKey()
            ?? throw new RecordValidationException($"The IPNS record carries no public key and {name} does not inline one.");
    }

    private sealed class DataFields
    {
        public byte[] Value = [];
        public byte[] Validity = [];
        public ulong ValidityType = ulong.MaxValue;
        public ulong Sequence;
        public ulong Ttl;
        public int Seen;
    }

    // Only the five spec fields are read; anything else (the spec's extensible data) is skipped unread.
    private static DataFields ReadData(ReadOnlyMemory<byte> data)
    {
        var f = new DataFields();
        try
        {
            var reader = new CborReader(data, CborConformanceMode.Lax);
            int? count = reader.ReadStartMap();
            while (reader.PeekState() != CborReaderState.EndMap)
            {
                if (reader.PeekState() != CborReaderState.TextString) { reader.SkipValue(); reader.SkipValue(); continue; }
                switch (reader.ReadTextString())
                {
                    case "Value": f.Value = reader.ReadByteString(); f.Seen |= 1; break;
                    case "Validity": f.Validity = reader.ReadByteString(); f.Seen |= 2; break;
                    case "ValidityType": f.ValidityType = reader.ReadUInt64(); f.Seen |= 4; break;
                    case "Sequence": f.Sequence = reader.ReadUInt64(); f.Seen |= 8; break;
                    case "TTL": f.Ttl = reader.ReadUInt64(); f.Seen |= 16; break;
                    default: reader.SkipValue(); break;
                }
            }
            reader.ReadEndMap();
            if (reader.BytesRemaining != 0) throw new RecordValidationException("The IPNS record's data has bytes after its map.");
        }
        catch (Exception e) when (e is CborContentException or InvalidOperationException or FormatException or OverflowException)
        {
            throw new RecordValidationException($"The IPNS record's data is not the expected CBOR map: {e.Message}", e);
        }
        if (f.Seen != 31) throw new RecordValidationException("The IPNS record's data lacks one of Value, Validity, ValidityType, Sequence, TTL.");
        return f;
    }

    // Step 7: V1 copies, when present, must equal the signed data (they are never used otherwise).
    private static void CheckLegacyCopies(IpnsEntry entry, DataFields f)
    {
        if (!entry.HasSignatureV1 && !entry.HasValue) return;
        bool same = entry.Value.Span.SequenceEqual(f.Value)
            && entry.Validity.Span.SequenceEqual(f.Validity)
            && (ulong)entry.ValidityType == f.ValidityType
            && entry.Sequence == f.Sequence
            && entry.Ttl == f.Ttl;
        if (!same) throw new RecordValidationException("The IPNS record's V1 fields differ from its signed data.");
    }
}
