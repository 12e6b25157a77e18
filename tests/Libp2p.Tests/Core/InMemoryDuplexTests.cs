using Libp2p.Core;

namespace Libp2p.Tests;

public class InMemoryDuplexTests
{
    [Fact]
    public async Task BytesWrittenOnOneEndAreReadOnTheOtherThenEof()
    {
        var (a, b) = InMemoryDuplex.CreatePair();
        await a.WriteAsync(new byte[] { 1, 2, 3 });
        await a.CloseWriteAsync();
        var buf = new byte[8];
        await b.ReadExactlyAsync(buf.AsMemory(0, 3));
        Assert.Equal(new byte[] { 1, 2, 3 }, buf[..3]);
        Assert.Equal(0, await b.ReadAsync(buf));
    }

    [Fact]
    public async Task ZeroByteReadWaitsForDataConsumesNothingAndReturnsZero()
    {
        var (a, b) = InMemoryDuplex.CreatePair();
        await Libp2p.Tests.Core.ZeroByteReadContract.AssertAsync(a, b);
    }
}
