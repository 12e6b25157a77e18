namespace Libp2p.Multiformats;

/// <summary>certhash: a multihash, multibase text in (any base we read), base64url ('u') out as go and js print it.</summary>
internal sealed class CertHashValueCodec : ValueCodec
{
    public static readonly CertHashValueCodec Instance = new();
    public override int FixedLength => VariableLength;

    public override bool TryParse(string text, out byte[] value, out string error)
    {
        if (!Multibase.TryDecode(text, out var mh, out error))
            return Fail(error, out value, out _);
        return IsValid(mh, out error) ? Ok(mh, out value, out error) : Fail(error, out value, out _);
    }

    public override bool IsValid(ReadOnlySpan<byte> value, out string error) =>
        Multihash.TryValidate(value, out _, out _, out error);

    public override string Format(ReadOnlySpan<byte> value) => "u" + RadixBase.Base64Url.Encode(value);
}
