using Libp2p.Noise;

namespace Libp2p.Tests.Noise;

public class NoiseHandshakePayloadTests
{
    [Fact]
    public void RoundTripsKeySignatureAndMuxers()
    {
        var p = new NoiseHandshakePayload { IdentityKey = [1, 2, 3], IdentitySignature = new byte[64], StreamMuxers = ["/yamux/1.0.0", "/mplex/6.7.0"] };
        var d = NoiseHandshakePayload.Decode(p.Encode());
        Assert.Equal(p.IdentityKey, d.IdentityKey);
        Assert.Equal(p.IdentitySignature, d.IdentitySignature);
        Assert.Equal(p.StreamMuxers, d.StreamMuxers);
        Assert.True(d.HasExtensions);
    }

    [Fact]
    public void EncodingIsTheProtobufWireFormat()
    {
        var p = new NoiseHandshakePayload { IdentityKey = [0xAA], IdentitySignature = [0xBB, 0xCC], StreamMuxers = ["/y"] };
        // 0a 01 aa | 12 02 bb cc | 22 04 (12 02 '/' 'y')
        Assert.Equal("0a01aa1202bbcc220412022f79", Convert.ToHexStringLower(p.Encode()));
        var none = new NoiseHandshakePayload { IdentityKey = [0xAA], IdentitySignature = [0xBB] };
        Assert.Equal("0a01aa1201bb", Convert.ToHexStringLower(none.Encode()));
        Assert.False(NoiseHandshakePayload.Decode(none.Encode()).HasExtensions);
    }

    [Fact]
    public void UnknownFieldsAndCertHashesAreSkipped()
    {
        // field 3 (deprecated data, LEN), field 5 varint, field 6 fixed64, field 7 fixed32,
        // extensions with a webtransport cert hash (field 1) then a muxer, and an unknown extension field 9.
        var bytes = Convert.FromHexString("0a01aa" + "1a03010203" + "289601" + "310102030405060708" + "3d01020304" + "1201bb"
            + "220b" + "0a03112233" + "1202" + "2f79" + "4801");
        var d = NoiseHandshakePayload.Decode(bytes);
        Assert.Equal(new byte[] { 0xAA }, d.IdentityKey);
        Assert.Equal(new byte[] { 0xBB }, d.IdentitySignature);
        Assert.Equal(["/y"], d.StreamMuxers);
    }

    [Theory]
    [InlineData("0a05aa")]                 // length past the end
    [InlineData("0a")]                     // tag without value
    [InlineData("08aa")]                   // identity_key as a varint
    [InlineData("0b")]                     // group start
    [InlineData("00")]                     // field 0
    [InlineData("28ffffffffffffffffffff01")] // varint longer than 10 bytes
    [InlineData("3101")]                   // truncated fixed64
    [InlineData("22021200")]               // empty muxer id
    [InlineData("22031201ff")]             // muxer id not UTF-8
    [InlineData("2202100a")]               // stream_muxers as a varint
    public void MalformedPayloadsAreRejected(string hex)
    {
        Assert.Throws<NoiseHandshakeException>(() => NoiseHandshakePayload.Decode(Convert.FromHexString(hex)));
    }

    [Fact]
    public void TooManyMuxersAreRejected()
    {
        var many = Enumerable.Range(0, NoiseHandshakePayload.MaxStreamMuxers + 1).Select(i => $"/m/{i}").ToArray();
        var bytes = new NoiseHandshakePayload { StreamMuxers = many }.Encode();
        Assert.Throws<NoiseHandshakeException>(() => NoiseHandshakePayload.Decode(bytes));
    }

    [Theory]
    [InlineData(new[] { "/yamux/1.0.0", "/mplex/6.7.0" }, new[] { "/mplex/6.7.0", "/yamux/1.0.0" }, "/yamux/1.0.0")]
    [InlineData(new[] { "/a" }, new[] { "/b", "/a" }, "/a")]
    [InlineData(new string[0], new[] { "/a" }, null)]
    [InlineData(new[] { "/a" }, new string[0], null)]
    public void MuxerIsTheInitiatorsFirstChoiceTheResponderSupports(string[] initiator, string[] responder, string? expected)
    {
        Assert.Equal(expected, NoiseHandshake.SelectMuxer(initiator, responder));
    }

    [Fact]
    public void DisjointMuxerListsFailTheHandshake()
    {
        Assert.Throws<NoiseHandshakeException>(() => NoiseHandshake.SelectMuxer(["/a"], ["/b"]));
    }
}
