namespace Libp2p.Multiformats;

/// <summary>
/// The binary form: per component, the protocol code as an unsigned varint, then the value: a fixed number of
/// bytes, or a varint length and that many bytes, or nothing. Every length is checked against the input before
/// anything is allocated; varints must be minimal (one encoding per address, so binary equality is address equality).
/// </summary>
internal static class MultiaddrBinaryCodec
{
    public static bool TryDecode(ReadOnlySpan<byte> bytes, out List<MultiaddrComponent> components, out string error)
    {
        components = [];
        if (bytes.IsEmpty)
            return Fail("empty multiaddr", out error);
        if (bytes.Length > Multiaddr.MaxLength)
            return Fail($"multiaddr longer than {Multiaddr.MaxLength} bytes", out error);
        int pos = 0;
        while (pos < bytes.Length)
        {
            if (!TryReadVarint(bytes[pos..], out ulong code, out int n, out error))
                return Fail($"protocol code at byte {pos}: {error}", out error);
            var protocol = code <= int.MaxValue ? MultiaddrProtocol.FromCode((int)code) : null;
            if (protocol is null)
                return Fail($"unknown protocol code 0x{code:x} at byte {pos}", out error);
            pos += n;

            int length = protocol.Codec?.FixedLength ?? 0;
            if (length == ValueCodec.VariableLength)
            {
                if (!TryReadVarint(bytes[pos..], out ulong len, out n, out error))
                    return Fail($"value length of /{protocol.Name} at byte {pos}: {error}", out error);
                pos += n;
                if (len > (ulong)(bytes.Length - pos))
                    return Fail($"value of /{protocol.Name} claims {len} bytes, only {bytes.Length - pos} left", out error);
                length = (int)len;
            }
            else if (length > bytes.Length - pos)
            {
                return Fail($"value of /{protocol.Name} needs {length} bytes, only {bytes.Length - pos} left", out error);
            }

            var value = bytes.Slice(pos, length);
            if (protocol.Codec is not null && !protocol.Codec.IsValid(value, out string why))
                return Fail($"invalid value for /{protocol.Name}: {why}", out error);
            components.Add(MultiaddrComponent.FromValidated(protocol, value.ToArray()));
            pos += length;
            // A path (/unix) takes the rest of the address in text, so anything after it in binary would read back as
            // part of the path: such an address has no text form (found by fuzzing: the text round trip changed it).
            if (protocol.IsPath && pos < bytes.Length)
                return Fail($"/{protocol.Name} must be the last component (in text it takes the rest of the address)", out error);
        }
        error = "";
        return true;
    }

    public static byte[] Encode(IReadOnlyList<MultiaddrComponent> components)
    {
        int total = 0;
        foreach (var c in components)
            total += c.EncodedLength;
        var bytes = new byte[total];
        int pos = 0;
        foreach (var c in components)
            pos += c.WriteTo(bytes.AsSpan(pos));
        return bytes;
    }

    private static bool TryReadVarint(ReadOnlySpan<byte> source, out ulong value, out int bytesRead, out string error)
    {
        try
        {
            if (Varint.TryRead(source, out value, out bytesRead))
            {
                error = "";
                return true;
            }
            error = "truncated varint";
            return false;
        }
        catch (VarintFormatException e)
        {
            value = 0;
            bytesRead = 0;
            error = e.Message;
            return false;
        }
    }

    private static bool Fail(string message, out string error)
    {
        error = message;
        return false;
    }
}
