using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Libp2p.Core;
using Libp2p.Identity;
using Libp2p.Noise;
using Libp2p.Yamux;

namespace Libp2p.Bench;

/// <summary>
/// Where the throughput goes: the same one-way transfer (64 KiB writes, 64 KiB reads, both ends in
/// this process) through growing stacks: TCP alone, TCP + Noise, TCP + Noise + Yamux (one stream).
/// Figures: MB/s and CPU microseconds per MB for both ends together (compare with the sealed baseline).
/// </summary>
public static class LayerBench
{
    private const int Chunk = 64 * 1024;

    public static async Task RunAsync(long bytes, int runs, Action<string> say)
    {
        foreach (var (layer, name) in new[] { (Layer.Tcp, "TCP only"), (Layer.Noise, "TCP + Noise"), (Layer.Yamux, "TCP + Noise + Yamux") })
        {
            var mbps = new List<double>();
            var cpu = new List<double>();
            for (int i = 0; i < runs; i++)
            {
                var (m, c) = await MeasureAsync(bytes, layer);
                mbps.Add(m);
                cpu.Add(c);
            }
            say(string.Create(CultureInfo.InvariantCulture,
                $"  {name,-22}: {Stats.Median(mbps),7:0.0} MB/s   [CPU per MB, both ends: {Stats.Median(cpu):0} us]"));
        }
    }

    private enum Layer { Tcp, Noise, Yamux }

    /// <summary>MB/s and CPU microseconds per MB.</summary>
    private static async Task<(double, double)> MeasureAsync(long bytes, Layer layer)
    {
        var (a, b) = await SocketPairAsync();
        IDuplexStream sender = a, receiver = b;
        YamuxSession? s1 = null, s2 = null;
        if (layer >= Layer.Noise)
        {
            var responding = NoiseHandshake.RespondAsync(b, PrivateKey.Generate(), [YamuxSession.ProtocolId]).AsTask();
            sender = await NoiseHandshake.InitiateAsync(a, PrivateKey.Generate(), null, [YamuxSession.ProtocolId]);
            receiver = await responding;
        }
        if (layer == Layer.Yamux)
        {
            s1 = new YamuxSession(sender, isInitiator: true);
            s2 = new YamuxSession(receiver, isInitiator: false);
            s1.Start();
            s2.Start();
            var accepting = s2.AcceptStreamAsync().AsTask();
            sender = await s1.OpenStreamAsync();
            await sender.WriteAsync(new byte[1]); // js-style: the stream exists for the peer once data flows
            receiver = await accepting;
            var one = new byte[1];
            await receiver.ReadAsync(one);
        }
        try
        {
            await Transfer(sender, receiver, Math.Min(bytes, PerfBench.WarmupBytes));
            double cpu0 = ProcStatus.CpuSeconds(Environment.ProcessId);
            long start = Stopwatch.GetTimestamp();
            await Transfer(sender, receiver, bytes).WaitAsync(TimeSpan.FromMinutes(2));
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            double cpu = ProcStatus.CpuSeconds(Environment.ProcessId) - cpu0;
            return (bytes / 1e6 / seconds, cpu / (bytes / 1e6) * 1e6);
        }
        finally
        {
            if (s1 is not null) await s1.DisposeAsync();
            if (s2 is not null) await s2.DisposeAsync();
            await a.DisposeAsync();
            await b.DisposeAsync();
        }
    }

    private static async Task Transfer(IDuplexStream sender, IDuplexStream receiver, long bytes)
    {
        var sending = Task.Run(async () =>
        {
            var buffer = new byte[Chunk];
            for (long left = bytes; left > 0; left -= Chunk)
                await sender.WriteAsync(buffer.AsMemory(0, (int)Math.Min(Chunk, left)));
        });
        var receiving = Task.Run(async () =>
        {
            var buffer = new byte[Chunk];
            long got = 0;
            while (got < bytes)
            {
                int n = await receiver.ReadAsync(buffer);
                if (n == 0) throw new EndOfStreamException();
                got += n;
            }
        });
        await Task.WhenAll(sending, receiving);
    }

    private static async Task<(SocketDuplex, SocketDuplex)> SocketPairAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var a = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var accepting = listener.AcceptAsync();
        await a.ConnectAsync(listener.LocalEndPoint!);
        var b = await accepting;
        b.NoDelay = true;
        return (new SocketDuplex(a), new SocketDuplex(b));
    }

    /// <summary>A bare socket as the stack's byte-stream shape (what TcpConnection does, minus error mapping).</summary>
    private sealed class SocketDuplex(Socket socket) : IDuplexStream
    {
        public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            => socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);

        public async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (!buffer.IsEmpty)
                buffer = buffer[await socket.SendAsync(buffer, SocketFlags.None, cancellationToken)..];
        }

        public ValueTask CloseWriteAsync(CancellationToken cancellationToken = default)
        {
            socket.Shutdown(SocketShutdown.Send);
            return ValueTask.CompletedTask;
        }

        public void Abort(Exception? reason = null) => socket.Close(0);

        public ValueTask DisposeAsync()
        {
            socket.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
