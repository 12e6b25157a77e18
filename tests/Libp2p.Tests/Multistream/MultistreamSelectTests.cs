using System.Text;
using Libp2p.Core;
using Libp2p.Multistream;

namespace Libp2p.Tests.Multistream;

public class MultistreamSelectTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    internal static byte[] Msg(string text)
    {
        var body = Encoding.UTF8.GetBytes(text + "\n");
        return [.. Libp2p.Multiformats.Varint.Encode((ulong)body.Length), .. body];
    }

    private static async Task<byte[]> ReadAvailable(IDuplexStream s, int count)
    {
        var buf = new byte[count];
        await s.ReadExactlyAsync(buf).AsTask().WaitAsync(Timeout);
        return buf;
    }

    [Fact]
    public async Task DialerAndListenerAgreeOnFirstSupportedProtocol()
    {
        var (a, b) = InMemoryDuplex.CreatePair();
        var listener = MultistreamSelect.HandleAsync(b, p => p == "/yamux/1.0.0").AsTask();
        var chosen = await MultistreamSelect.SelectAsync(a, ["/mplex/6.7.0", "/yamux/1.0.0"]).AsTask().WaitAsync(Timeout);
        Assert.Equal("/yamux/1.0.0", chosen);
        Assert.Equal("/yamux/1.0.0", await listener.WaitAsync(Timeout));
    }

    [Fact]
    public async Task BytesAfterNegotiationAreLeftForTheNextLayer()
    {
        var (a, b) = InMemoryDuplex.CreatePair();
        // js sends header, protocol and the next layer's first bytes in one write.
        await a.WriteAsync((byte[])[.. Msg("/multistream/1.0.0"), .. Msg("/noise"), 0xAA, 0xBB, 0xCC]);
        var chosen = await MultistreamSelect.HandleAsync(b, p => p == "/noise").AsTask().WaitAsync(Timeout);
        Assert.Equal("/noise", chosen);
        Assert.Equal(new byte[] { 0xAA, 0xBB, 0xCC }, await ReadAvailable(b, 3));
        // And the listener answered with exactly header + echo.
        byte[] expected = [.. Msg("/multistream/1.0.0"), .. Msg("/noise")];
        Assert.Equal(expected, await ReadAvailable(a, expected.Length));
    }

    [Fact]
    public async Task DialerLeavesListenerBytesThatFollowTheEcho()
    {
        var (a, b) = InMemoryDuplex.CreatePair();
        await b.WriteAsync((byte[])[.. Msg("/multistream/1.0.0"), .. Msg("/p"), 7, 8]);
        Assert.Equal("/p", await MultistreamSelect.SelectAsync(a, ["/p"]).AsTask().WaitAsync(Timeout));
        Assert.Equal(new byte[] { 7, 8 }, await ReadAvailable(a, 2));
    }

    [Fact]
    public async Task AllNaGivesNoProtocolSupported()
    {
        var (a, b) = InMemoryDuplex.CreatePair();
        var listener = MultistreamSelect.HandleAsync(b, _ => false).AsTask();
        var ex = await Assert.ThrowsAsync<MultistreamException>(() => MultistreamSelect.SelectAsync(a, ["/a", "/b"]).AsTask().WaitAsync(Timeout));
        Assert.Equal(MultistreamError.NoProtocolSupported, ex.Error);
        await a.CloseWriteAsync();
        var lex = await Assert.ThrowsAsync<MultistreamException>(() => listener.WaitAsync(Timeout));
        Assert.Equal(MultistreamError.UnexpectedEndOfStream, lex.Error);
    }

    [Fact]
    public async Task ListenerAnswersLsWithNaThenAcceptsProposal()
    {
        var (a, b) = InMemoryDuplex.CreatePair();
        var listener = MultistreamSelect.HandleAsync(b, p => p == "/x").AsTask();
        await a.WriteAsync((byte[])[.. Msg("/multistream/1.0.0"), .. Msg("ls"), .. Msg("/x")]);
        Assert.Equal("/x", await listener.WaitAsync(Timeout));
        byte[] expected = [.. Msg("/multistream/1.0.0"), .. Msg("na"), .. Msg("/x")];
        Assert.Equal(expected, await ReadAvailable(a, expected.Length));
    }

    [Fact]
    public async Task OversizedFrameIsRejectedBeforeItsBodyArrives()
    {
        var (a, b) = InMemoryDuplex.CreatePair();
        var listener = MultistreamSelect.HandleAsync(b, _ => true).AsTask();
        // Header, then a length prefix of 1025 and no body: the length alone must be enough to fail.
        await a.WriteAsync((byte[])[.. Msg("/multistream/1.0.0"), .. Libp2p.Multiformats.Varint.Encode(1025)]);
        var ex = await Assert.ThrowsAsync<MultistreamException>(() => listener.WaitAsync(Timeout));
        Assert.Equal(MultistreamError.MessageTooLong, ex.Error);
    }

    [Fact]
    public async Task MaximumLengthProtocolIsAccepted()
    {
        var (a, b) = InMemoryDuplex.CreatePair();
        string longest = "/" + new string('p', MultistreamSelect.MaxMessageLength - 2);
        var listener = MultistreamSelect.HandleAsync(b, _ => true).AsTask();
        Assert.Equal(longest, await MultistreamSelect.SelectAsync(a, [longest]).AsTask().WaitAsync(Timeout));
        Assert.Equal(longest, await listener.WaitAsync(Timeout));
        Assert.Throws<ArgumentException>(() => MultistreamSelect.SelectLazy(a, longest + "p"));
    }

    [Theory]
    [InlineData(new byte[] { 0x03, (byte)'a', (byte)'b', (byte)'c' })]          // no trailing newline
    [InlineData(new byte[] { 0x00 })]                                             // empty message
    [InlineData(new byte[] { 0x03, 0xFF, 0xFE, (byte)'\n' })]                    // invalid UTF-8
    [InlineData(new byte[] { 0x83, 0x00 })]                                      // non-minimal varint
    public async Task GarbageHeaderIsAProtocolViolation(byte[] garbage)
    {
        var (a, b) = InMemoryDuplex.CreatePair();
        var listener = MultistreamSelect.HandleAsync(b, _ => true).AsTask();
        await a.WriteAsync(garbage);
        var ex = await Assert.ThrowsAsync<MultistreamException>(() => listener.WaitAsync(Timeout));
        Assert.Equal(MultistreamError.ProtocolViolation, ex.Error);
    }

    [Fact]
    public async Task WrongHeaderIsAProtocolViolation()
    {
        var (a, b) = InMemoryDuplex.CreatePair();
        var dialer = MultistreamSelect.SelectAsync(a, ["/p"]).AsTask();
        await b.WriteAsync(Msg("/multistream/2.0.0"));
        var ex = await Assert.ThrowsAsync<MultistreamException>(() => dialer.WaitAsync(Timeout));
        Assert.Equal(MultistreamError.ProtocolViolation, ex.Error);
    }

    [Fact]
    public async Task UnexpectedAnswerIsAProtocolViolation()
    {
        var (a, b) = InMemoryDuplex.CreatePair();
        var dialer = MultistreamSelect.SelectAsync(a, ["/p"]).AsTask();
        await b.WriteAsync((byte[])[.. Msg("/multistream/1.0.0"), .. Msg("/q")]);
        var ex = await Assert.ThrowsAsync<MultistreamException>(() => dialer.WaitAsync(Timeout));
        Assert.Equal(MultistreamError.ProtocolViolation, ex.Error);
    }

    [Fact]
    public async Task EofMidMessageIsUnexpectedEnd()
    {
        var (a, b) = InMemoryDuplex.CreatePair();
        var listener = MultistreamSelect.HandleAsync(b, _ => true).AsTask();
        await a.WriteAsync(Msg("/multistream/1.0.0")[..5]);
        await a.CloseWriteAsync();
        var ex = await Assert.ThrowsAsync<MultistreamException>(() => listener.WaitAsync(Timeout));
        Assert.Equal(MultistreamError.UnexpectedEndOfStream, ex.Error);
    }

    [Fact]
    public async Task ListenerStopsAfterMaxProposals()
    {
        var (a, b) = InMemoryDuplex.CreatePair(bufferBytes: 1 << 24);
        var listener = MultistreamSelect.HandleAsync(b, _ => false).AsTask();
        var flood = new List<byte>(Msg("/multistream/1.0.0"));
        for (int i = 0; i <= MultistreamSelect.MaxProposals; i++) flood.AddRange(Msg("/nope"));
        await a.WriteAsync(flood.ToArray());
        var ex = await Assert.ThrowsAsync<MultistreamException>(() => listener.WaitAsync(Timeout));
        Assert.Equal(MultistreamError.TooManyProposals, ex.Error);
    }

    [Fact]
    public async Task LazyDialerSendsEverythingInOneWriteAndChecksEcho()
    {
        var (a, b) = InMemoryDuplex.CreatePair();
        var lazy = MultistreamSelect.SelectLazy(a, "/echo");
        await lazy.WriteAsync("hi"u8.ToArray()).AsTask().WaitAsync(Timeout);
        // The listener finds header, proposal and data already there.
        byte[] request = [.. Msg("/multistream/1.0.0"), .. Msg("/echo"), .. "hi"u8.ToArray()];
        Assert.Equal(request, await ReadAvailable(b, request.Length));
        await b.WriteAsync((byte[])[.. Msg("/multistream/1.0.0"), .. Msg("/echo"), .. "yo"u8.ToArray()]);
        var buf = new byte[2];
        await lazy.ReadExactlyAsync(buf).AsTask().WaitAsync(Timeout);
        Assert.Equal("yo"u8.ToArray(), buf);
    }

    [Fact]
    public async Task LazyDialerAgainstRealListener()
    {
        var (a, b) = InMemoryDuplex.CreatePair();
        var lazy = MultistreamSelect.SelectLazy(a, "/echo");
        var listener = MultistreamSelect.HandleAsync(b, p => p == "/echo").AsTask();
        await lazy.WriteAsync(new byte[] { 42 }).AsTask().WaitAsync(Timeout);
        Assert.Equal("/echo", await listener.WaitAsync(Timeout));
        Assert.Equal(new byte[] { 42 }, await ReadAvailable(b, 1));
        await b.WriteAsync(new byte[] { 43 });
        Assert.Equal(new byte[] { 43 }, await ReadAvailable(lazy, 1));
    }

    [Fact]
    public async Task LazyDialerReadFirstSendsRequestThenFailsOnNa()
    {
        var (a, b) = InMemoryDuplex.CreatePair();
        var lazy = MultistreamSelect.SelectLazy(a, "/gone");
        var read = lazy.ReadAsync(new byte[4]).AsTask();
        var listener = MultistreamSelect.HandleAsync(b, _ => false).AsTask();
        var ex = await Assert.ThrowsAsync<MultistreamException>(() => read.WaitAsync(Timeout));
        Assert.Equal(MultistreamError.NoProtocolSupported, ex.Error);
        // The failure sticks.
        await Assert.ThrowsAsync<MultistreamException>(() => lazy.ReadAsync(new byte[4]).AsTask().WaitAsync(Timeout));
        a.Abort();
        await Assert.ThrowsAnyAsync<Exception>(() => listener.WaitAsync(Timeout));
    }

    [Fact]
    public async Task LazyDialerCloseWriteFlushesRequest()
    {
        var (a, b) = InMemoryDuplex.CreatePair();
        var lazy = MultistreamSelect.SelectLazy(a, "/p");
        await lazy.CloseWriteAsync().AsTask().WaitAsync(Timeout);
        Assert.Equal("/p", await MultistreamSelect.HandleAsync(b, _ => true).AsTask().WaitAsync(Timeout));
        Assert.Equal(0, await b.ReadAsync(new byte[1]).AsTask().WaitAsync(Timeout));
    }

    [Fact]
    public async Task LazyDialerKeepsTheZeroByteReadContract()
    {
        var (a, b) = InMemoryDuplex.CreatePair();
        var lazy = MultistreamSelect.SelectLazy(a, "/p");
        var listener = MultistreamSelect.HandleAsync(b, _ => true).AsTask();
        await lazy.WriteAsync(new byte[] { 1 }).AsTask().WaitAsync(Timeout);
        Assert.Equal("/p", await listener.WaitAsync(Timeout));
        Assert.Equal(new byte[] { 1 }, await ReadAvailable(b, 1));
        await Libp2p.Tests.Core.ZeroByteReadContract.AssertAsync(b, lazy);
    }

    [Fact]
    public async Task LazyDialerZeroByteReadCompletesTheNegotiationFirst()
    {
        var (a, b) = InMemoryDuplex.CreatePair();
        var lazy = MultistreamSelect.SelectLazy(a, "/p");
        var wait = lazy.ReadAsync(Memory<byte>.Empty).AsTask(); // sends the request, then waits for the answer and data
        Assert.Equal("/p", await MultistreamSelect.HandleAsync(b, _ => true).AsTask().WaitAsync(Timeout));
        Assert.False(wait.IsCompleted); // the echo alone is not data
        await b.WriteAsync("z"u8.ToArray());
        Assert.Equal(0, await wait.WaitAsync(Timeout));
        Assert.Equal("z"u8.ToArray(), await ReadAvailable(lazy, 1));
    }

    [Fact]
    public async Task LazyDialerThatOnlyWritesLearnsOfTheRefusal()
    {
        // A small pipe: the writer blocks, as on a Yamux stream whose window a refusing listener never refills.
        var (a, b) = InMemoryDuplex.CreatePair(bufferBytes: 1024);
        var lazy = MultistreamSelect.SelectLazy(a, "/gone");
        var writing = Task.Run(async () =>
        {
            for (int i = 0; i < 100; i++) await lazy.WriteAsync(new byte[1000]);
        });
        // The listener answers na and then reads no further.
        await b.WriteAsync((byte[])[.. Msg("/multistream/1.0.0"), .. Msg("na")]);
        var ex = await Assert.ThrowsAsync<MultistreamException>(() => writing.WaitAsync(Timeout));
        Assert.Equal(MultistreamError.NoProtocolSupported, ex.Error);
        Assert.Contains("/gone", ex.Message);
    }

    [Fact]
    public async Task LazyDialerTimesOutWhenTheListenerNeverAnswers()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var (a, _) = InMemoryDuplex.CreatePair();
        var lazy = MultistreamSelect.SelectLazy(a, "/slow", TimeSpan.FromSeconds(10), time);
        var read = lazy.ReadAsync(new byte[1]).AsTask();
        time.Advance(TimeSpan.FromSeconds(11));
        var ex = await Assert.ThrowsAsync<Libp2pException>(() => read.WaitAsync(Timeout));
        Assert.Equal(Libp2pError.Timeout, ex.Libp2pError);
        Assert.IsType<TimeoutException>(ex.InnerException);
        Assert.Contains("/slow", ex.Message);
    }
}
