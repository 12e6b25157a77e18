using System.Text;

namespace Libp2p.Noise;

/// <summary>
/// The libp2p Noise handshake payload, hand-coded for strict bounds:
/// <code>
/// message NoiseHandshakePayload { bytes identity_key = 1; bytes identity_sig = 2; NoiseExtensions extensions = 4; }
/// message NoiseExtensions { repeated bytes webtransport_certhashes = 1; repeated string stream_muxers = 2; }
/// </code>
/// Unknown fields are skipped as protobuf requires (field 3, the deprecated early data, among them); groups,
/// truncated fields, wrong wire types for known fields and oversized values are errors.
/// </summary>
internal sealed class NoiseHandshakePayload
{
    public const int MaxStreamMuxers = 64;
    public const int MaxProtocolIdLength = 1023; // what multistream-select could carry anyway

    private static readonly UTF8Encoding StrictUtf8 = new(false, throwOnInvalidBytes: true);

    public byte[] IdentityKey { get; init; } = [];
    public byte[] IdentitySignature { get; init; } = [];
    public IReadOnlyList<string> StreamMuxers { get; init; } = [];
    /// <summary>True when the remote sent a NoiseExtensions message at all.</summary>
    public bool HasExtensions { get; init; }

    public byte[] Encode()
    {
        int extensionsLength = 0;
        foreach (var m in StreamMuxers) extensionsLength += FieldLength(StrictUtf8.GetByteCount(m));
        int total = FieldLength(IdentityKey.Length) + FieldLength(IdentitySignature.Length)
            + (StreamMuxers.Count > 0 ? FieldLength(extensionsLength) : 0);
        var buffer = new byte[total];
        int offset = 0;
        WriteBytesField(buffer, ref offset, 1, IdentityKey);
        WriteBytesField(buffer, ref offset, 2, IdentitySignature);
        if (StreamMuxers.Count > 0)
        {
            WriteTagAndLength(buffer, ref offset, 4, extensionsLength);
            foreach (var m in StreamMuxers) WriteBytesField(buffer, ref offset, 2, StrictUtf8.GetBytes(m));
        }
        return buffer;
    }

    /// <exception cref="NoiseHandshakeException">Malformed payload.</exception>
    public static NoiseHandshakePayload Decode(ReadOnlySpan<byte> data)
    {
        byte[] key = [], sig = [];
        var muxers = new List<string>();
        bool hasExtensions = false;
        var reader = new Reader(data);
        while (!reader.End)
        {
            var (field, wireType) = reader.ReadTag();
            if (field is 1 or 2 or 4 && wireType != 2)
                throw Malformed($"field {field} has wire type {wireType}, expected 2");
            switch (field)
            {
                case 1: key = reader.ReadLengthDelimited().ToArray(); break;
                case 2: sig = reader.ReadLengthDelimited().ToArray(); break;
                case 4:
                    hasExtensions = true;
                    DecodeExtensions(reader.ReadLengthDelimited(), muxers);
                    break;
                default: reader.Skip(wireType); break;
            }
        }
        return new NoiseHandshakePayload { IdentityKey = key, IdentitySignature = sig, StreamMuxers = muxers, HasExtensions = hasExtensions };
    }

    private static void DecodeExtensions(ReadOnlySpan<byte> data, List<string> muxers)
    {
        var reader = new Reader(data);
        while (!reader.End)
        {
            var (field, wireType) = reader.ReadTag();
            if (field is 1 or 2 && wireType != 2)
                throw Malformed($"extension field {field} has wire type {wireType}, expected 2");
            if (field == 2)
            {
                var value = reader.ReadLengthDelimited();
                if (muxers.Count == MaxStreamMuxers) throw Malformed($"more than {MaxStreamMuxers} stream muxers");
                if (value.Length == 0 || value.Length > MaxProtocolIdLength) throw Malformed("a stream muxer id is empty or too long");
                try { muxers.Add(StrictUtf8.GetString(value)); }
                catch (DecoderFallbackException) { throw Malformed("a stream muxer id is not UTF-8"); }
            }
            else reader.Skip(wireType); // webtransport_certhashes and anything newer: not ours to use
        }
    }

    private static NoiseHandshakeException Malformed(string why) => new($"Malformed Noise handshake payload: {why}.");

    private static int VarintLength(int value) => Libp2p.Multiformats.Varint.GetLength((ulong)value);

    private static int FieldLength(int length) => 1 + VarintLength(length) + length;

    private static void WriteTagAndLength(byte[] buffer, ref int offset, int field, int length)
    {
        buffer[offset++] = (byte)(field << 3 | 2);
        offset += Libp2p.Multiformats.Varint.Write((ulong)length, buffer.AsSpan(offset));
    }

    private static void WriteBytesField(byte[] buffer, ref int offset, int field, ReadOnlySpan<byte> value)
    {
        WriteTagAndLength(buffer, ref offset, field, value.Length);
        value.CopyTo(buffer.AsSpan(offset));
        offset += value.Length;
    }

    /// <summary>A bounds-checked protobuf reader over a span; every length is checked against what is left.</summary>
    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private ReadOnlySpan<byte> _rest = data;

        public readonly bool End => _rest.IsEmpty;

        public (int Field, int WireType) ReadTag()
        {
            ulong tag = ReadVarint();
            ulong field = tag >> 3;
            if (field == 0 || field > int.MaxValue) throw Malformed("invalid field number");
            return ((int)field, (int)(tag & 7));
        }

        public ReadOnlySpan<byte> ReadLengthDelimited()
        {
            ulong length = ReadVarint();
            if (length > (ulong)_rest.Length) throw Malformed("a field runs past the end");
            var value = _rest[..(int)length];
            _rest = _rest[(int)length..];
            return value;
        }

        public void Skip(int wireType)
        {
            switch (wireType)
            {
                case 0: ReadVarint(); break;
                case 1: Advance(8); break;
                case 2: ReadLengthDelimited(); break;
                case 5: Advance(4); break;
                default: throw Malformed($"unsupported wire type {wireType}");
            }
        }

        private void Advance(int n)
        {
            if (_rest.Length < n) throw Malformed("a fixed-size field runs past the end");
            _rest = _rest[n..];
        }

        // Protobuf varints are up to 10 bytes (64 bits); anything longer is malformed.
        private ulong ReadVarint()
        {
            ulong value = 0;
            for (int i = 0; i < 10; i++)
            {
                if (_rest.IsEmpty) throw Malformed("a varint runs past the end");
                byte b = _rest[0];
                _rest = _rest[1..];
                value |= (ulong)(b & 0x7F) << (7 * i);
                if (b < 0x80) return value;
            }
            throw Malformed("a varint is longer than 10 bytes");
        }
    }
}
