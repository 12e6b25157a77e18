using Libp2p.Core;
using Libp2p.Protocols.Ping;
using Microsoft.Extensions.Time.Testing;

namespace Libp2p.Tests.Protocols;

public class PingProtocolTests
{
    private static readonly TimeSpan Timeout = TestTimeouts.Await;

    [Fact]
    public async Task PingRoundTripReturnsTheTimeTheEchoTookOnTheInjectedClock()
    {
        var time = new FakeTimeProvider();
        var (client, server) = InMemoryDuplex.CreatePair();
        // A server that lets 7 ms of virtual time pass before echoing.
        var serverTask = Task.Run(async () =>
        {
            var payload = new byte[PingProtocol.PayloadSize];
            await server.ReadExactlyAsync(payload);
            time.Advance(TimeSpan.FromMilliseconds(7));
            await server.WriteAsync(payload);
        });

        TimeSpan rtt = await PingProtocol.PingAsync(client, time).AsTask().WaitAsync(Timeout);
        await serverTask.WaitAsync(Timeout);

        Assert.Equal(TimeSpan.FromMilliseconds(7), rtt);
    }

    [Fact]
    public async Task SeveralPingsOnOneStreamAgainstTheHandlerThenItClosesOnEof()
    {
        var (client, server) = InMemoryDuplex.CreatePair();
        Task handler = PingProtocol.HandleAsync(server);

        for (int i = 0; i < 5; i++)
            await PingProtocol.PingAsync(client, TimeProvider.System).AsTask().WaitAsync(Timeout);
        await client.CloseWriteAsync();

        await handler.WaitAsync(Timeout);
        Assert.Equal(0, await client.ReadAsync(new byte[1]).AsTask().WaitAsync(Timeout));
    }

    [Fact]
    public async Task HandlerEchoesEachPayloadByteForByteEvenWhenItArrivesInPieces()
    {
        var (client, server) = InMemoryDuplex.CreatePair();
        Task handler = PingProtocol.HandleAsync(server);
        byte[] payloads = new byte[3 * PingProtocol.PayloadSize];
        Random.Shared.NextBytes(payloads);

        // Split across writes at offsets that do not line up with payload boundaries.
        await client.WriteAsync(payloads.AsMemory(0, 5)).AsTask().WaitAsync(Timeout);
        await client.WriteAsync(payloads.AsMemory(5, 50)).AsTask().WaitAsync(Timeout);
        await client.WriteAsync(payloads.AsMemory(55)).AsTask().WaitAsync(Timeout);
        await client.CloseWriteAsync();

        byte[] echoed = new byte[payloads.Length];
        await client.ReadExactlyAsync(echoed).AsTask().WaitAsync(Timeout);
        Assert.Equal(payloads, echoed);
        await handler.WaitAsync(Timeout);
        Assert.Equal(0, await client.ReadAsync(new byte[1]).AsTask().WaitAsync(Timeout));
    }

    [Fact]
    public async Task MismatchedEchoFailsWithPingException()
    {
        var (client, server) = InMemoryDuplex.CreatePair();
        var serverTask = Task.Run(async () =>
        {
            var payload = new byte[PingProtocol.PayloadSize];
            await server.ReadExactlyAsync(payload);
            payload[17] ^= 0x01;
            await server.WriteAsync(payload);
        });

        var ex = await Assert.ThrowsAsync<PingException>(
            () => PingProtocol.PingAsync(client, TimeProvider.System).AsTask().WaitAsync(Timeout));
        Assert.Contains("differs", ex.Message);
        await serverTask.WaitAsync(Timeout);
    }

    [Fact]
    public async Task EofBeforeTheFullEchoFailsWithPingException()
    {
        var (client, server) = InMemoryDuplex.CreatePair();
        var serverTask = Task.Run(async () =>
        {
            var payload = new byte[PingProtocol.PayloadSize];
            await server.ReadExactlyAsync(payload);
            await server.WriteAsync(payload.AsMemory(0, 10));
            await server.CloseWriteAsync();
        });

        var ex = await Assert.ThrowsAsync<PingException>(
            () => PingProtocol.PingAsync(client, TimeProvider.System).AsTask().WaitAsync(Timeout));
        Assert.Contains("10 of 32", ex.Message);
        await serverTask.WaitAsync(Timeout);
    }

    [Fact]
    public async Task HandlerRejectsAStreamThatEndsInsideAPayload()
    {
        var (client, server) = InMemoryDuplex.CreatePair();
        Task handler = PingProtocol.HandleAsync(server);
        await client.WriteAsync(new byte[PingProtocol.PayloadSize + 3]).AsTask().WaitAsync(Timeout);
        await client.CloseWriteAsync();

        await Assert.ThrowsAsync<PingException>(() => handler.WaitAsync(Timeout));
    }

    [Fact]
    public void ConstantsMatchTheSpec()
    {
        Assert.Equal("/ipfs/ping/1.0.0", PingProtocol.ProtocolId);
        Assert.Equal(32, PingProtocol.PayloadSize);
        Assert.Equal(2, PingProtocol.MaxInboundStreamsPerPeer);
        Assert.Equal(1, PingProtocol.MaxOutboundStreamsPerPeer);
    }
}
