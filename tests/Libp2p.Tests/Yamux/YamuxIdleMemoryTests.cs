using System.Security.Cryptography;
using Libp2p.Core;
using Libp2p.Tests.Noise;
using Libp2p.Yamux;
using static Libp2p.Tests.Yamux.YamuxTestData;

namespace Libp2p.Tests.Yamux;

/// <summary>An idle session holds no pooled buffer (input buffer, stream rings, Noise receive buffer), and streams keep IDuplexStream's zero-byte read contract.</summary>
public class YamuxIdleMemoryTests
{
    private static readonly YamuxOptions Options = new() { KeepAliveInterval = null };

    [Fact]
    public async Task ZeroByteReadOnAStreamWaitsForDataConsumesNothingAndReturnsZero()
    {
        var (a, b) = InMemoryDuplex.CreatePair();
        await using var pair = await StreamPair.OpenAsync(a, b);
        var (outbound, inbound) = (pair.Outbound, pair.Inbound);
        await Libp2p.Tests.Core.ZeroByteReadContract.AssertAsync(outbound, inbound);
    }

    [Fact]
    public async Task ZeroByteReadOnAStreamFailsWhenTheStreamIsReset()
    {
        var (a, b) = InMemoryDuplex.CreatePair();
        await using var pair = await StreamPair.OpenAsync(a, b);
        var (outbound, inbound) = (pair.Outbound, pair.Inbound);
        var wait = inbound.ReadAsync(Memory<byte>.Empty).AsTask();
        outbound.Abort();
        await Assert.ThrowsAsync<YamuxStreamResetException>(() => wait.WaitAsync(TestTimeout));
    }

    [Fact]
    public async Task AnIdleSessionOverNoiseHoldsNoBuffer()
    {
        var (a, b) = NoiseTestPairs.Connected();
        await using var pair = await StreamPair.OpenAsync(a, b);
        var (client, server, outbound, inbound) = (pair.Client, pair.Server, pair.Outbound, pair.Inbound);

        // Traffic both ways on a stream that stays open: small frames through the input buffer, large ones
        // straight into the stream's ring.
        foreach (int size in new[] { 32, 5000, 200_000 })
        {
            var data = RandomNumberGenerator.GetBytes(size);
            var write = outbound.WriteAsync(data).AsTask();
            var got = new byte[size];
            await inbound.ReadExactlyAsync(got).AsTask().WaitAsync(TestTimeout);
            await write.WaitAsync(TestTimeout);
            Assert.Equal(data, got);
            await inbound.WriteAsync(data).AsTask().WaitAsync(TestTimeout);
            await outbound.ReadExactlyAsync(got).AsTask().WaitAsync(TestTimeout);
            Assert.Equal(data, got);
        }
        await client.PingAsync().AsTask().WaitAsync(TestTimeout);

        // Both streams stay open with a read pending, the way an idle protocol waits.
        var pendingIn = inbound.ReadAsync(new byte[100]).AsTask();
        var pendingOut = outbound.ReadAsync(new byte[100]).AsTask();
        // The read loops get back to their zero-byte wait once the last frames (window updates, pong) are handled.
        await WaitUntilAsync(() => !client.HoldsInputBuffer && !server.HoldsInputBuffer);
        Assert.False(inbound.HoldsReceiveBuffer);
        Assert.False(outbound.HoldsReceiveBuffer);
        Assert.False(a.HoldsReceiveBuffer);
        Assert.False(b.HoldsReceiveBuffer);
        Assert.False(pendingIn.IsCompleted);
        Assert.False(pendingOut.IsCompleted);

        // And the session still works.
        await outbound.WriteAsync(new byte[] { 7 }).AsTask().WaitAsync(TestTimeout);
        Assert.Equal(1, await pendingIn.WaitAsync(TestTimeout));
    }

    /// <summary>Two started sessions over <c>a</c>/<c>b</c> and one stream between them that has carried a byte.</summary>
    private sealed class StreamPair : IAsyncDisposable
    {
        public required YamuxSession Client { get; init; }
        public required YamuxSession Server { get; init; }
        public required YamuxStream Outbound { get; init; }
        public required YamuxStream Inbound { get; init; }

        public static async Task<StreamPair> OpenAsync(IDuplexStream a, IDuplexStream b)
        {
            var client = new YamuxSession(a, isInitiator: true, Options);
            var server = new YamuxSession(b, isInitiator: false, Options);
            client.Start();
            server.Start();
            var outbound = await client.OpenStreamAsync().AsTask().WaitAsync(TestTimeout);
            await outbound.WriteAsync(new byte[] { 1 }).AsTask().WaitAsync(TestTimeout);
            var inbound = await server.AcceptStreamAsync().AsTask().WaitAsync(TestTimeout);
            Assert.Equal(1, await inbound.ReadAsync(new byte[1]).AsTask().WaitAsync(TestTimeout));
            return new StreamPair { Client = client, Server = server, Outbound = outbound, Inbound = inbound };
        }

        public async ValueTask DisposeAsync()
        {
            await Client.DisposeAsync();
            await Server.DisposeAsync();
        }
    }
}
