using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Libp2p.Core;
using Libp2p.Relay;
using Libp2p.Relay.Pb;
using Libp2p.Tests.Protocols;

namespace Libp2p.Tests.Relay;

/// <summary>Hostile bytes into the hop/stop reader: a message or a <see cref="RelayProtocolException"/>, and never a byte past the message.</summary>
public class RelayFramingProperties
{
    private static async Task<bool> ReadsOrRejects(byte[] wire)
    {
        var (reader, writer) = InMemoryDuplex.CreatePair();
        await writer.WriteAsync(wire).AsTask().WaitAsync(TestTimeouts.Await);
        await writer.CloseWriteAsync();
        try
        {
            var hop = await RelayFraming.ReadAsync(reader, HopMessage.Parser, CancellationToken.None).AsTask().WaitAsync(TestTimeouts.Await);
            return hop is not null;
        }
        catch (RelayProtocolException)
        {
            return true;
        }
    }

    [Property(MaxTest = 300)]
    public Task<bool> ArbitraryBytesReadAsAMessageOrFailWithRelayProtocolException(byte[] wire) => ReadsOrRejects(wire);

    [Property(MaxTest = 300)]
    public Task<bool> ArbitraryPayloadsInAValidFrameReadOrFailWithRelayProtocolException(byte[] payload)
    {
        byte[] frame = [.. Libp2p.Multiformats.Varint.Encode((ulong)payload.Length), .. payload];
        return ReadsOrRejects(frame);
    }

    [Property(MaxTest = 100)]
    public async Task<bool> ReadingAMessageLeavesTheBytesAfterItOnTheStream(NonEmptyArray<byte> after)
    {
        var (reader, writer) = InMemoryDuplex.CreatePair();
        await RelayFraming.WriteAsync(writer, new HopMessage { Type = HopMessage.Types.Type.Status, Status = Status.Ok }, CancellationToken.None);
        await writer.WriteAsync(after.Get).AsTask().WaitAsync(TestTimeouts.Await);
        await writer.CloseWriteAsync();

        var message = await RelayFraming.ReadAsync(reader, HopMessage.Parser, CancellationToken.None).AsTask().WaitAsync(TestTimeouts.Await);
        var rest = new byte[after.Get.Length];
        await reader.ReadExactlyAsync(rest).AsTask().WaitAsync(TestTimeouts.Await);
        return message.Status == Status.Ok && rest.AsSpan().SequenceEqual(after.Get);
    }

    [Fact]
    public async Task ALengthOverTheLimitIsRefusedBeforeAnyPayloadIsRead()
    {
        var (reader, writer) = InMemoryDuplex.CreatePair();
        await writer.WriteAsync(Libp2p.Multiformats.Varint.Encode(RelayProtocol.MaxMessageSize + 1));

        var e = await Assert.ThrowsAsync<RelayProtocolException>(() =>
            RelayFraming.ReadAsync(reader, HopMessage.Parser, CancellationToken.None).AsTask().WaitAsync(TestTimeouts.Await));
        Assert.Contains("4096", e.Message);
    }
}
