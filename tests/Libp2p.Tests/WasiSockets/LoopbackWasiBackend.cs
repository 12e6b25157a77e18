using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Libp2p.Transport.WasiSockets.Wit;

namespace Libp2p.Tests.WasiSockets;

/// <summary>
/// A <c>wasi:sockets</c> host in the test process, over real loopback sockets (non-blocking System.Net.Sockets),
/// for running <see cref="Transport.WasiSockets.WasiTcpTransport"/> in-process. It follows the WIT contract strictly
/// where a lenient host would hide transport bugs:
/// <list type="bullet">
/// <item>child resources (pollables, the streams of a socket) must be dropped before their parent, as the WIT says
/// hosts may trap otherwise — here dropping a parent first throws (<see cref="WasiTrapException"/>);</item>
/// <item><c>write</c> may not exceed what the last <c>check-write</c> permitted (a trap), the output stream buffers at
/// most <see cref="OutputCapacity"/> bytes and a <c>flush</c> holds <c>check-write</c> at 0 until the socket took them;</item>
/// <item><c>poll</c> blocks until a pollable is ready and traps on an empty list or on a list that could never become
/// ready (no clock, nothing pending).</item>
/// </list>
/// Single-threaded like a component: call it from one thread (the test loop).
/// </summary>
internal sealed class LoopbackWasiBackend : IWasiBackend
{
    private readonly Dictionary<int, Resource> _resources = new();
    private int _nextHandle = 1;

    /// <summary>Bytes an output stream buffers before <c>check-write</c> says 0 (jco's host grants 16 KiB at a time).</summary>
    public int OutputCapacity { get; init; } = 16 * 1024;

    /// <summary>When set, bind, connect and name lookups fail with <c>access-denied</c> (a host without the network capability).</summary>
    public bool DenyNetwork { get; set; }

    /// <summary>Live handles of every kind (a transport that drops everything it made leaves only what it still owns).</summary>
    public int LiveHandles => _resources.Count;

    /// <summary>What is live, by kind ("tcp-socket", "input-stream", "pollable of tcp-socket", "clock pollable", ...).</summary>
    public IReadOnlyList<string> LiveResources => [.. _resources.Values.Select(Describe).Order()];

    /// <summary>Live sockets (listeners and connections).</summary>
    /// <summary><c>input-stream.read</c> calls so far (each is a host call a real host charges for).</summary>
    public int Reads { get; private set; }

    public int LiveSockets => _resources.Values.Count(r => r is SocketResource);

    public string LastStreamError { get; private set; } = "";

    // wasi:sockets/instance-network
    public int InstanceNetwork() => Add(new NetworkResource());
    public void DropNetwork(int network) => Drop<NetworkResource>(network);

    // wasi:sockets/tcp-create-socket
    public WasiResult<int> CreateTcpSocket(IpAddressFamily family) => WasiResult<int>.Ok(Add(new SocketResource(family)));

    // wasi:sockets/tcp
    public WasiResult StartBind(int socket, int network, in IpSocketAddress localAddress)
    {
        var s = Get<SocketResource>(socket);
        Get<NetworkResource>(network);
        if (DenyNetwork) return WasiResult.Fail(NetworkErrorCode.AccessDenied);
        if (s.State != SocketState.Unbound) return WasiResult.Fail(NetworkErrorCode.InvalidState);
        if (localAddress.Family != s.Family) return WasiResult.Fail(NetworkErrorCode.InvalidArgument);
        var socketToBind = s.EnsureSocket();
        try
        {
            socketToBind.Bind(localAddress.ToIPEndPoint());
        }
        catch (SocketException e)
        {
            return WasiResult.Fail(ToErrorCode(e.SocketErrorCode));
        }
        s.State = SocketState.BindStarted;
        return WasiResult.Ok;
    }

    public WasiResult FinishBind(int socket)
    {
        var s = Get<SocketResource>(socket);
        if (s.State != SocketState.BindStarted) return WasiResult.Fail(NetworkErrorCode.NotInProgress);
        s.State = SocketState.Bound;
        return WasiResult.Ok;
    }

