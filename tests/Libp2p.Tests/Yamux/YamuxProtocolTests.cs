using Libp2p.Core;
using Libp2p.Yamux;
using static Libp2p.Tests.Yamux.YamuxTestData;

namespace Libp2p.Tests.Yamux;

/// <summary>The session under test against a hand-driven peer: failure paths and wire-level behaviour.</summary>
public class YamuxProtocolTests
{
    private static bool IsPing(YamuxHeader h) => h.Type == YamuxFrameType.Ping;

    [Fact]
    public async Task SessionStartsWithAnRttPingAndAnswersPingsWithTheSameOpaqueValue()
    {
        var (session, peer) = RawYamuxPeer.Create();
        await using var _ = session;
        var first = await peer.ReadFrameAsync();
        Assert.Equal(YamuxFrameType.Ping, first!.Value.Header.Type);
        Assert.Equal(YamuxFlags.Syn, first.Value.Header.Flags);

        await peer.WriteAsync(YamuxFrameType.Ping, YamuxFlags.Syn, 0, 0xDEADBEEF);
        var pong = await peer.ReadUntilAsync(IsPing);
        Assert.Equal(new YamuxHeader(YamuxFrameType.Ping, YamuxFlags.Ack, 0, 0xDEADBEEF), pong.Header);
    }

    [Fact]
    public async Task InboundStreamIsAckedWhenAccepted()
    {
        var (session, peer) = RawYamuxPeer.Create();
        await using var _ = session;
        await peer.WriteAsync(YamuxFrameType.WindowUpdate, YamuxFlags.Syn, 1, 0);
        var stream = await session.AcceptStreamAsync().AsTask().WaitAsync(TestTimeout);
        Assert.Equal(1u, stream.Id);
        var ack = await peer.ReadUntilAsync(h => h.Type == YamuxFrameType.WindowUpdate);
        Assert.Equal(new YamuxHeader(YamuxFrameType.WindowUpdate, YamuxFlags.Ack, 1, 0), ack.Header);
    }

    [Fact]
    public async Task DataFramesLargerThan64KiBAreAccepted()
    {
        var (session, peer) = RawYamuxPeer.Create();
        await using var _ = session;
        var data = Pattern(256 * 1024, seed: 1); // js sends frames as large as the whole window
        await peer.WriteDataAsync(1, data, YamuxFlags.Syn | YamuxFlags.Fin);
        var stream = await session.AcceptStreamAsync().AsTask().WaitAsync(TestTimeout);
        Assert.Equal(data, await ReadToEndAsync(stream));
    }

    [Fact]
    public async Task WindowOverrunResetsTheStreamAndGoesAwayWithProtocolError()
    {
        var (session, peer) = RawYamuxPeer.Create();
        await peer.WriteDataAsync(1, new byte[256 * 1024], YamuxFlags.Syn); // exactly the window: fine
        await peer.WriteDataAsync(1, new byte[1]);                           // one byte over

        YamuxHeader? rst = null;
        var goAway = await peer.ReadUntilAsync(h => h.Type == YamuxFrameType.GoAway,
            (h, _) => { if ((h.Flags & YamuxFlags.Rst) != 0) rst = h; });
        Assert.Equal(new YamuxHeader(YamuxFrameType.WindowUpdate, YamuxFlags.Rst, 1, 0), rst);
        Assert.Equal((uint)YamuxGoAwayCode.ProtocolError, goAway.Header.Length);
        await Assert.ThrowsAsync<YamuxProtocolException>(() => session.Completion.WaitAsync(TestTimeout));
        await session.DisposeAsync();
    }

    [Fact]
    public async Task WindowCreditIsReturnedAsTheApplicationReadsNotAsBytesArrive()
    {
        var (session, peer) = RawYamuxPeer.Create();
        await using var _ = session;
        await peer.WriteDataAsync(1, new byte[256 * 1024], YamuxFlags.Syn);
        var stream = await session.AcceptStreamAsync().AsTask().WaitAsync(TestTimeout);
        // Consume just under half: no update yet. Then one more byte crosses the half-window mark.
        var buffer = new byte[128 * 1024 - 1];
        await stream.ReadExactlyAsync(buffer).AsTask().WaitAsync(TestTimeout);
        await stream.ReadExactlyAsync(buffer.AsMemory(0, 1)).AsTask().WaitAsync(TestTimeout);
        var update = await peer.ReadUntilAsync(h => h.Type == YamuxFrameType.WindowUpdate && h.Flags == YamuxFlags.None);
        Assert.Equal(1u, update.Header.StreamId);
        // The window has no RTT yet (the peer never answered the ping), so it does not grow: delta = consumed.
        Assert.Equal(128u * 1024, update.Header.Length);
    }

