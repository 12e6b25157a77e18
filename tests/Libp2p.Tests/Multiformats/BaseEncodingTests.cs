using FsCheck.Xunit;
using Libp2p.Multiformats;

namespace Libp2p.Tests.Multiformats;

/// <summary>
/// The base encodings behind multiaddr and peer id text: library conversions (SimpleBase, BCL) plus the strictness
/// multiaddr needs (one text per byte string) and no exception escaping on bad input.
/// </summary>
public class BaseEncodingTests
{
    public static TheoryData<string, string, string, string, string> Rfc4648Vectors => new()
    {
        // input, base16, base32, base64 (unpadded), base64url (unpadded) — RFC 4648 section 10
        { "", "", "", "", "" },
        { "f", "66", "my", "Zg", "Zg" },
        { "fo", "666f", "mzxq", "Zm8", "Zm8" },
        { "foo", "666f6f", "mzxw6", "Zm9v", "Zm9v" },
        { "foob", "666f6f62", "mzxw6yq", "Zm9vYg", "Zm9vYg" },
        { "fooba", "666f6f6261", "mzxw6ytb", "Zm9vYmE", "Zm9vYmE" },
        { "foobar", "666f6f626172", "mzxw6ytboi", "Zm9vYmFy", "Zm9vYmFy" },
    };

    [Theory]
    [MemberData(nameof(Rfc4648Vectors))]
    public void PowerOfTwoBasesMatchRFC4648(string input, string b16, string b32, string b64, string b64url)
    {
        var bytes = System.Text.Encoding.ASCII.GetBytes(input);
        foreach (var (coder, text) in new[] { (RadixBase.Base16, b16), (RadixBase.Base32, b32), (RadixBase.Base64, b64), (RadixBase.Base64Url, b64url) })
        {
            Assert.Equal(text, coder.Encode(bytes));
            Assert.True(coder.TryDecode(text, allowPadding: false, out var decoded));
            Assert.Equal(bytes, decoded);
        }
    }

    [Fact]
    public void Base16AndBase32DecodeAnyCaseBase64DoesNot()
    {
        Assert.True(RadixBase.Base16.TryDecode("666F6f", false, out var hex));
        Assert.Equal("foo"u8.ToArray(), hex);
        Assert.True(RadixBase.Base32.TryDecode("MZXw6", false, out var b32));
        Assert.Equal("foo"u8.ToArray(), b32);
        Assert.True(RadixBase.Base64.TryDecode("Zm9v", false, out _));
        Assert.False(RadixBase.Base64.TryDecode("zM9V", false, out var other) && other.AsSpan().SequenceEqual("foo"u8));
    }

    [Theory]
    [InlineData("abc", "odd number of hex digits")]
    [InlineData("6g", "not a hex digit")]
    public void Base16Rejects(string text, string why) =>
        Assert.False(RadixBase.Base16.TryDecode(text, false, out _), why);

    [Theory]
    [InlineData("m", "one character carries no whole byte")]
    [InlineData("mzx", "three characters leave a dangling one")]
    [InlineData("mz", "non-zero trailing bits: not the encoding of any byte string")]
    [InlineData("mzxw7", "non-zero trailing bits")]
    [InlineData("mzx 6", "whitespace")]
    [InlineData("mzx1", "'1' is not in the alphabet")]
    [InlineData("my======", "padding without allowPadding")]
    [InlineData("mzxé", "non-ASCII")]
    public void Base32RejectsNonCanonicalText(string text, string why) =>
        Assert.False(RadixBase.Base32.TryDecode(text, allowPadding: false, out _), why);

    [Theory]
    [InlineData("Z", "one character carries no whole byte")]
    [InlineData("Zh", "non-zero trailing bits")]
    [InlineData("Zm9", "non-zero trailing bits")]
    [InlineData("Zm 9v", "whitespace (the BCL skips it)")]
    [InlineData("Zm9v\n", "a newline (the BCL skips it)")]
    [InlineData("Zg==", "padding without allowPadding")]
    [InlineData("Zm9v+", "a dangling character")]
    public void Base64AndBase64urlRejectNonCanonicalText(string text, string why)
    {
        Assert.False(RadixBase.Base64.TryDecode(text, allowPadding: false, out _), why);
        Assert.False(RadixBase.Base64Url.TryDecode(text.Replace('+', '-'), allowPadding: false, out _), why);
    }

    [Fact]
    public void Base64AlphabetsAreNotMixed()
    {
        Assert.True(RadixBase.Base64.TryDecode("-_8".Replace('-', '+').Replace('_', '/'), false, out var std));
        Assert.Equal(new byte[] { 0xfb, 0xff }, std);
        Assert.False(RadixBase.Base64.TryDecode("-_8", false, out _));
        Assert.True(RadixBase.Base64Url.TryDecode("-_8", false, out var url));
        Assert.Equal(new byte[] { 0xfb, 0xff }, url);
        Assert.False(RadixBase.Base64Url.TryDecode("+/8", false, out _));
    }

