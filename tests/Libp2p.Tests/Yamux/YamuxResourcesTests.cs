using Libp2p.Yamux;
using Microsoft.Extensions.Time.Testing;
using static Libp2p.Tests.Yamux.YamuxTestData;

namespace Libp2p.Tests.Yamux;

/// <summary>
/// What a session asks its <see cref="IYamuxResources"/> (the host's resource manager) on the receive path: a stream's
/// ring is reserved before it is rented (refused: that stream alone is reset), a waiting reader's direct copy needs no
/// reservation, the window grows past 256 KiB only if the budget pays for it, and every account is closed.
/// </summary>
public class YamuxResourcesTests
{
    private static (YamuxSession Session, RawYamuxPeer Peer) Create(BudgetResources resources, TimeProvider? time = null)
    {
        var (a, b) = Libp2p.Core.InMemoryDuplex.CreatePair(8 << 20);
        var options = new YamuxOptions { KeepAliveInterval = null };
        if (time is not null) options.TimeProvider = time;
        var session = new YamuxSession(a, isInitiator: false, options, resources);
        session.Start();
        return (session, new RawYamuxPeer(b));
    }

    private static async Task<YamuxStream> OpenFromPeerAsync(YamuxSession session, RawYamuxPeer peer, uint id)
    {
        await peer.WriteAsync(YamuxFrameType.WindowUpdate, YamuxFlags.Syn, id, 0);
        return await session.AcceptStreamAsync().AsTask().WaitAsync(TestTimeout);
    }

    private static async Task AssertSessionAnswersPingAsync(RawYamuxPeer peer, uint opaque)
    {
        await peer.WriteAsync(YamuxFrameType.Ping, YamuxFlags.Syn, 0, opaque);
        var pong = await peer.ReadUntilAsync(h => h.Type == YamuxFrameType.Ping && (h.Flags & YamuxFlags.Ack) != 0 && h.Length == opaque);
        Assert.Equal(opaque, pong.Header.Length);
    }

    [Fact]
    public async Task ARingTheBudgetRefusesResetsOnlyItsStream()
    {
        var resources = new BudgetResources(6 * 1024);
        var (session, peer) = Create(resources);
        await using var _ = session;
        var kept = await OpenFromPeerAsync(session, peer, 1);
        var refused = await OpenFromPeerAsync(session, peer, 3);

        // Nobody reads: stream 1's 4000 bytes take a 4 KiB ring; stream 3's would need 4 KiB more of a 6 KiB budget.
        var first = Pattern(4000, seed: 1);
        await peer.WriteDataAsync(1, first);
        await WaitUntilAsync(() => resources.Used == 4096);
        await peer.WriteDataAsync(3, Pattern(4000, seed: 3));

        var rst = await peer.ReadUntilAsync(h => (h.Flags & YamuxFlags.Rst) != 0);
        Assert.Equal(3u, rst.Header.StreamId);
        await Assert.ThrowsAsync<YamuxStreamResetException>(() => refused.ReadAsync(new byte[16]).AsTask().WaitAsync(TestTimeout));
        Assert.Equal(1, resources.Refusals);

        // The session and the other stream go on.
        var buffer = new byte[8192];
        int n = await kept.ReadAsync(buffer).AsTask().WaitAsync(TestTimeout);
        Assert.Equal(first, buffer[..n]);
        Assert.Equal(0, resources.Used); // the drained ring went back, and its reservation with it
        await AssertSessionAnswersPingAsync(peer, 42);
        var more = Pattern(3000, seed: 5);
        var read = kept.ReadAsync(buffer).AsTask();
        await peer.WriteDataAsync(1, more);
        n = await read.WaitAsync(TestTimeout);
        Assert.Equal(more, buffer[..n]);

        // Both accounts close: the reset one at once, the other when it leaves the session.
        await WaitUntilAsync(() => resources.Closed == 1);
        await peer.WriteAsync(YamuxFrameType.WindowUpdate, YamuxFlags.Fin, 1, 0);
        Assert.Equal(0, await kept.ReadAsync(buffer).AsTask().WaitAsync(TestTimeout));
        await kept.DisposeAsync();
        await WaitUntilAsync(() => resources.Closed == 2);
        Assert.Equal(2, resources.Opened);
        Assert.Equal(0, resources.Used);
    }