    [Fact]
    public async Task DataForANeverOpenedStreamIsAProtocolError()
    {
        var (session, peer) = RawYamuxPeer.Create();
        await peer.WriteDataAsync(5, new byte[3]); // no SYN, id never used
        var goAway = await peer.ReadGoAwayAsync();
        Assert.Equal((uint)YamuxGoAwayCode.ProtocolError, goAway.Header.Length);
        await Assert.ThrowsAsync<YamuxProtocolException>(() => session.Completion.WaitAsync(TestTimeout));
        await session.DisposeAsync();
    }

    [Fact]
    public async Task FramesForARecentlyClosedStreamAreIgnored()
    {
        var (session, peer) = RawYamuxPeer.Create();
        await using var _ = session;
        await peer.WriteAsync(YamuxFrameType.WindowUpdate, YamuxFlags.Syn, 1, 0);
        var stream = await session.AcceptStreamAsync().AsTask().WaitAsync(TestTimeout);
        stream.Abort(); // we reset it; the peer's frames in flight must not kill the session
        await peer.ReadUntilAsync(h => (h.Flags & YamuxFlags.Rst) != 0);
        await peer.WriteDataAsync(1, new byte[1000]);
        await peer.WriteAsync(YamuxFrameType.WindowUpdate, YamuxFlags.None, 1, 4096);
        await peer.WriteAsync(YamuxFrameType.Ping, YamuxFlags.Syn, 0, 77);
        var pong = await peer.ReadUntilAsync(h => IsPing(h) && h.Length == 77);
        Assert.Equal(YamuxFlags.Ack, pong.Header.Flags);
        Assert.Equal(0, session.StreamCount);
        Assert.False(session.Completion.IsCompleted);
    }

    [Theory]
    [InlineData(2u)]  // the session is the server: even ids are its own
    [InlineData(0u)]  // stream 0 is the session
    public async Task SynWithAnIdOfTheWrongParityIsAProtocolError(uint id)
    {
        var (session, peer) = RawYamuxPeer.Create();
        await peer.WriteAsync(YamuxFrameType.WindowUpdate, YamuxFlags.Syn, id, 0);
        var goAway = await peer.ReadGoAwayAsync();
        Assert.Equal((uint)YamuxGoAwayCode.ProtocolError, goAway.Header.Length);
        await Assert.ThrowsAsync<YamuxProtocolException>(() => session.Completion.WaitAsync(TestTimeout));
        await session.DisposeAsync();
    }

    [Theory]
    [InlineData("010000010000000100000000")] // version 1
    [InlineData("000500000000000000000000")] // type 5
    public async Task InvalidVersionOrTypeGoesAwayWithProtocolErrorAndClosesTheSession(string hex)
    {
        var (session, peer) = RawYamuxPeer.Create();
        await peer.Io.WriteAsync(Convert.FromHexString(hex)).AsTask().WaitAsync(TestTimeout);
        var goAway = await peer.ReadGoAwayAsync();
        Assert.Equal((uint)YamuxGoAwayCode.ProtocolError, goAway.Header.Length);
        Assert.Null(await peer.ReadFrameAsync()); // then our write side closes
        await Assert.ThrowsAsync<YamuxProtocolException>(() => session.Completion.WaitAsync(TestTimeout));
        await session.DisposeAsync();
    }