    public WasiResult StartConnect(int socket, int network, in IpSocketAddress remoteAddress)
    {
        var s = Get<SocketResource>(socket);
        Get<NetworkResource>(network);
        if (DenyNetwork) return WasiResult.Fail(NetworkErrorCode.AccessDenied);
        if (s.State is not (SocketState.Unbound or SocketState.Bound)) return WasiResult.Fail(NetworkErrorCode.InvalidState);
        if (remoteAddress.Family != s.Family || remoteAddress.Port == 0 || remoteAddress.IsUnspecified)
            return WasiResult.Fail(NetworkErrorCode.InvalidArgument);
        var connecting = s.EnsureSocket();
        s.Connecting = connecting.ConnectAsync(remoteAddress.ToIPEndPoint());
        // A connect abandoned by dropping the socket ends in an error nobody reads.
        s.Connecting.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
        s.State = SocketState.ConnectStarted;
        return WasiResult.Ok;
    }

    public WasiResult<(int Input, int Output)> FinishConnect(int socket)
    {
        var s = Get<SocketResource>(socket);
        if (s.State != SocketState.ConnectStarted) return WasiResult<(int, int)>.Fail(NetworkErrorCode.NotInProgress);
        if (!s.Connecting!.IsCompleted) return WasiResult<(int, int)>.Fail(NetworkErrorCode.WouldBlock);
        if (s.Connecting.Exception?.InnerException is SocketException e)
        {
            s.State = SocketState.Closed;
            return WasiResult<(int, int)>.Fail(ToErrorCode(e.SocketErrorCode));
        }
        if (!s.Connecting.IsCompletedSuccessfully)
        {
            s.State = SocketState.Closed;
            return WasiResult<(int, int)>.Fail(NetworkErrorCode.Unknown);
        }
        s.Socket!.Blocking = false;
        s.State = SocketState.Connected;
        return WasiResult<(int, int)>.Ok(OpenStreams(s));
    }

    public WasiResult StartListen(int socket)
    {
        var s = Get<SocketResource>(socket);
        if (s.State != SocketState.Bound) return WasiResult.Fail(NetworkErrorCode.InvalidState);
        try
        {
            s.Socket!.Listen(s.Backlog);
        }
        catch (SocketException e)
        {
            return WasiResult.Fail(ToErrorCode(e.SocketErrorCode));
        }
        s.Socket.Blocking = false;
        s.State = SocketState.ListenStarted;
        return WasiResult.Ok;
    }

    public WasiResult FinishListen(int socket)
    {
        var s = Get<SocketResource>(socket);
        if (s.State != SocketState.ListenStarted) return WasiResult.Fail(NetworkErrorCode.NotInProgress);
        s.State = SocketState.Listening;
        return WasiResult.Ok;
    }

    public WasiResult<(int Socket, int Input, int Output)> Accept(int socket)
    {
        var s = Get<SocketResource>(socket);
        if (s.State != SocketState.Listening) return WasiResult<(int, int, int)>.Fail(NetworkErrorCode.InvalidState);
        Socket accepted;
        try
        {
            accepted = s.Socket!.Accept();
        }
        catch (SocketException e)
        {
            return WasiResult<(int, int, int)>.Fail(ToErrorCode(e.SocketErrorCode));
        }
        accepted.Blocking = false;
        var child = new SocketResource(s.Family) { Socket = accepted, State = SocketState.Connected };
        int handle = Add(child);
        var (input, output) = OpenStreams(child);
        return WasiResult<(int, int, int)>.Ok((handle, input, output));
    }

    public WasiResult<IpSocketAddress> LocalAddress(int socket)
    {
        var s = Get<SocketResource>(socket);
        if (s.State == SocketState.Unbound) return WasiResult<IpSocketAddress>.Fail(NetworkErrorCode.InvalidState);
        return EndPoint(() => s.Socket?.LocalEndPoint);
    }

    public WasiResult<IpSocketAddress> RemoteAddress(int socket)
    {
        var s = Get<SocketResource>(socket);
        if (s.State != SocketState.Connected) return WasiResult<IpSocketAddress>.Fail(NetworkErrorCode.InvalidState);
        return EndPoint(() => s.Socket!.RemoteEndPoint);
    }

