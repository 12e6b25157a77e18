namespace Libp2p.Multiformats;

/// <summary>
/// p2p (alias ipfs): the peer id multihash. Text in: base58btc ("Qm…", "1…") or a CIDv1 with codec libp2p-key in any
/// multibase we read ("bafz…", "k51…"); text out: base58btc. As go-multiaddr, only identity and sha2-256 (32-byte)
/// multihashes are accepted, the two kinds the peer-ids spec defines; unlike go, an identity digest over 42 bytes is
/// refused too (the spec hashes such keys), which bounds the quadratic base58 work a hostile address can cause.
/// </summary>
internal sealed class PeerIdValueCodec : ValueCodec
{
    public static readonly PeerIdValueCodec Instance = new();
    public override int FixedLength => VariableLength;
    private const ulong CidV1 = 1, LibP2pKeyCodec = 0x72;
    private const int MaxIdentityDigest = 42; // peer-ids spec: larger keys are hashed
    private const int MaxTextLength = 128; // the longest peer id (a CIDv1 of 46 bytes) is under 80 characters

    public override bool TryParse(string text, out byte[] value, out string error)
    {
        if (text.Length == 0)
            return Fail("empty peer id", out value, out error);
        if (text.Length > MaxTextLength)
            return Fail($"longer than {MaxTextLength} characters", out value, out error);
        byte[] mh;
        // js-multiaddr's rule: a leading 'Q' or '1' is a bare base58btc multihash, anything else a multibase CID.
        if (text[0] == 'Q' || text[0] == '1')
        {
            if (!BigRadixBase.Base58Btc.TryDecode(text, out mh))
                return Fail("not base58btc", out value, out error);
        }
        else if (!TryDecodeCid(text, out mh, out string cidError))
            return Fail(cidError, out value, out error);
        return IsValid(mh, out error) ? Ok(mh, out value, out error) : Fail(error, out value, out _);
    }

    private static bool TryDecodeCid(string text, out byte[] mh, out string error)
    {
        mh = [];
        if (!Multibase.TryDecode(text, out var cid, out error))
            return false;
        try
        {
            if (!Varint.TryRead(cid, out ulong version, out int n1) || version != CidV1)
            {
                error = "not base58btc and not a CIDv1";
                return false;
            }
            if (!Varint.TryRead(cid.AsSpan(n1), out ulong codec, out int n2) || codec != LibP2pKeyCodec)
            {
                error = $"CID codec 0x{codec:x} is not libp2p-key (0x72)";
                return false;
            }
            mh = cid[(n1 + n2)..];
            return true;
        }
        catch (VarintFormatException e)
        {
            error = "malformed CID: " + e.Message;
            return false;
        }
    }

    public override bool IsValid(ReadOnlySpan<byte> value, out string error)
    {
        if (!Multihash.TryValidate(value, out ulong code, out int digestLength, out error))
            return false;
        error = code switch
        {
            Multihash.Sha2_256 when digestLength != 32 => $"sha2-256 digest of {digestLength} bytes, expected 32",
            Multihash.Identity when digestLength > MaxIdentityDigest => $"identity digest of {digestLength} bytes, at most {MaxIdentityDigest}",
            Multihash.Sha2_256 or Multihash.Identity => "",
            _ => $"multihash code 0x{code:x} is neither identity nor sha2-256",
        };
        return error.Length == 0;
    }

    public override string Format(ReadOnlySpan<byte> value) => BigRadixBase.Base58Btc.Encode(value);
}
