using System.Net;
using Libp2p.Transport.WasiSockets.Wit;

namespace Libp2p.Tests.WasiSockets;

/// <summary>
/// A WASI backend with only poll and the monotonic clock, on virtual time: when nothing is ready, poll jumps the
/// clock to the earliest clock pollable (so loop tests run instantly and deterministically).
/// </summary>
internal sealed class FakeClockBackend : IWasiBackend
{
    private readonly Dictionary<int, ulong> _clockDeadlines = new();
    private int _next = 1000;

    public ulong Now { get; private set; } = 1_000_000;
    public HashSet<int> ReadyHandles { get; } = new();
    public List<int[]> PollCalls { get; } = new();
    /// <summary>Virtual time every poll call costs (models real time passing under a busy loop).</summary>
    public ulong AdvancePerPoll { get; set; }
    public HashSet<int> Dropped { get; } = new();

    public int Poll(ReadOnlySpan<int> pollables, Span<int> readyIndices)
    {
        if (pollables.IsEmpty) throw new InvalidOperationException("poll on an empty list traps");
        PollCalls.Add(pollables.ToArray());
        Now += AdvancePerPoll;
        int n = Collect(pollables, readyIndices);
        if (n > 0) return n;
        ulong earliest = ulong.MaxValue;
        foreach (var h in pollables) if (_clockDeadlines.TryGetValue(h, out var d)) earliest = Math.Min(earliest, d);
        if (earliest == ulong.MaxValue) throw new InvalidOperationException("poll would block forever");
        Now = earliest;
        return Collect(pollables, readyIndices);
    }

    private int Collect(ReadOnlySpan<int> pollables, Span<int> ready)
    {
        int n = 0;
        for (int i = 0; i < pollables.Length; i++)
        {
            int h = pollables[i];
            if (Dropped.Contains(h)) throw new InvalidOperationException($"polled dropped pollable {h}");
            if (ReadyHandles.Contains(h) || (_clockDeadlines.TryGetValue(h, out var d) && d <= Now)) ready[n++] = i;
        }
        return n;
    }

    public ulong MonotonicNow() => Now;
    public int SubscribeDuration(ulong nanoseconds) { int h = _next++; _clockDeadlines[h] = Now + nanoseconds; return h; }
    public int SubscribeInstant(ulong instant) { InstantSubscriptions++; int h = _next++; _clockDeadlines[h] = instant; return h; }
    /// <summary>Clock pollables made with <see cref="SubscribeInstant"/> (each a host call).</summary>
    public int InstantSubscriptions { get; private set; }
    public void DropPollable(int pollable) { _clockDeadlines.Remove(pollable); Dropped.Add(pollable); }
    public bool PollableReady(int pollable) => ReadyHandles.Contains(pollable);
    public void PollableBlock(int pollable) => throw new NotSupportedException();
    public int NewPollable() => _next++;

    public string LastStreamError => "";
    public int InstanceNetwork() => throw new NotSupportedException();
    public void DropNetwork(int network) => throw new NotSupportedException();
    public WasiResult<int> CreateTcpSocket(IpAddressFamily family) => throw new NotSupportedException();
    public WasiResult StartBind(int socket, int network, in IpSocketAddress localAddress) => throw new NotSupportedException();
    public WasiResult FinishBind(int socket) => throw new NotSupportedException();
    public WasiResult StartConnect(int socket, int network, in IpSocketAddress remoteAddress) => throw new NotSupportedException();
    public WasiResult<(int Input, int Output)> FinishConnect(int socket) => throw new NotSupportedException();
    public WasiResult StartListen(int socket) => throw new NotSupportedException();
    public WasiResult FinishListen(int socket) => throw new NotSupportedException();
    public WasiResult<(int Socket, int Input, int Output)> Accept(int socket) => throw new NotSupportedException();
    public WasiResult<IpSocketAddress> LocalAddress(int socket) => throw new NotSupportedException();
    public WasiResult<IpSocketAddress> RemoteAddress(int socket) => throw new NotSupportedException();
    public WasiResult SetListenBacklogSize(int socket, ulong value) => throw new NotSupportedException();
    public WasiResult SetKeepAliveEnabled(int socket, bool value) => throw new NotSupportedException();
    public WasiResult SetKeepAliveIdleTime(int socket, ulong nanoseconds) => throw new NotSupportedException();
    public WasiResult SetKeepAliveInterval(int socket, ulong nanoseconds) => throw new NotSupportedException();
    public WasiResult SetKeepAliveCount(int socket, uint value) => throw new NotSupportedException();
    public WasiResult SetHopLimit(int socket, byte value) => throw new NotSupportedException();
    public WasiResult SetReceiveBufferSize(int socket, ulong value) => throw new NotSupportedException();
    public WasiResult SetSendBufferSize(int socket, ulong value) => throw new NotSupportedException();
    public int SubscribeTcpSocket(int socket) => throw new NotSupportedException();
    public WasiResult Shutdown(int socket, ShutdownType how) => throw new NotSupportedException();
    public void DropTcpSocket(int socket) => throw new NotSupportedException();
    public WasiResult<int> ResolveAddresses(int network, string name) => throw new NotSupportedException();
    public WasiResult<IPAddress?> ResolveNextAddress(int stream) => throw new NotSupportedException();
    public int SubscribeResolveAddressStream(int stream) => throw new NotSupportedException();
    public void DropResolveAddressStream(int stream) => throw new NotSupportedException();
    public StreamStatus Read(int input, Span<byte> destination, out int bytesRead) => throw new NotSupportedException();
    public int SubscribeInputStream(int input) => throw new NotSupportedException();
    public void DropInputStream(int input) => throw new NotSupportedException();
    public StreamStatus CheckWrite(int output, out long permitted) => throw new NotSupportedException();
    public StreamStatus Write(int output, ReadOnlySpan<byte> source) => throw new NotSupportedException();
    public StreamStatus Flush(int output) => throw new NotSupportedException();
    public int SubscribeOutputStream(int output) => throw new NotSupportedException();
    public void DropOutputStream(int output) => throw new NotSupportedException();
}