    private static WasiResult<IpSocketAddress> EndPoint(Func<EndPoint?> read)
    {
        try
        {
            return read() is IPEndPoint ep
                ? WasiResult<IpSocketAddress>.Ok(IpSocketAddress.FromIPEndPoint(ep))
                : WasiResult<IpSocketAddress>.Fail(NetworkErrorCode.InvalidState);
        }
        catch (SocketException e)
        {
            // getpeername on a connection the peer already reset
            return WasiResult<IpSocketAddress>.Fail(ToErrorCode(e.SocketErrorCode));
        }
    }

    public WasiResult SetListenBacklogSize(int socket, ulong value)
    {
        var s = Get<SocketResource>(socket);
        if (value == 0) return WasiResult.Fail(NetworkErrorCode.InvalidArgument);
        s.Backlog = (int)Math.Min(value, int.MaxValue);
        return WasiResult.Ok;
    }

    public WasiResult SetKeepAliveEnabled(int socket, bool value) => Setter(socket);
    public WasiResult SetKeepAliveIdleTime(int socket, ulong nanoseconds) => nanoseconds == 0 ? WasiResult.Fail(NetworkErrorCode.InvalidArgument) : Setter(socket);
    public WasiResult SetKeepAliveInterval(int socket, ulong nanoseconds) => nanoseconds == 0 ? WasiResult.Fail(NetworkErrorCode.InvalidArgument) : Setter(socket);
    public WasiResult SetKeepAliveCount(int socket, uint value) => value == 0 ? WasiResult.Fail(NetworkErrorCode.InvalidArgument) : Setter(socket);
    public WasiResult SetHopLimit(int socket, byte value) => value == 0 ? WasiResult.Fail(NetworkErrorCode.InvalidArgument) : Setter(socket);
    public WasiResult SetReceiveBufferSize(int socket, ulong value) => value == 0 ? WasiResult.Fail(NetworkErrorCode.InvalidArgument) : Setter(socket);
    public WasiResult SetSendBufferSize(int socket, ulong value) => value == 0 ? WasiResult.Fail(NetworkErrorCode.InvalidArgument) : Setter(socket);

    private WasiResult Setter(int socket)
    {
        Get<SocketResource>(socket);
        return WasiResult.Ok;
    }

    public int SubscribeTcpSocket(int socket)
    {
        var s = Get<SocketResource>(socket);
        return AddPollable(s, () => s.State switch
        {
            SocketState.ConnectStarted => s.Connecting!.IsCompleted,
            SocketState.Listening => s.Socket!.Poll(0, SelectMode.SelectRead),
            _ => true,
        }, s.State == SocketState.Listening ? s.Socket : null);
    }

    public WasiResult Shutdown(int socket, ShutdownType how)
    {
        var s = Get<SocketResource>(socket);
        if (s.State != SocketState.Connected) return WasiResult.Fail(NetworkErrorCode.InvalidState);
        try
        {
            s.Socket!.Shutdown(how switch { ShutdownType.Receive => SocketShutdown.Receive, ShutdownType.Send => SocketShutdown.Send, _ => SocketShutdown.Both });
        }
        catch (SocketException e)
        {
            return WasiResult.Fail(ToErrorCode(e.SocketErrorCode));
        }
        if (how != ShutdownType.Receive) s.SendShutdown = true;
        return WasiResult.Ok;
    }

    public void DropTcpSocket(int socket)
    {
        var s = Drop<SocketResource>(socket);
        s.Socket?.Dispose();
    }

    // wasi:sockets/ip-name-lookup
    public WasiResult<int> ResolveAddresses(int network, string name)
    {
        Get<NetworkResource>(network);
        if (DenyNetwork) return WasiResult<int>.Fail(NetworkErrorCode.AccessDenied);
        var lookup = new ResolveResource();
        try
        {
            foreach (var ip in Dns.GetHostAddresses(name)) lookup.Addresses.Enqueue(ip);
        }
        catch (SocketException)
        {
            lookup.Error = NetworkErrorCode.NameUnresolvable;
        }
        return WasiResult<int>.Ok(Add(lookup));
    }

