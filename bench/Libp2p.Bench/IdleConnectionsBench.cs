using System.Diagnostics;
using System.Globalization;
using Libp2p.Host;
using Libp2p.Multiformats;

namespace Libp2p.Bench;

/// <summary>What holding many idle connections cost the listener (and the dialer).</summary>
public sealed record IdleResult(int Requested, int Opened, int ListenerSawOpen, int ListenerFds,
    long ListenerRssBefore, long ListenerRssAfter, long DialerRssBefore, long DialerRssAfter, double OpenSeconds, HeapFigures DialerHeapBefore, HeapFigures DialerHeapAfter)
{
    public double ListenerGrowthMB => (ListenerRssAfter - ListenerRssBefore) / 1e6;
    public double ListenerKBPerConnection => Opened == 0 ? double.NaN : (ListenerRssAfter - ListenerRssBefore) / 1024.0 / Opened;
    public double DialerGrowthMB => (DialerRssAfter - DialerRssBefore) / 1e6;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"""
        opened {Opened}/{Requested} in {OpenSeconds:0.0} s; listener printed {ListenerSawOpen} connection:open, holds {ListenerFds} fds
          listener RSS {ListenerRssBefore / 1e6:0.0} MB -> {ListenerRssAfter / 1e6:0.0} MB: +{ListenerGrowthMB:0.0} MB, {ListenerKBPerConnection:0.0} KiB per connection
          dialer (bench) RSS {DialerRssBefore / 1e6:0.0} MB -> {DialerRssAfter / 1e6:0.0} MB: +{DialerGrowthMB:0.0} MB; after a full GC its managed heap grew {PerConnection(DialerHeapAfter.TotalBytes - DialerHeapBefore.TotalBytes)}
            of which large-object heap {PerConnection(DialerHeapAfter.LohBytes - DialerHeapBefore.LohBytes)}, pinned-object heap {PerConnection(DialerHeapAfter.PohBytes - DialerHeapBefore.PohBytes)}
        """);

    private string PerConnection(long bytes) => string.Create(CultureInfo.InvariantCulture,
        $"{bytes / 1e6:0.0} MB ({(Opened == 0 ? 0 : bytes / 1024.0 / Opened):0.0} KiB per connection)");
}

/// <summary>This process's managed heap after a full blocking GC.</summary>
public sealed record HeapFigures(long TotalBytes, long LohBytes, long PohBytes)
{
    public static HeapFigures Measure()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var info = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        return new HeapFigures(GC.GetTotalMemory(false), info.GenerationInfo[3].SizeAfterBytes, info.GenerationInfo[4].SizeAfterBytes);
    }
}

/// <summary>
/// One `p2p listen` process holding <c>count</c> idle upgraded connections, all dialed from one host
/// in this process (no <c>/p2p</c>, so each dial is a new connection). The listener's RSS is read
/// from /proc before and after; "after" is taken once both sides count every connection and the
/// identify exchanges the host runs on each new connection have settled.
/// </summary>
public static class IdleConnectionsBench
{
    public const int Concurrency = 32;
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);

    public static async Task<IdleResult> MeasureAsync(int count, Action<string> progress)
    {
        // The tool as users run it (NativeAOT) when there is one.
        await using var listener = await Peers.StartAotListenerAsync(TimeSpan.FromMinutes(10), keepLines: false)
            ?? await Peers.StartCSharpListenerAsync(TimeSpan.FromMinutes(10), keepLines: false);
        progress($"listener: {(Peers.AotCli is null ? "dotnet p2p.dll listen" : "p2p (NativeAOT) listen")}");
        await Task.Delay(TimeSpan.FromSeconds(2)); // let start-up allocations settle
        long listenerBefore = listener.Process.ReadRssBytes();
        int self = Environment.ProcessId;
        long dialerBefore = ProcStatus.RssBytes(self);
        var heapBefore = HeapFigures.Measure();

        var host = Peers.CreateHost();
        var connections = new Connection[count];
        int next = -1, failures = 0;
        var address = listener.Address.WithoutPeerId();
        long start = Stopwatch.GetTimestamp();
        async Task DialWorker()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                try
                {
                    connections[i] = await host.DialAsync(address).AsTask().WaitAsync(TimeSpan.FromSeconds(60));
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    if (Interlocked.Increment(ref failures) <= 3) progress($"dial {i} failed: {e.GetType().Name}: {e.Message}");
                }
                if ((i + 1) % 2000 == 0) progress($"{i + 1} dialed ({listener.Process.ConnectionOpens} seen by the listener)");
            }
        }
        try
        {
            await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => DialWorker()));
            double openSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            int opened = host.ConnectionCount;

            // The listener prints one connection:open line per upgraded inbound connection.
            var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 60;
            while (listener.Process.ConnectionOpens < opened && Stopwatch.GetTimestamp() < deadline)
                await Task.Delay(100);
            await Task.Delay(Settle);
            long listenerAfter = listener.Process.ReadRssBytes();
            long dialerAfter = ProcStatus.RssBytes(self);
            var heapAfter = HeapFigures.Measure();
            int fds = ProcStatus.OpenFds(listener.Process.Pid);
            opened = host.ConnectionCount; // still open after the settle time
            return new IdleResult(count, opened, listener.Process.ConnectionOpens, fds,
                listenerBefore, listenerAfter, dialerBefore, dialerAfter, openSeconds, heapBefore, heapAfter);
        }
        finally
        {
            // Closing 10k connections gracefully takes a while; the listener is killed by PID regardless.
            try { await host.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60)); }
            catch (TimeoutException) { progress("closing the dialer host timed out"); }
        }
    }
}
