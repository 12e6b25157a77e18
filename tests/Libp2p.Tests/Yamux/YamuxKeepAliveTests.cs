using Libp2p.Yamux;
using Microsoft.Extensions.Time.Testing;
using static Libp2p.Tests.Yamux.YamuxTestData;

namespace Libp2p.Tests.Yamux;

public class YamuxKeepAliveTests
{
    [Fact]
    public async Task KeepAlivePingsAtTheIntervalAndMeasuresRtt()
    {
        var time = new FakeTimeProvider();
        var (session, peer) = RawYamuxPeer.Create(options: new YamuxOptions
        {
            KeepAliveInterval = TimeSpan.FromSeconds(30),
            TimeProvider = time,
        });
        await using var _ = session;

        // The RTT ping at start.
        var first = await peer.ReadFrameAsync();
        Assert.Equal(YamuxFrameType.Ping, first!.Value.Header.Type);
        time.Advance(TimeSpan.FromMilliseconds(40));
        await peer.WriteAsync(YamuxFrameType.Ping, YamuxFlags.Ack, 0, first.Value.Header.Length);
        await WaitUntilAsync(() => session.LastRoundTripTime is not null);
        Assert.Equal(TimeSpan.FromMilliseconds(40), session.LastRoundTripTime);

        uint previous = first.Value.Header.Length;
        for (int i = 0; i < 2; i++)
        {
            time.Advance(TimeSpan.FromSeconds(30));
            var ping = await peer.ReadFrameAsync();
            Assert.Equal(YamuxFrameType.Ping, ping!.Value.Header.Type);
            Assert.Equal(YamuxFlags.Syn, ping.Value.Header.Flags);
            Assert.NotEqual(previous, ping.Value.Header.Length);
            previous = ping.Value.Header.Length;
            time.Advance(TimeSpan.FromMilliseconds(5));
            await peer.WriteAsync(YamuxFrameType.Ping, YamuxFlags.Ack, 0, previous);
            await WaitUntilAsync(() => session.LastRoundTripTime == TimeSpan.FromMilliseconds(5));
        }
    }
}