    public WasiResult<IPAddress?> ResolveNextAddress(int stream)
    {
        var lookup = Get<ResolveResource>(stream);
        if (lookup.Error is { } error)
        {
            lookup.Error = null;
            return WasiResult<IPAddress?>.Fail(error);
        }
        return WasiResult<IPAddress?>.Ok(lookup.Addresses.TryDequeue(out var ip) ? ip : null);
    }

    public int SubscribeResolveAddressStream(int stream) => AddPollable(Get<ResolveResource>(stream), static () => true, null);
    public void DropResolveAddressStream(int stream) => Drop<ResolveResource>(stream);

    // wasi:io/streams
    public StreamStatus Read(int input, Span<byte> destination, out int bytesRead)
    {
        Reads++;
        var i = Get<InputResource>(input);
        bytesRead = 0;
        int n = i.Owner.Socket!.Receive(destination, SocketFlags.None, out SocketError error);
        if (error == SocketError.WouldBlock) return StreamStatus.Ok;
        if (error != SocketError.Success) return StreamFailed(error);
        if (n == 0 && !destination.IsEmpty) return StreamStatus.Closed; // EOF
        bytesRead = n;
        return StreamStatus.Ok;
    }

    public int SubscribeInputStream(int input)
    {
        var i = Get<InputResource>(input);
        return AddPollable(i, () => i.Owner.Socket!.Poll(0, SelectMode.SelectRead), i.Owner.Socket);
    }

    public void DropInputStream(int input) => Drop<InputResource>(input);

    public StreamStatus CheckWrite(int output, out long permitted)
    {
        var o = Get<OutputResource>(output);
        permitted = 0;
        if (o.Failed is { } failed) return StreamFailed(failed);
        if (o.Owner.SendShutdown) return StreamStatus.Closed;
        if (!Drain(o)) return StreamFailed(o.Failed!.Value);
        if (o.Flushing && o.Count > 0)
        {
            o.Permitted = 0;
            return StreamStatus.Ok;
        }
        o.Flushing = false;
        o.Permitted = OutputCapacity - o.Count;
        permitted = o.Permitted;
        return StreamStatus.Ok;
    }

    public StreamStatus Write(int output, ReadOnlySpan<byte> source)
    {
        var o = Get<OutputResource>(output);
        if (source.Length > o.Permitted)
            throw new WasiTrapException($"write of {source.Length} bytes but check-write permitted {o.Permitted}");
        if (o.Failed is { } failed) return StreamFailed(failed);
        if (o.Owner.SendShutdown) return StreamStatus.Closed;
        o.Permitted -= source.Length;
        source.CopyTo(o.Buffer.AsSpan(o.Count));
        o.Count += source.Length;
        return Drain(o) ? StreamStatus.Ok : StreamFailed(o.Failed!.Value);
    }

    public StreamStatus Flush(int output)
    {
        var o = Get<OutputResource>(output);
        if (o.Failed is { } failed) return StreamFailed(failed);
        if (o.Owner.SendShutdown) return StreamStatus.Closed;
        o.Flushing = true;
        o.Permitted = 0;
        return Drain(o) ? StreamStatus.Ok : StreamFailed(o.Failed!.Value);
    }

    public int SubscribeOutputStream(int output)
    {
        var o = Get<OutputResource>(output);
        return AddPollable(o, () => o.Failed is not null || o.Owner.SendShutdown || !Drain(o) || (o.Count < OutputCapacity && !(o.Flushing && o.Count > 0)),
            null, writeWait: o);
    }

    public void DropOutputStream(int output) => Drop<OutputResource>(output);

    // wasi:io/poll
    public int Poll(ReadOnlySpan<int> pollables, Span<int> readyIndices)
    {
        if (pollables.IsEmpty) throw new WasiTrapException("poll on an empty list");
        var list = new PollableResource[pollables.Length];
        for (int i = 0; i < list.Length; i++) list[i] = Get<PollableResource>(pollables[i]);
        while (true)
        {
            int n = 0;
            for (int i = 0; i < list.Length; i++)
                if (list[i].IsReady()) readyIndices[n++] = i;
            if (n > 0) return n;
            WaitForProgress(list);
        }
    }

