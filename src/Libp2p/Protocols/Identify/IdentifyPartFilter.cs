namespace Libp2p.Protocols.Identify;

/// <summary>
/// Drops, before protobuf parsing, the listen addresses and protocols of an identify part that the caps would drop
/// after it. Parsing first made every one of up to ~1,200 tiny addresses per 8 KiB part an object, only to throw
/// most of them away: an identify-push flood turned that into tens of MB of garbage a second, and the node's RSS
/// grew by the GC's budget for it. The result parses to exactly what parse-then-trim gave.
/// </summary>
internal static class IdentifyPartFilter
{
    private const int ListenAddrsField = 2;
    private const int ProtocolsField = 3;
    private const int LengthDelimited = 2;

    /// <summary>
    /// Copies the fields of the part worth parsing into the destination (at least as long as the part) and returns their length, or -1 when the part is not well-formed protobuf as far as this
    /// scan can tell (the caller then parses it whole, so malformed input fails exactly as before).
    /// </summary>
    /// <param name="part">One part's protobuf payload.</param>
    /// <param name="destination">Where the kept fields go; may be <paramref name="part"/> itself (bytes only move towards the front).</param>
    /// <param name="addressesHeld">Listen addresses the merged message already holds.</param>
    /// <param name="protocolsHeld">Protocols it already holds (all valid: earlier parts were trimmed).</param>
    public static int Filter(ReadOnlySpan<byte> part, Span<byte> destination, int addressesHeld, int protocolsHeld)
    {
        int written = 0, at = 0;
        while (at < part.Length)
        {
            int start = at;
            if (!TryReadVarint(part, ref at, out ulong tag)) return -1;
            int field = (int)Math.Min(tag >> 3, int.MaxValue), wireType = (int)(tag & 7);
            int contentLength = -1;
            switch (wireType)
            {
                case 0:
                    if (!TryReadVarint(part, ref at, out _)) return -1;
                    break;
                case 1:
                    at += 8;
                    break;
                case LengthDelimited:
                    if (!TryReadVarint(part, ref at, out ulong length) || length > (ulong)(part.Length - at)) return -1;
                    contentLength = (int)length;
                    at += contentLength;
                    break;
                case 5:
                    at += 4;
                    break;
                default:
                    return -1; // groups and invalid wire types: leave them to the parser
            }
            if (at > part.Length) return -1;

            bool keep = true;
            if (field == ListenAddrsField && wireType == LengthDelimited)
            {
                // Trim keeps the first MaxListenAddresses, valid or not.
                keep = addressesHeld < IdentifyProtocol.MaxListenAddresses;
                if (keep) addressesHeld++;
            }
            else if (field == ProtocolsField && wireType == LengthDelimited)
            {
                // A UTF-8 string of n bytes has between n/3 and n UTF-16 chars, so 1..Max bytes is surely kept by Trim,
                // and 0 or more than 3*Max bytes surely dropped; lengths between are left to Trim.
                if (contentLength == 0 || contentLength > 3 * IdentifyProtocol.MaxProtocolIdLength) keep = false;
                else if (contentLength <= IdentifyProtocol.MaxProtocolIdLength)
                {
                    keep = protocolsHeld < IdentifyProtocol.MaxProtocols;
                    if (keep) protocolsHeld++;
                }
            }
            if (keep)
            {
                part[start..at].CopyTo(destination[written..]);
                written += at - start;
            }
        }
        return written;
    }

    /// <summary>A protobuf varint (up to 10 bytes, non-minimal allowed as protobuf allows).</summary>
    private static bool TryReadVarint(ReadOnlySpan<byte> data, ref int at, out ulong value)
    {
        value = 0;
        for (int shift = 0; shift < 70 && at < data.Length; shift += 7)
        {
            byte b = data[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return true;
        }
        return false;
    }
}
