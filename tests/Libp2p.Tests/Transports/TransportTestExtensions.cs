using System.Text;
using Libp2p.Core;
using Libp2p.Multiformats;
using Libp2p.Transports;

namespace Libp2p.Tests.Transports;

/// <summary>Bounded helpers for transport tests: every wait has a deadline.</summary>
internal static class TransportTestExtensions
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>The next event, which must be a <typeparamref name="T"/>.</summary>
    public static async Task<T> NextAsync<T>(this ITransport transport) where T : TransportEvent
    {
        var e = await transport.Events.ReadAsync().AsTask().WaitAsync(Timeout);
        return Assert.IsType<T>(e);
    }

    /// <summary>Reads events until one is a <typeparamref name="T"/>; returns it and the ones before.</summary>
    public static async Task<(T Match, List<TransportEvent> Before)> UntilAsync<T>(this ITransport transport) where T : TransportEvent
    {
        var before = new List<TransportEvent>();
        while (true)
        {
            var e = await transport.Events.ReadAsync().AsTask().WaitAsync(Timeout);
            if (e is T match) return (match, before);
            before.Add(e);
        }
    }

    public static async Task<Multiaddr> ListenOneAsync(this ITransport transport, string address)
    {
        transport.Listen(Multiaddr.Parse(address));
        return (await transport.NextAsync<TransportEvent.NewAddress>()).Address;
    }

    public static async Task<byte[]> ReadToEndAsync(this IDuplexStream stream)
    {
        var all = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int n;
        while ((n = await stream.ReadAsync(buffer).AsTask().WaitAsync(Timeout)) > 0)
            all.Write(buffer, 0, n);
        return all.ToArray();
    }

    public static Task WriteTextAsync(this IDuplexStream stream, string text) =>
        stream.WriteAsync(Encoding.ASCII.GetBytes(text)).AsTask().WaitAsync(Timeout);

    public static async Task<string> ReadTextAsync(this IDuplexStream stream, int length)
    {
        var buffer = new byte[length];
        await stream.ReadExactlyAsync(buffer).AsTask().WaitAsync(Timeout);
        return Encoding.ASCII.GetString(buffer);
    }

    /// <summary>Echoes everything until EOF, then half-closes (the server side of the echo tests).</summary>
    public static async Task EchoUntilEofAsync(this IDuplexStream stream)
    {
        var buffer = new byte[8 * 1024];
        int n;
        while ((n = await stream.ReadAsync(buffer).AsTask().WaitAsync(Timeout)) > 0)
            await stream.WriteAsync(buffer.AsMemory(0, n)).AsTask().WaitAsync(Timeout);
        await stream.CloseWriteAsync().AsTask().WaitAsync(Timeout);
    }

    public static int Port(this Multiaddr address) =>
        address.Components.Single(c => c.Protocol.Code == MultiaddrProtocol.Tcp.Code).ToPort();

    public static System.Net.IPAddress Ip(this Multiaddr address) => address.Components[0].ToIPAddress();
}
