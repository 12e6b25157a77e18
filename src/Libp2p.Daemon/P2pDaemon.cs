using Libp2p.Core;
using Libp2p.Daemon.Control;
using Libp2p.Daemon.Endpoints;
using Libp2p.Daemon.Pb;
using Libp2p.Daemon.Requests;
using Libp2p.Host;
using Microsoft.Extensions.Logging;

namespace Libp2p.Daemon;

/// <summary>
/// A libp2p daemon: serves go-libp2p-daemon's control protocol (p2pd) for <see cref="Host"/> on the control
/// connections of an <see cref="IControlEndpoint"/>. Each control connection carries varint-delimited requests,
/// answered in order, until the client closes it or turns it into a stream (STREAM_OPEN). A malformed or oversized
/// message is answered with an ERROR response and closes that connection only. No thread of its own.
/// </summary>
public sealed partial class P2pDaemon : IAsyncDisposable
{
    private readonly Dictionary<Request.Types.Type, IRequestFamily> _families = new()
    {
        [Request.Types.Type.Identify] = new IdentifyRequests(),
        [Request.Types.Type.Connect] = new ConnectRequests(),
        [Request.Types.Type.Disconnect] = new DisconnectRequests(),
        [Request.Types.Type.ListPeers] = new ListPeersRequests(),
        [Request.Types.Type.StreamOpen] = new StreamOpenRequests(),
        [Request.Types.Type.StreamHandler] = new StreamHandlerRequests(),
        [Request.Types.Type.Dht] = new DhtRequests(),
        [Request.Types.Type.Pubsub] = new PubSubRequests(),
        [Request.Types.Type.Peerstore] = new PeerstoreRequests(),
        [Request.Types.Type.Connmanager] = new ConnManagerRequests(),
    };
    private readonly CancellationTokenSource _shutdown = new();
    private readonly HashSet<Task> _running = [];
    private int _controlConnections;
    private int _disposed;

