using FsCheck.Xunit;
using Libp2p.Core;
using Libp2p.Kad.Network;
using Libp2p.Multiformats;

namespace Libp2p.Tests.Kad;

/// <summary>Hostile bytes on a DHT stream give a message, the end, or a <see cref="KadProtocolException"/>: nothing else, never a hang.</summary>
public class KadFramingProperties
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Property(MaxTest = 300)]
    public async Task ReadingArbitraryBytes(byte[] input)
    {
        var (a, b) = InMemoryDuplex.CreatePair();
        await a.WriteAsync(input);
        await a.CloseWriteAsync();
        try
        {
            while (await MessageFraming.ReadAsync(b, 4096, CancellationToken.None).AsTask().WaitAsync(Timeout) is not null) { }
        }
        catch (KadProtocolException) { }
    }

    [Fact]
    public async Task AnOversizedLengthIsRefusedBeforeAnythingIsAllocated()
    {
        var (a, b) = InMemoryDuplex.CreatePair();
        await a.WriteAsync(Varint.Encode(1UL << 40));
        var e = await Assert.ThrowsAsync<KadProtocolException>(() => MessageFraming.ReadAsync(b, 64 * 1024, CancellationToken.None).AsTask().WaitAsync(Timeout));
        Assert.Contains("limit", e.Message);
    }
}