    public bool PollableReady(int pollable) => Get<PollableResource>(pollable).IsReady();

    public void PollableBlock(int pollable) => Poll([pollable], stackalloc int[1]);

    public void DropPollable(int pollable) => Drop<PollableResource>(pollable);

    // wasi:clocks/monotonic-clock
    public ulong MonotonicNow() => (ulong)(Stopwatch.GetTimestamp() * (1_000_000_000.0 / Stopwatch.Frequency));

    public int SubscribeDuration(ulong nanoseconds) => SubscribeInstant(MonotonicNow() + nanoseconds);

    public int SubscribeInstant(ulong instant)
    {
        var clock = new PollableResource(null, null) { Deadline = instant };
        clock.Ready = () => MonotonicNow() >= instant;
        return Add(clock);
    }

    /// <summary>Blocks until a socket in <paramref name="list"/> may have changed or the earliest clock is due (at most 5 ms).</summary>
    private void WaitForProgress(PollableResource[] list)
    {
        ulong now = MonotonicNow();
        ulong wait = 5_000_000;
        bool anything = false;
        var readable = new List<Socket>();
        var writable = new List<Socket>();
        foreach (var p in list)
        {
            if (p.Deadline is { } due) { anything = true; wait = Math.Min(wait, due > now ? due - now : 0); }
            if (p.ReadSocket is { } r) { anything = true; readable.Add(r); }
            if (p.WriteWait is { Owner.Socket: { } w } o && o.Count > 0) { anything = true; writable.Add(w); }
            if (p.Parent is SocketResource { State: SocketState.ConnectStarted }) anything = true;
        }
        if (!anything) throw new WasiTrapException("poll would block forever: no clock and nothing pending");
        int micros = (int)Math.Max(1, wait / 1000);
        if (readable.Count == 0 && writable.Count == 0)
        {
            Thread.Sleep(TimeSpan.FromTicks(Math.Max(1, (long)(wait / 100))));
            return;
        }
        try
        {
            // Select only says something may have changed; readiness is checked again by the caller.
            Socket.Select(readable.Count > 0 ? readable : null, writable.Count > 0 ? writable : null, null, Math.Min(micros, 5000));
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
    }

    /// <summary>Sends what the output stream buffers, as far as the socket takes it now; false when the socket failed.</summary>
    private bool Drain(OutputResource o)
    {
        if (o.Failed is not null) return false;
        while (o.Count > 0)
        {
            int sent = o.Owner.Socket!.Send(o.Buffer.AsSpan(0, o.Count), SocketFlags.None, out SocketError error);
            if (error == SocketError.WouldBlock) return true;
            if (error != SocketError.Success)
            {
                o.Failed = error;
                return false;
            }
            o.Buffer.AsSpan(sent, o.Count - sent).CopyTo(o.Buffer);
            o.Count -= sent;
        }
        return true;
    }

    private StreamStatus StreamFailed(SocketError error)
    {
        LastStreamError = ToErrorCode(error).ToWitName();
        return StreamStatus.Failed;
    }

    private (int Input, int Output) OpenStreams(SocketResource s) =>
        (Add(new InputResource(s) { Parent = s }), Add(new OutputResource(s, OutputCapacity) { Parent = s }));

    private int AddPollable(Resource parent, Func<bool> ready, Socket? readSocket, OutputResource? writeWait = null) =>
        Add(new PollableResource(readSocket, writeWait) { Parent = parent, Ready = ready });

    private int Add(Resource resource)
    {
        if (resource.Parent is { } parent) parent.Children++;
        int handle = _nextHandle++;
        _resources.Add(handle, resource);
        return handle;
    }

    private T Get<T>(int handle) where T : Resource =>
        _resources.TryGetValue(handle, out var r) && r is T typed
            ? typed
            : throw new WasiTrapException($"handle {handle} is not a live {typeof(T).Name}");

    private T Drop<T>(int handle) where T : Resource
    {
        var r = Get<T>(handle);
        if (r.Children > 0) throw new WasiTrapException($"{typeof(T).Name} {handle} dropped before its {r.Children} child resource(s)");
        _resources.Remove(handle);
        if (r.Parent is { } parent) parent.Children--;
        return r;
    }

    private static string Describe(Resource r) => r switch
    {
        NetworkResource => "network",
        SocketResource => "tcp-socket",
        InputResource => "input-stream",
        OutputResource => "output-stream",
        ResolveResource => "resolve-address-stream",
        PollableResource { Parent: null } => "clock pollable",
        PollableResource { Parent: { } parent } => $"pollable of {Describe(parent)}",
        _ => r.GetType().Name,
    };

    private static NetworkErrorCode ToErrorCode(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => NetworkErrorCode.ConnectionRefused,
        SocketError.ConnectionReset => NetworkErrorCode.ConnectionReset,
        SocketError.ConnectionAborted or SocketError.OperationAborted => NetworkErrorCode.ConnectionAborted,
        SocketError.AddressAlreadyInUse => NetworkErrorCode.AddressInUse,
        SocketError.AddressNotAvailable => NetworkErrorCode.AddressNotBindable,
        SocketError.HostUnreachable or SocketError.NetworkUnreachable => NetworkErrorCode.RemoteUnreachable,
        SocketError.TimedOut => NetworkErrorCode.Timeout,
        SocketError.AccessDenied => NetworkErrorCode.AccessDenied,
        SocketError.WouldBlock => NetworkErrorCode.WouldBlock,
        SocketError.InvalidArgument => NetworkErrorCode.InvalidArgument,
        SocketError.Shutdown => NetworkErrorCode.InvalidState,
        _ => NetworkErrorCode.Unknown,
    };

    private enum SocketState { Unbound, BindStarted, Bound, ListenStarted, Listening, ConnectStarted, Connected, Closed }

    private abstract class Resource
    {
        public Resource? Parent { get; init; }
        public int Children { get; set; }
    }

    private sealed class NetworkResource : Resource;

    private sealed class SocketResource(IpAddressFamily family) : Resource
    {
        public IpAddressFamily Family { get; } = family;
        public Socket? Socket { get; set; }
        public SocketState State { get; set; }
        public Task? Connecting { get; set; }
        public int Backlog { get; set; } = 128;
        public bool SendShutdown { get; set; }

        public Socket EnsureSocket()
        {
            if (Socket is not null) return Socket;
            Socket = new Socket(Family == IpAddressFamily.Ipv4 ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
            if (Family == IpAddressFamily.Ipv6) Socket.DualMode = false;
            return Socket;
        }
    }

    private sealed class InputResource(SocketResource owner) : Resource
    {
        public SocketResource Owner { get; } = owner;
    }

    private sealed class OutputResource(SocketResource owner, int capacity) : Resource
    {
        public SocketResource Owner { get; } = owner;
        public byte[] Buffer { get; } = new byte[capacity];
        public int Count { get; set; }
        public long Permitted { get; set; }
        public bool Flushing { get; set; }
        public SocketError? Failed { get; set; }
    }

    private sealed class ResolveResource : Resource
    {
        public Queue<IPAddress> Addresses { get; } = new();
        public NetworkErrorCode? Error { get; set; }
    }

    private sealed class PollableResource(Socket? readSocket, OutputResource? writeWait) : Resource
    {
        public Func<bool> Ready { get; set; } = static () => false;
        public ulong? Deadline { get; init; }
        public Socket? ReadSocket { get; } = readSocket;
        public OutputResource? WriteWait { get; } = writeWait;

        public bool IsReady()
        {
            try { return Ready(); }
            catch (ObjectDisposedException) { return true; } // the socket is gone: the next call reports it
        }
    }
}

/// <summary>What a real WASI host does on a broken contract: trap (here: throw, and fail the test).</summary>
internal sealed class WasiTrapException(string message) : Exception($"trap: {message}");