    [Fact]
    public async Task AWaitingReaderTakesPayloadsWithoutAReservation()
    {
        var resources = new BudgetResources(0); // no ring can be rented at all
        var (session, peer) = Create(resources);
        await using var _ = session;
        var stream = await OpenFromPeerAsync(session, peer, 1);
        var buffer = new byte[16 * 1024];
        for (int i = 0; i < 3; i++)
        {
            var payload = Pattern(8000, seed: i);
            var read = stream.ReadAsync(buffer).AsTask(); // pending before the frame arrives: the payload goes straight in
            await peer.WriteDataAsync(1, payload);
            int n = await read.WaitAsync(TestTimeout);
            Assert.Equal(payload, buffer[..n]);
        }
        Assert.Equal(3 * 8000, stream.BytesReadDirectly);
        Assert.Equal(0, resources.Refusals);
        Assert.Equal(0, resources.Peak);
    }

    [Fact]
    public async Task APayloadLargerThanTheWaitingReadResetsItsStreamWhenTheRestFindsNoRoom()
    {
        var resources = new BudgetResources(0);
        var (session, peer) = Create(resources);
        await using var _ = session;
        var stream = await OpenFromPeerAsync(session, peer, 1);
        var other = await OpenFromPeerAsync(session, peer, 3);
        var payload = Pattern(8000, seed: 9);
        var buffer = new byte[1000];
        var read = stream.ReadAsync(buffer).AsTask();
        await peer.WriteDataAsync(1, payload);

        // The reader gets what fits its buffer; the other 7000 bytes would need a ring the budget refuses.
        int n = await read.WaitAsync(TestTimeout);
        Assert.Equal(payload[..n], buffer[..n]);
        var rst = await peer.ReadUntilAsync(h => (h.Flags & YamuxFlags.Rst) != 0);
        Assert.Equal(1u, rst.Header.StreamId);
        await Assert.ThrowsAsync<YamuxStreamResetException>(() => stream.ReadAsync(buffer).AsTask().WaitAsync(TestTimeout));

        // Only that stream: the other still takes data straight into its reader, and the session answers pings.
        var otherRead = other.ReadAsync(new byte[4096]).AsTask();
        await peer.WriteDataAsync(3, Pattern(100, seed: 10));
        Assert.Equal(100, await otherRead.WaitAsync(TestTimeout));
        await AssertSessionAnswersPingAsync(peer, 7);
        Assert.False(session.Completion.IsCompleted);
    }

    [Theory]
    [InlineData(0L, false)]
    [InlineData(long.MaxValue, true)]
    public async Task TheWindowGrowsPastTheSpecWindowOnlyIfTheBudgetPaysForIt(long budget, bool grows)
    {
        // Time stands still: every half window is "consumed within two round trips", so growth is due each time.
        var time = new FakeTimeProvider();
        var resources = new BudgetResources(budget);
        var (session, peer) = Create(resources, time);
        await using var _ = session;
        var rtt = session.PingAsync().AsTask(); // joins the ping the session sent at start; auto-tuning needs an RTT
        var ping = await peer.ReadUntilAsync(h => h.Type == YamuxFrameType.Ping);
        await peer.WriteAsync(YamuxFrameType.Ping, YamuxFlags.Ack, 0, ping.Header.Length);
        await rtt.WaitAsync(TestTimeout);

        var stream = await OpenFromPeerAsync(session, peer, 1);
        var buffer = new byte[16 * 1024];
        for (int i = 0; i < 8; i++) // 8 x 16 KiB: half the spec window consumed, so a window update is due
        {
            var read = stream.ReadAsync(buffer).AsTask();
            await peer.WriteDataAsync(1, Pattern(buffer.Length, seed: i));
            Assert.Equal(buffer.Length, await read.WaitAsync(TestTimeout));
        }
        var update = await peer.ReadUntilAsync(h => h.Type == YamuxFrameType.WindowUpdate && h.StreamId == 1 && h.Flags == YamuxFlags.None);
        uint consumed = 128 * 1024;
        if (grows)
        {
            Assert.Equal(consumed + YamuxOptions.SpecInitialWindowSize, update.Header.Length);
            Assert.Equal(2 * YamuxOptions.SpecInitialWindowSize, stream.ReceiveWindow);
            Assert.Equal(YamuxOptions.SpecInitialWindowSize, stream.ReservedMemory); // the window beyond 256 KiB
        }
        else
        {
            // Refused: the credit comes back, the window stays (slower, not broken), nothing is reserved or reset.
            Assert.Equal(consumed, update.Header.Length);
            Assert.Equal(YamuxOptions.SpecInitialWindowSize, stream.ReceiveWindow);
            Assert.Equal(0, stream.ReservedMemory);
            Assert.Equal(1, resources.OptionalRefusals);
            var read = stream.ReadAsync(buffer).AsTask();
            await peer.WriteDataAsync(1, Pattern(100, seed: 99));
            Assert.Equal(100, await read.WaitAsync(TestTimeout));
        }
    }

