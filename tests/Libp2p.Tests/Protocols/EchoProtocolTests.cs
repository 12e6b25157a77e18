using Libp2p.Core;
using Libp2p.Protocols.Echo;

namespace Libp2p.Tests.Protocols;

public class EchoProtocolTests
{
    [Fact]
    public async Task EchoesEverythingThenClosesAtEof()
    {
        var timeout = TestTimeouts.Await;
        var (client, server) = InMemoryDuplex.CreatePair();
        Task handler = EchoProtocol.HandleAsync(server);
        byte[] data = new byte[100_000];
        Random.Shared.NextBytes(data);

        // Write and read concurrently: the data is larger than the echo's buffer.
        Task writer = Task.Run(async () =>
        {
            await client.WriteAsync(data);
            await client.CloseWriteAsync();
        });
        byte[] echoed = new byte[data.Length];
        await client.ReadExactlyAsync(echoed).AsTask().WaitAsync(timeout);
        await writer.WaitAsync(timeout);
        await handler.WaitAsync(timeout);

        Assert.Equal(data, echoed);
        Assert.Equal(0, await client.ReadAsync(new byte[1]).AsTask().WaitAsync(timeout));
    }
}