    [Fact]
    public async Task MoreThan256UnacknowledgedInboundStreamsAreReset()
    {
        var (session, peer) = RawYamuxPeer.Create();
        await using var _ = session;
        for (uint i = 0; i < 257; i++)
            await peer.WriteAsync(YamuxFrameType.WindowUpdate, YamuxFlags.Syn, 2 * i + 1, 0);
        var rst = await peer.ReadUntilAsync(h => (h.Flags & YamuxFlags.Rst) != 0);
        Assert.Equal(2u * 256 + 1, rst.Header.StreamId); // the 257th
        Assert.Equal(256, session.StreamCount);

        // Accepting one acknowledges it and makes room for the next.
        await session.AcceptStreamAsync().AsTask().WaitAsync(TestTimeout);
        await peer.WriteAsync(YamuxFrameType.WindowUpdate, YamuxFlags.Syn, 2 * 257 + 1, 0);
        await peer.WriteAsync(YamuxFrameType.Ping, YamuxFlags.Syn, 0, 5);
        bool reset = false;
        await peer.ReadUntilAsync(h => IsPing(h) && h.Length == 5, (h, _) => reset |= (h.Flags & YamuxFlags.Rst) != 0);
        Assert.False(reset);
        Assert.Equal(257, session.StreamCount);
    }

    [Fact]
    public async Task SynBeyondMaxStreamsIsReset()
    {
        var (session, peer) = RawYamuxPeer.Create(options: new YamuxOptions { KeepAliveInterval = null, MaxStreams = 2 });
        await using var _ = session;
        await peer.WriteAsync(YamuxFrameType.WindowUpdate, YamuxFlags.Syn, 1, 0);
        await peer.WriteAsync(YamuxFrameType.WindowUpdate, YamuxFlags.Syn, 3, 0);
        await peer.WriteAsync(YamuxFrameType.WindowUpdate, YamuxFlags.Syn, 5, 0);
        var rst = await peer.ReadUntilAsync(h => (h.Flags & YamuxFlags.Rst) != 0);
        Assert.Equal(5u, rst.Header.StreamId);
    }

    [Fact]
    public async Task WriterNeverExceedsTheGrantedWindowAndDoesNotWaitForAck()
    {
        var (session, peer) = RawYamuxPeer.Create(sessionIsInitiator: true);
        await using var _ = session;
        var data = Pattern(3 << 20, seed: 9);
        var stream = await session.OpenStreamAsync();
        var write = Task.Run(async () =>
        {
            await stream.WriteAsync(data).AsTask().WaitAsync(TestTimeout);
            await stream.CloseWriteAsync();
        });

        // The peer never ACKs (like js until its first frame back) and grants credit in odd-sized steps.
        long granted = YamuxOptions.SpecInitialWindowSize;
        var received = new MemoryStream();
        bool syn = false, fin = false;
        while (!fin)
        {
            var (header, payload) = await peer.ReadUntilAsync(h => h.StreamId == stream.Id);
            syn |= (header.Flags & YamuxFlags.Syn) != 0;
            fin = (header.Flags & YamuxFlags.Fin) != 0;
            received.Write(payload);
            Assert.True(received.Length <= granted, $"received {received.Length} > granted {granted}");
            if (received.Length == granted && !fin)
            {
                const uint step = 100_003;
                await peer.WriteAsync(YamuxFrameType.WindowUpdate, YamuxFlags.None, stream.Id, step);
                granted += step;
            }
        }
        await write.WaitAsync(TestTimeout);
        Assert.True(syn);
        Assert.Equal(data, received.ToArray());
    }

    [Fact]
    public async Task RemoteErrorGoAwayEndsTheSession()
    {
        var (session, peer) = RawYamuxPeer.Create();
        await peer.WriteAsync(YamuxFrameType.GoAway, YamuxFlags.None, 0, (uint)YamuxGoAwayCode.InternalError);
        await Assert.ThrowsAsync<YamuxSessionClosedException>(() => session.Completion.WaitAsync(TestTimeout));
        await Assert.ThrowsAsync<YamuxSessionClosedException>(() => session.AcceptStreamAsync().AsTask());
        await session.DisposeAsync();
    }

    [Fact]
    public async Task TruncatedFrameIsAProtocolError()
    {
        var (session, peer) = RawYamuxPeer.Create();
        await peer.WriteAsync(YamuxFrameType.Data, YamuxFlags.Syn, 1, 100, new byte[10]);
        await peer.Io.CloseWriteAsync();
        await Assert.ThrowsAsync<YamuxProtocolException>(() => session.Completion.WaitAsync(TestTimeout));
        await session.DisposeAsync();
    }
}