    /// <param name="host">The libp2p node the daemon controls; the caller owns it.</param>
    /// <param name="endpoint">Where control connections arrive; the daemon owns it and disposes it.</param>
    /// <param name="options">Limits; the defaults when null.</param>
    public P2pDaemon(Libp2pHost host, IControlEndpoint endpoint, DaemonOptions? options = null)
    {
        Host = host ?? throw new ArgumentNullException(nameof(host));
        Endpoint = endpoint ?? throw new ArgumentNullException(nameof(endpoint));
        Options = options ?? new DaemonOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.MaxMessageSize, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(Options.MaxControlConnections, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(Options.MaxStreamHandlers, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(Options.MaxPipedStreams, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(Options.MaxSubscriptions, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.PipeBufferSize, 1, nameof(options));
        Log = host.Options.LoggerFactory.CreateLogger("Libp2p.Daemon");
    }

    /// <summary>The node the daemon controls.</summary>
    public Libp2pHost Host { get; }

    /// <summary>The DHT that serves DHT requests (the caller owns it); null: they are answered with an error.</summary>
    public Kad.KadDht? Dht { get; set; }

    /// <summary>Where clients connect (and how the daemon dials their stream-handler addresses).</summary>
    public IControlEndpoint Endpoint { get; }

    /// <summary>The limits and timeouts of the daemon.</summary>
    public DaemonOptions Options { get; }

    /// <summary>The address clients reach the daemon at.</summary>
    public Multiformats.Multiaddr ControlAddress => Endpoint.Address;

    /// <summary>Control connections being served right now (piped streams not included).</summary>
    public int ControlConnections => Volatile.Read(ref _controlConnections);

    internal ILogger Log { get; }

    /// <summary>Accepts and serves control connections until <paramref name="cancellationToken"/> fires, the daemon is disposed or the endpoint closes.</summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _shutdown.Token);
        Log.ControlListening(Endpoint.Address);
        while (true)
        {
            IDuplexStream? connection;
            try { connection = await Endpoint.AcceptAsync(stop.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
            if (connection is null) return;
            Track(ServeAsync(connection));
        }
    }

    /// <summary>Serves one control connection (counted against <see cref="DaemonOptions.MaxControlConnections"/>) and disposes it.</summary>
    public async Task ServeAsync(IDuplexStream connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (Interlocked.Increment(ref _controlConnections) > Options.MaxControlConnections)
        {
            Interlocked.Decrement(ref _controlConnections);
            Log.TooManyConnections(Options.MaxControlConnections);
            await RefuseAsync(new ControlStream(connection, Options.MaxMessageSize),
                $"too many control connections: this daemon serves at most {Options.MaxControlConnections} at once").ConfigureAwait(false);
            return;
        }
        int released = 0;
        void Release()
        {
            if (Interlocked.Exchange(ref released, 1) == 0) Interlocked.Decrement(ref _controlConnections);
        }
        try
        {
            await ServeRequestsAsync(new ControlStream(connection, Options.MaxMessageSize), Release, _shutdown.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Log.ConnectionFailed(e);
            connection.Abort(e);
        }
        finally
        {
            Release();
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task ServeRequestsAsync(ControlStream control, Action release, CancellationToken ct)
    {
        var session = new ControlSession(this, control, release);
        while (true)
        {
            Request? request;
            using (var idle = new Deadline(Options.IdleTimeout, Host.TimeProvider, ct))
            {
                try
                {
                    request = await control.ReadRequestAsync(idle.Token).ConfigureAwait(false);
                }
                catch (ControlProtocolException e)
                {
                    Log.RefusedMessage(e.Message);
                    await RefuseAsync(control, e.Message).ConfigureAwait(false);
                    return;
                }
                catch (OperationCanceledException) when (idle.Expired)
                {
                    return;
                }
            }
            if (request is null) return; // the client closed the connection
            Log.Request(request.Type.ToString());
            if (await HandleAsync(session, request, ct).ConfigureAwait(false) == RequestOutcome.Finished)
                return;
        }
    }

    private async ValueTask<RequestOutcome> HandleAsync(ControlSession session, Request request, CancellationToken ct)
    {
        if (!_families.TryGetValue(request.Type, out var family))
        {
            await session.Control.WriteErrorAsync($"unsupported request type {(int)request.Type}", ct).ConfigureAwait(false);
            return RequestOutcome.Continue;
        }
        try
        {
            return await family.HandleAsync(session, request, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // The operation the request asked for failed (bad content, dial refused, protocol not supported, timed
            // out): the client gets an ERROR response. When the control connection itself broke, this write fails
            // too and ends the connection.
            await session.Control.WriteErrorAsync(Describe(e), ct).ConfigureAwait(false);
            return RequestOutcome.Continue;
        }
    }

    internal static string Describe(Exception e) => e switch
    {
        BadRequestException => e.Message,
        OperationCanceledException => "timed out",
        _ => e.Message,
    };

    /// <summary>An ERROR response, then the connection closes (bounded in time: the client may not be reading).</summary>
    private async Task RefuseAsync(ControlStream control, string message)
    {
        try
        {
            using var deadline = new Deadline(TimeSpan.FromSeconds(5), Host.TimeProvider, _shutdown.Token);
            await control.WriteErrorAsync(message, deadline.Token).ConfigureAwait(false);
            await control.Stream.CloseWriteAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
        }
        finally
        {
            await control.Stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void Track(Task task)
    {
        lock (_running) _running.Add(task);
        _ = task.ContinueWith(t => { lock (_running) _running.Remove(t); }, CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Stops accepting, ends every control connection and piped stream (waiting up to 5 s), removes the stream handlers and disposes the endpoint.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _shutdown.Cancel();
        RemoveStreamHandlers();
        await Endpoint.DisposeAsync().ConfigureAwait(false);
        Task[] running;
        lock (_running) running = [.. _running];
        try { await Task.WhenAll(running).WaitAsync(TimeSpan.FromSeconds(5), Host.TimeProvider).ConfigureAwait(false); }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException) { }
    }
}
