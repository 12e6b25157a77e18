using System.Diagnostics;
using System.Globalization;
using Libp2p.Core;
using Libp2p.Identity;
using Libp2p.Security;
using Libp2p.Security.Tls;

namespace Libp2p.Bench;

/// <summary>
/// The two TLS engines side by side, in this process over an in-memory pipe (no socket): the handshake of both sides
/// together (median and p90 of <c>count</c>), and the throughput of one direction. "managed" is BouncyCastle's TLS
/// 1.3, what runs inside Wasm (<c>TlsSecurity.ManagedEngine</c>); "sslstream" is the BCL's on OpenSSL, the native default.
/// </summary>
public static class TlsEngineBench
{
    private static readonly string[] Yamux = ["/yamux/1.0.0"];

    public static async Task RunAsync(int count, long bytes, Action<string> line)
    {
        foreach (var (client, server) in new[] { ("sslstream", "sslstream"), ("managed", "managed"), ("managed", "sslstream"), ("sslstream", "managed") })
        {
            var times = new List<double>();
            var clientTls = new TlsSecurity { ManagedEngine = client == "managed" };
            var serverTls = new TlsSecurity { ManagedEngine = server == "managed" };
            var clientKey = PrivateKey.Generate();
            var serverKey = PrivateKey.Generate();
            for (int i = 0; i < count + 3; i++)
            {
                long start = Stopwatch.GetTimestamp();
                var (c, s) = await HandshakeAsync(clientTls, serverTls, clientKey, serverKey);
                if (i >= 3) times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds); // the first ones warm up (JIT, certificates)
                await c.Stream.DisposeAsync();
                await s.Stream.DisposeAsync();
            }
            double mbps = await ThroughputAsync(clientTls, serverTls, clientKey, serverKey, bytes);
            line(string.Create(CultureInfo.InvariantCulture,
                $"{client,-9} client -> {server,-9} server: handshake (both sides) median {Stats.Median(times):0.00} ms, p90 {Stats.Percentile(times, 0.9):0.00} ms (n={count}); " +
                $"{bytes >> 20} MiB one way {mbps:0} MB/s"));
        }
    }

    private static async Task<(SecuredConnection Client, SecuredConnection Server)> HandshakeAsync(
        TlsSecurity clientTls, TlsSecurity serverTls, PrivateKey clientKey, PrivateKey serverKey)
    {
        var (a, b) = InMemoryDuplex.CreatePair();
        var s = serverTls.SecureInboundAsync(b, new SecurityUpgradeContext(serverKey, Yamux, TimeProvider.System)).AsTask();
        var c = clientTls.SecureOutboundAsync(a, new SecurityUpgradeContext(clientKey, Yamux, TimeProvider.System, serverKey.ToPeerId())).AsTask();
        await Task.WhenAll(c, s).WaitAsync(TimeSpan.FromSeconds(30));
        return (c.Result, s.Result);
    }

    private static async Task<double> ThroughputAsync(TlsSecurity clientTls, TlsSecurity serverTls, PrivateKey clientKey, PrivateKey serverKey, long bytes)
    {
        var (c, s) = await HandshakeAsync(clientTls, serverTls, clientKey, serverKey);
        var chunk = new byte[64 * 1024];
        var sink = new byte[64 * 1024];
        long start = Stopwatch.GetTimestamp();
        var reader = Task.Run(async () =>
        {
            long got = 0;
            while (got < bytes)
            {
                int n = await s.Stream.ReadAsync(sink);
                if (n == 0) throw new EndOfStreamException();
                got += n;
            }
        });
        for (long sent = 0; sent < bytes; sent += chunk.Length)
            await c.Stream.WriteAsync(chunk);
        await reader.WaitAsync(TimeSpan.FromMinutes(2));
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        await c.Stream.DisposeAsync();
        await s.Stream.DisposeAsync();
        return bytes / seconds / 1e6;
    }
}
