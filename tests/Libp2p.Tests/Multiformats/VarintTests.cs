using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Libp2p.Multiformats;

namespace Libp2p.Tests.Multiformats;

public class VarintTests
{
    // Examples from the multiformats/unsigned-varint README, plus the 9-byte maximum.
    [Theory]
    [InlineData(0UL, "00")]
    [InlineData(1UL, "01")]
    [InlineData(127UL, "7f")]
    [InlineData(128UL, "8001")]
    [InlineData(255UL, "ff01")]
    [InlineData(300UL, "ac02")]
    [InlineData(16384UL, "808001")]
    [InlineData(421UL, "a503")]
    [InlineData((1UL << 63) - 1, "ffffffffffffffff7f")]
    public void EncodesAndDecodesSpecVectors(ulong value, string hex)
    {
        var bytes = Convert.FromHexString(hex);
        Assert.Equal(bytes, Varint.Encode(value));
        Assert.Equal(bytes.Length, Varint.GetLength(value));
        Assert.Equal(value, Varint.Read(bytes, out int n));
        Assert.Equal(bytes.Length, n);
    }

    [Theory]
    [InlineData("8000")] // 0 in two bytes
    [InlineData("8100")] // 1 in two bytes
    [InlineData("ff8000")] // trailing zero group
    [InlineData("80808080808080808000")] // too long and not minimal
    [InlineData("ffffffffffffffffff01")] // 10 bytes: over 63 bits
    [InlineData("808080808080808080")] // 9 continuation bytes: a 10th would be needed
    public void RejectsNonMinimalAndOverlong(string hex)
    {
        var ex = Assert.Throws<VarintFormatException>(() => Varint.TryRead(Convert.FromHexString(hex), out _, out _));
        Assert.False(string.IsNullOrEmpty(ex.Message));
    }

    [Theory]
    [InlineData("")]
    [InlineData("80")]
    [InlineData("ff80")]
    public void TruncatedInputAsksForMoreOrFailsOnRead(string hex)
    {
        var bytes = Convert.FromHexString(hex);
        Assert.False(Varint.TryRead(bytes, out _, out int n));
        Assert.Equal(0, n);
        Assert.Throws<VarintFormatException>(() => Varint.Read(bytes, out _));
    }

    [Fact]
    public void ReadsOnlyTheFirstVarint()
    {
        Assert.Equal(300UL, Varint.Read(Convert.FromHexString("ac02ff"), out int n));
        Assert.Equal(2, n);
    }

    [Fact]
    public void RefusesToEncodeMoreThan63Bits()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Varint.Encode(1UL << 63));
    }

    [Property(MaxTest = 2000)]
    public Property RoundTripsEvery63BitValue() =>
        Prop.ForAll(Gen.Choose(0, 62).SelectMany(bits => ArbMap.Default.GeneratorFor<ulong>().Select(v => (v >> 1) >> (62 - bits))).ToArbitrary(), v =>
        {
            var bytes = Varint.Encode(v);
            return Varint.Read(bytes, out int n) == v && n == bytes.Length && bytes.Length == Varint.GetLength(v) && bytes.Length <= Varint.MaxLength;
        });

    [Property(MaxTest = 3000)]
    public bool ArbitraryBytesDecodeOrFailWithVarintFormatException(byte[] bytes)
    {
        try
        {
            if (!Varint.TryRead(bytes, out ulong v, out int n))
                return n == 0 && bytes.Length < Varint.MaxLength;
            // What decoded re-encodes to exactly the bytes consumed (minimality).
            return bytes.AsSpan(0, n).SequenceEqual(Varint.Encode(v));
        }
        catch (VarintFormatException)
        {
            return true;
        }
    }
}