    [Fact]
    public async Task WhenTheSessionEndsEveryAccountClosesOnceItsBufferIsRead()
    {
        var resources = new BudgetResources(long.MaxValue);
        var (session, peer) = Create(resources);
        var idle = await OpenFromPeerAsync(session, peer, 1);
        var holding = await OpenFromPeerAsync(session, peer, 3);
        var payload = Pattern(5000, seed: 4);
        await peer.WriteDataAsync(3, payload);
        await WaitUntilAsync(() => resources.Used == 8192);

        session.Abort(new YamuxSessionClosedException("test"));
        // The idle stream's account closes with the session; the one holding bytes keeps its ring (and reservation)
        // until the application has read them (what was received is still read after the session ended).
        await WaitUntilAsync(() => resources.Closed == 1);
        Assert.Equal(8192, resources.Used);
        var buffer = new byte[8192];
        int n = await holding.ReadAsync(buffer).AsTask().WaitAsync(TestTimeout);
        Assert.Equal(payload, buffer[..n]);
        Assert.Equal(2, resources.Closed);
        Assert.Equal(0, resources.Used);
        await Assert.ThrowsAnyAsync<Exception>(() => idle.ReadAsync(buffer).AsTask().WaitAsync(TestTimeout));
        await session.DisposeAsync();
    }

    [Fact]
    public async Task AStreamTheManagerRefusesIsResetAndTheNextOneIsAccepted()
    {
        var resources = new BudgetResources(long.MaxValue) { RefuseNextStream = true };
        var (session, peer) = Create(resources);
        await using var _ = session;
        await peer.WriteAsync(YamuxFrameType.WindowUpdate, YamuxFlags.Syn, 1, 0);
        var rst = await peer.ReadUntilAsync(h => (h.Flags & YamuxFlags.Rst) != 0);
        Assert.Equal(1u, rst.Header.StreamId);
        var accepted = await OpenFromPeerAsync(session, peer, 3);
        Assert.Equal(3u, accepted.Id);
        Assert.Equal(1, resources.Opened);
    }

    /// <summary>A memory budget for all streams of a session, counting what was asked and given back.</summary>
    private sealed class BudgetResources(long budget) : IYamuxResources
    {
        private readonly Lock _lock = new();
        private readonly long _budget = budget;
        private long _used;
        private long _peak;

        public bool RefuseNextStream { get; set; }
        public int Opened { get; private set; }
        public int Closed { get { lock (_lock) return _closed; } }
        public int Refusals { get { lock (_lock) return _refusals; } }
        public int OptionalRefusals { get { lock (_lock) return _optionalRefusals; } }
        public long Used { get { lock (_lock) return _used; } }
        public long Peak { get { lock (_lock) return _peak; } }
        private int _closed, _refusals, _optionalRefusals;

        public IYamuxStreamResources? TryOpenStream(bool inbound)
        {
            lock (_lock)
            {
                if (RefuseNextStream)
                {
                    RefuseNextStream = false;
                    return null;
                }
                Opened++;
                return new Account(this);
            }
        }

        private sealed class Account(BudgetResources owner) : IYamuxStreamResources
        {
            private bool _closed;
            private long _held;

            public bool TryReserveMemory(long bytes, bool required)
            {
                lock (owner._lock)
                {
                    Assert.False(_closed, "reserved after Close");
                    Assert.True(bytes > 0);
                    if (owner._used + bytes > owner._budget || owner._used + bytes < 0)
                    {
                        if (required) owner._refusals++;
                        else owner._optionalRefusals++;
                        return false;
                    }
                    owner._used += bytes;
                    _held += bytes;
                    owner._peak = Math.Max(owner._peak, owner._used);
                    return true;
                }
            }

            public void ReleaseMemory(long bytes)
            {
                lock (owner._lock)
                {
                    Assert.False(_closed, "released after Close");
                    Assert.True(bytes > 0 && bytes <= _held, $"released {bytes} of {_held}");
                    _held -= bytes;
                    owner._used -= bytes;
                }
            }

            public void Close()
            {
                lock (owner._lock)
                {
                    Assert.False(_closed, "closed twice");
                    Assert.Equal(0, _held); // everything reserved came back first
                    _closed = true;
                    owner._closed++;
                }
            }
        }
    }
}
