namespace Libp2p.Multiformats;

/// <summary>
/// unix: a socket path. In text it is everything after <c>/unix</c> (so it includes its leading '/'), as go-multiaddr
/// and older js-multiaddr do; the bytes are the UTF-8 path. The current spec (protocols/unix.md) and js-multiaddr 13
/// instead percent-encode the path as one segment (<c>/unix/%2Ftmp%2Fs</c>); the binary form is the same either way.
/// As in go, the path must start with '/' and must not end with it.
/// </summary>
internal sealed class UnixPathValueCodec : ValueCodec
{
    public static readonly UnixPathValueCodec Instance = new();
    public override int FixedLength => VariableLength;

    public override bool TryParse(string text, out byte[] value, out string error)
    {
        if (text.Length < 2 || text[0] != '/' || text[^1] == '/')
            return Fail("not a path that starts with '/' and does not end with it", out value, out error);
        return Utf8Text.TryEncode(text, out var bytes)
            ? Ok(bytes, out value, out error)
            : Fail("not valid Unicode text", out value, out error);
    }

    public override bool IsValid(ReadOnlySpan<byte> value, out string error)
    {
        error = value.Length < 2 || value[0] != '/' || value[^1] == '/' ? "path must start with '/', not end with it, and not be empty"
            : !Utf8Text.IsValid(value) ? "not valid UTF-8"
            : "";
        return error.Length == 0;
    }

    public override string Format(ReadOnlySpan<byte> value) => Utf8Text.Decode(value);
}
