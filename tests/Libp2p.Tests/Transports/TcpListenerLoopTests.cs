using System.Net.Sockets;
using System.Threading.Channels;
using Libp2p.Multiformats;
using Libp2p.Transports;
using Libp2p.Transports.Tcp;
using Microsoft.Extensions.Time.Testing;

namespace Libp2p.Tests.Transports;

/// <summary>The accept loop driven by a scripted accept and a fake clock: backoff and listener death.</summary>
public sealed class TcpListenerLoopTests
{
    private static readonly TimeSpan Timeout = TransportTestExtensions.Timeout;
    private readonly FakeTimeProvider _time = new();
    private readonly Channel<TransportEvent> _events = Channel.CreateBounded<TransportEvent>(16);
    private readonly Multiaddr _address = Multiaddr.Parse("/ip4/127.0.0.1/tcp/4001");
    private readonly Channel<Exception> _acceptResults = Channel.CreateUnbounded<Exception>();
    private int _closed;

    private TcpListenerLoop CreateLoop(TimeSpan initial, TimeSpan max) => new(
        ListenerId.Next(),
        [_address],
        async ct => throw await _acceptResults.Reader.ReadAsync(ct),
        () => Interlocked.Increment(ref _closed),
        _ => { },
        _events.Writer,
        new TcpTransportOptions { TimeProvider = _time, AcceptBackoffInitial = initial, AcceptBackoffMax = max },
        CancellationToken.None);

    private async Task<T> NextAsync<T>() where T : TransportEvent =>
        Assert.IsType<T>(await _events.Reader.ReadAsync().AsTask().WaitAsync(Timeout));

    private static SocketException Transient() => new((int)SocketError.TooManyOpenSockets);

    [Fact]
    public async Task AcceptErrorsAreReportedAndRetriedAfterADoublingCappedBackoffOnTheGivenClock()
    {
        // Hours, so only the fake clock can end a pause: a real-time delay would hang this test.
        var loop = CreateLoop(TimeSpan.FromHours(1), TimeSpan.FromHours(3));
        var run = loop.RunAsync();
        await NextAsync<TransportEvent.NewAddress>();

        var expectedPauses = new[] { 1, 2, 3, 3 };
        foreach (int hours in expectedPauses)
        {
            await _acceptResults.Writer.WriteAsync(Transient());
            var error = await NextAsync<TransportEvent.ListenerError>();
            Assert.Contains($"retrying in {TimeSpan.FromHours(hours).TotalMilliseconds} ms", error.Error.Message);
            Assert.IsType<SocketException>(error.Error.InnerException);
            _time.Advance(TimeSpan.FromHours(hours));
        }

        loop.Stop();
        await NextAsync<TransportEvent.AddressExpired>();
        Assert.Null((await NextAsync<TransportEvent.ListenerClosed>()).Reason);
        await run.WaitAsync(Timeout);
        Assert.Equal(1, _closed);
    }

    [Fact]
    public async Task StopDuringABackoffPauseEndsTheListenerAtOnce()
    {
        var loop = CreateLoop(TimeSpan.FromHours(1), TimeSpan.FromHours(1));
        var run = loop.RunAsync();
        await NextAsync<TransportEvent.NewAddress>();
        await _acceptResults.Writer.WriteAsync(Transient());
        await NextAsync<TransportEvent.ListenerError>();

        loop.Stop();

        Assert.Equal(_address, (await NextAsync<TransportEvent.AddressExpired>()).Address);
        Assert.Null((await NextAsync<TransportEvent.ListenerClosed>()).Reason);
        await run.WaitAsync(Timeout);
    }

    [Fact]
    public async Task AFatalAcceptErrorClosesTheListenerWithTheReason()
    {
        var loop = CreateLoop(TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(1));
        var run = loop.RunAsync();
        await NextAsync<TransportEvent.NewAddress>();

        await _acceptResults.Writer.WriteAsync(new SocketException((int)SocketError.InvalidArgument));

        Assert.Equal(_address, (await NextAsync<TransportEvent.AddressExpired>()).Address);
        var closed = await NextAsync<TransportEvent.ListenerClosed>();
        var reason = Assert.IsType<TransportException>(closed.Reason);
        Assert.Contains("InvalidArgument", reason.Message);
        await run.WaitAsync(Timeout);
        Assert.Equal(1, _closed);
    }
}
