using SimpleBase;

namespace Libp2p.Kad;

/// <summary>
/// Provider keys. On the wire a provider key is the content's multihash (go since 2020; js sends
/// <c>cid.multihash.bytes</c> too), so CIDs are reduced to their multihash here.
/// </summary>
public static class ContentKey
{
    /// <summary>
    /// The multihash of a CID given as text: CIDv0 (<c>Qm…</c>, base58btc) or CIDv1 in base32 (<c>b…</c>) or
    /// base58btc (<c>z…</c>); a bare multihash in base58btc is accepted as well.
    /// </summary>
    /// <exception cref="FormatException">Not a CID this reads.</exception>
    public static byte[] FromCid(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        byte[] bytes;
        try
        {
            bytes = text[0] switch
            {
                'b' => Base32.Rfc4648.Decode(text.AsSpan(1).ToString().ToUpperInvariant()),
                'z' => Base58.Bitcoin.Decode(text.AsSpan(1)),
                'Q' or '1' => Base58.Bitcoin.Decode(text),
                _ => throw new FormatException($"'{text}' is not a base32 ('b') or base58btc CID."),
            };
        }
        catch (ArgumentException e) { throw new FormatException($"'{text}' is not a CID: {e.Message}", e); }
        return FromCidBytes(bytes);
    }

    /// <summary>The multihash of a binary CID (v0: the multihash itself; v1: after version and codec).</summary>
    /// <exception cref="FormatException">Not a CID this reads (also a bad varint inside it: found by fuzzing the daemon's DHT requests).</exception>
    public static byte[] FromCidBytes(ReadOnlySpan<byte> cid)
    {
        try
        {
            return ReadCid(cid);
        }
        catch (Multiformats.VarintFormatException e)
        {
            throw new FormatException($"The CID has a bad varint: {e.Message}", e);
        }
    }

    private static byte[] ReadCid(ReadOnlySpan<byte> cid)
    {
        if (cid.Length >= 2 && cid[0] == 0x12 && cid[1] == 0x20) return CheckedMultihash(cid);
        if (!Multiformats.Varint.TryRead(cid, out ulong version, out int n) || version != 1)
            throw new FormatException("Not a CIDv0 or CIDv1.");
        if (!Multiformats.Varint.TryRead(cid[n..], out _, out int m))
            throw new FormatException("The CID's codec is truncated.");
        return CheckedMultihash(cid[(n + m)..]);
    }

    private static byte[] CheckedMultihash(ReadOnlySpan<byte> mh)
    {
        if (!Multiformats.Varint.TryRead(mh, out _, out int a) || !Multiformats.Varint.TryRead(mh[a..], out ulong length, out int b)
            || (ulong)(mh.Length - a - b) != length || length == 0)
            throw new FormatException("The CID's multihash is malformed.");
        return mh.ToArray();
    }

    /// <summary>A CIDv1 (raw codec, base32) for a multihash, for display.</summary>
    public static string ToCidString(ReadOnlySpan<byte> multihash)
    {
        byte[] cid = [0x01, 0x55, .. multihash];
        return "b" + Base32.Rfc4648.Encode(cid).TrimEnd('=').ToLowerInvariant();
    }
}