    [Theory]
    [InlineData("Zg==")]
    [InlineData("Zg")]
    [InlineData("Zm9v")]
    public void PaddingIsAcceptedWhenAllowed(string text)
    {
        Assert.True(RadixBase.Base64.TryDecode(text, allowPadding: true, out var b64));
        Assert.True(RadixBase.Base64Url.TryDecode(text, allowPadding: true, out var url));
        Assert.Equal(b64, url);
        Assert.True(RadixBase.Base32.TryDecode("my======", allowPadding: true, out var b32));
        Assert.Equal("f"u8.ToArray(), b32);
    }

    [Theory]
    [InlineData("", new byte[0])]
    [InlineData("1", new byte[] { 0 })]
    [InlineData("111", new byte[] { 0, 0, 0 })]
    [InlineData("115Q", new byte[] { 0, 0, 0xff })]
    [InlineData("2g", new byte[] { 0x61 })] // the base58 test vectors of draft-msporny-base58: "a"
    [InlineData("ZiCa", new byte[] { 0x61, 0x62, 0x63 })] // "abc"
    public void Base58btcVectorsWithLeadingZeroBytes(string text, byte[] bytes)
    {
        Assert.Equal(text, BigRadixBase.Base58Btc.Encode(bytes));
        Assert.True(BigRadixBase.Base58Btc.TryDecode(text, out var decoded));
        Assert.Equal(bytes, decoded);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("O")]
    [InlineData("I")]
    [InlineData("l")]
    [InlineData("2 g")]
    [InlineData("2g\u00e9")]
    public void Base58btcRejectsCharactersOutsideItsAlphabet(string text) =>
        Assert.False(BigRadixBase.Base58Btc.TryDecode(text, out _));

    [Fact]
    public void Base36IsLowerCaseOutAnyCaseInWithLeadingZeroBytes()
    {
        byte[] bytes = [0, 1, 2, 3];
        Assert.Equal("01eyr", BigRadixBase.Base36.Encode(bytes));
        Assert.True(BigRadixBase.Base36.TryDecode("01EyR", out var decoded));
        Assert.Equal(bytes, decoded);
        Assert.False(BigRadixBase.Base36.TryDecode("01ey-", out _));
    }

    [Theory]
    [InlineData("/p2p/12D3KooW\u00e9")]
    [InlineData("/p2p/1\u007f")]
    [InlineData("/p2p/bafz\u0100")]
    [InlineData("/ip4/1.2.3.4/udp/1/quic-v1/webtransport/certhash/z\u00e9")]
    [InlineData("/ip4/1.2.3.4/udp/1/quic-v1/webtransport/certhash/k\u00e9")]
    [InlineData("/ip4/1.2.3.4/udp/1/quic-v1/webtransport/certhash/uEiD\u1000")]
    [InlineData("/ip4/1.2.3.4/udp/1/quic-v1/webtransport/certhash/mEiD\u1000")]
    [InlineData("/ip4/1.2.3.4/udp/1/quic-v1/webtransport/certhash/f12\u00e9")]
    [InlineData("/onion3/vww6ybal4bd7szmgncyruucpgfkqahzddi37ktceo3ah7ngmcopnpyy\u00e9:1234")]
    public void CharactersOutsideVisibleASCIIAreAMultiaddrFormatException(string text) =>
        Assert.IsType<MultiaddrFormatException>(Record.Exception(() => Multiaddr.Parse(text)));

    /// <summary>Every base: encode then decode is the identity, and the encoder's text is the one accepted text.</summary>
    [Property(MaxTest = 300)]
    public bool EveryBaseRoundTrips(byte[] bytes)
    {
        foreach (var coder in new[] { RadixBase.Base16, RadixBase.Base32, RadixBase.Base64, RadixBase.Base64Url })
            if (!coder.TryDecode(coder.Encode(bytes), false, out var d) || !d.AsSpan().SequenceEqual(bytes))
                return false;
        foreach (var coder in new[] { BigRadixBase.Base58Btc, BigRadixBase.Base36 })
            if (!coder.TryDecode(coder.Encode(bytes), out var d) || !d.AsSpan().SequenceEqual(bytes))
                return false;
        return true;
    }

    /// <summary>Hostile text: decoding answers true or false (an exception fails the property), and what it accepts is canonical.</summary>
    [Property(MaxTest = 500)]
    public bool AnyTextDecodesCanonicallyOrIsRefused(string? text)
    {
        text ??= "";
        foreach (var coder in new[] { RadixBase.Base16, RadixBase.Base32 })
            if (coder.TryDecode(text, false, out var d) && !coder.Encode(d).Equals(text, StringComparison.OrdinalIgnoreCase))
                return false;
        foreach (var coder in new[] { RadixBase.Base64, RadixBase.Base64Url })
            if (coder.TryDecode(text, false, out var d) && coder.Encode(d) != text)
                return false;
        if (BigRadixBase.Base58Btc.TryDecode(text, out var b58) && BigRadixBase.Base58Btc.Encode(b58) != text)
            return false;
        if (BigRadixBase.Base36.TryDecode(text, out var b36) && BigRadixBase.Base36.Encode(b36) != text.ToLowerInvariant())
            return false;
        return true;
    }
}
