namespace Libp2p.Multiformats;

/// <summary>
/// dns, dns4, dns6, dnsaddr, sni, ip6zone: a non-empty UTF-8 string without '/', which would end the value in text
/// (go-multiaddr rejects the slash too). Names are not checked against DNS syntax, as in go and js.
/// </summary>
internal sealed class NameValueCodec : ValueCodec
{
    public static readonly NameValueCodec Instance = new();
    public override int FixedLength => VariableLength;

    public override bool TryParse(string text, out byte[] value, out string error)
    {
        if (text.Length == 0)
            return Fail("empty value", out value, out error);
        if (text.Contains('/'))
            return Fail("contains '/'", out value, out error);
        return Utf8Text.TryEncode(text, out var bytes)
            ? Ok(bytes, out value, out error)
            : Fail("not valid Unicode text", out value, out error);
    }

    public override bool IsValid(ReadOnlySpan<byte> value, out string error)
    {
        error = value.IsEmpty ? "empty value"
            : value.Contains((byte)'/') ? "contains '/'"
            : !Utf8Text.IsValid(value) ? "not valid UTF-8"
            : "";
        return error.Length == 0;
    }

    public override string Format(ReadOnlySpan<byte> value) => Utf8Text.Decode(value);
}
