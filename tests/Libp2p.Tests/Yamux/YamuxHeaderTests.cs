using Libp2p.Yamux;

namespace Libp2p.Tests.Yamux;

public class YamuxHeaderTests
{
    public static TheoryData<int, int, uint, uint, string> Vectors => new()
    {
        // type, flags, stream id, length -> bytes (spec.md: version, type, flags, stream id, length; big-endian)
        { 0, 0x1, 1, 5, "000000010000000100000005" },               // Data SYN on stream 1, 5 bytes
        { 1, 0x2, 2, 262144, "000100020000000200040000" },          // WindowUpdate ACK on stream 2, delta 256 KiB
        { 2, 0x1, 0, 0x01020304, "000200010000000001020304" },      // Ping SYN, opaque value
        { 2, 0x2, 0, 0xFFFFFFFF, "0002000200000000FFFFFFFF" },      // Ping ACK echoes the opaque value
        { 3, 0x0, 0, 1, "000300000000000000000001" },               // GoAway protocol error
        { 1, 0xC, 0x7FFFFFFF, 0, "0001000C7FFFFFFF00000000" },      // FIN|RST
        { 0, 0x4, 0xFFFFFFFE, 65536, "00000004FFFFFFFE00010000" },  // Data FIN, 64 KiB
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void HeaderEncodesAndDecodesSpecLayout(int type, int flags, uint id, uint length, string hex)
    {
        var header = new YamuxHeader((YamuxFrameType)type, (YamuxFlags)flags, id, length);
        var bytes = new byte[YamuxHeader.Size];
        header.Write(bytes);
        Assert.Equal(hex, Convert.ToHexString(bytes));
        Assert.Equal(header, YamuxHeader.Read(Convert.FromHexString(hex)));
    }

    [Theory]
    [InlineData("010000010000000100000005")] // version 1
    [InlineData("FF0000010000000100000005")] // version 255
    [InlineData("000400000000000000000000")] // type 4
    [InlineData("00FF00000000000000000000")] // type 255
    public void InvalidVersionOrTypeIsAProtocolError(string hex)
    {
        Assert.Throws<YamuxProtocolException>(() => YamuxHeader.Read(Convert.FromHexString(hex)));
    }

    [Fact]
    public void GoAwayCodesMatchTheSpec()
    {
        Assert.Equal(0u, (uint)YamuxGoAwayCode.Normal);
        Assert.Equal(1u, (uint)YamuxGoAwayCode.ProtocolError);
        Assert.Equal(2u, (uint)YamuxGoAwayCode.InternalError);
    }
}
