using Libp2p.Identity;

namespace Libp2p.Tests.Identity;

/// <summary>Peer id text forms: base58btc out, base58btc or base32 CIDv1 in; bad text is a FormatException only.</summary>
public class PeerIdTextTests
{
    private const string Ed25519Id = "12D3KooWA4Xop1JaT3MHxwYMkCepYsv4iPVopMXwCz5iHYdBfeSB";
    private const string Sha256Id = "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N";

    [Theory]
    [InlineData(Ed25519Id)]
    [InlineData(Sha256Id)]
    public void Base58AndCIDFormsRoundTrip(string text)
    {
        var id = PeerId.Parse(text);
        Assert.Equal(text, id.ToString());
        Assert.Equal(text, PeerId.FromBytes(id.Bytes).ToString());
        var cid = id.ToCidString();
        Assert.StartsWith("bafz", cid);
        Assert.Equal(cid.ToLowerInvariant(), cid);
        Assert.Equal(id, PeerId.Parse(cid));
        Assert.Equal(id, PeerId.Parse("B" + cid[1..].ToUpperInvariant()));
    }

    [Fact]
    public void KnownCIDOfASha256PeerId()
    {
        // go-libp2p's TestIDEncoding / peer-ids spec example: the same key as Qm…, as a base32 CIDv1.
        var id = PeerId.Parse("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N");
        Assert.Equal("bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe", id.ToCidString());
    }

    [Theory]
    [InlineData("12D3KooWA4Xop1JaT3MHxwYMkCepYsv4iPVopMXwCz5iHYdBfeS0")] // '0' is not base58
    [InlineData("12D3KooWA4Xop1JaT3MHxwYMkCepYsv4iPVopMXwCz5iHYdBfeS ")]
    [InlineData("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5Nl")]
    [InlineData("bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqx1")] // '1' is not base32
    [InlineData("bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxf")] // non-zero trailing bits
    [InlineData("bafzbeie5745rpv2m6tjyuugywy4d5ewrqgqqhfnf445he3omzpjbx5xqxe=")] // padding
    [InlineData("12D3KooW\u00e9")] // non-ASCII: SimpleBase alone throws IndexOutOfRangeException here
    [InlineData("1\u007f")]
    [InlineData("bafz\u00e9")]
    [InlineData("b")]
    [InlineData("1")]
    public void BadTextIsAFormatException(string text)
    {
        Assert.IsType<FormatException>(Record.Exception(() => PeerId.Parse(text)));
        Assert.False(PeerId.TryParse(text, out _));
    }
}
