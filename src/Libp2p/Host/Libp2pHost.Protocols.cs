using Libp2p.Core;
using Libp2p.Host.Resources;
using Libp2p.Protocols.Identify;
using Libp2p.Protocols.Perf;
using Libp2p.Protocols.Ping;

namespace Libp2p.Host;

public sealed partial class Libp2pHost
{
    private void RegisterBuiltInProtocols()
    {
        // Every handler has a time bound, so a peer that opens a stream and goes quiet cannot hold it (go-libp2p:
        // ping 10 s, identify 5 s); each timeout's message names it.
        if (Options.EnablePing)
            SetHandler(PingProtocol.ProtocolId, (ctx, ct) => PingProtocol.HandleAsync(ctx.Stream, Options.PingTimeout, TimeProvider, ct),
                PingProtocol.MaxInboundStreamsPerPeer);
        if (Options.EnableIdentify)
        {
            SetHandler(IdentifyProtocol.ProtocolId, OnIdentifyRequestAsync, 4);
            SetHandler(IdentifyProtocol.PushProtocolId, OnIdentifyPushAsync, 1);
        }
        if (Options.EnablePerf)
            SetHandler(PerfProtocol.ProtocolId, OnPerfAsync, 16);
    }

    private async Task OnIdentifyRequestAsync(StreamContext ctx, CancellationToken ct)
    {
        using var deadline = new Deadline(Options.IdentifyTimeout, TimeProvider, ct);
        try { await IdentifyProtocol.RespondAsync(ctx.Stream, LocalIdentifyInfo(ctx.Connection), deadline.Token).ConfigureAwait(false); }
        catch (OperationCanceledException e) when (deadline.Expired)
        {
            throw new TimeoutException($"Answering identify to {ctx.Connection.RemotePeer} took longer than {Options.IdentifyTimeout.TotalSeconds:0.###} s (identify timeout).", e);
        }
    }

    private async Task OnPerfAsync(StreamContext ctx, CancellationToken ct)
    {
        // The transfer buffer is the peer's doing: reserved in the stream's scope (RST when the budget is spent).
        ctx.Resources.ReserveMemory(PerfProtocol.BufferSize);
        try { await PerfProtocol.HandleAsync(ctx.Stream, Options.PerfRequestTimeout, TimeProvider, ct).ConfigureAwait(false); }
        finally { ctx.Resources.ReleaseMemory(PerfProtocol.BufferSize); }
    }

    /// <summary>What we tell <paramref name="connection"/>'s peer about ourselves.</summary>
    public IdentifyInfo LocalIdentifyInfo(Connection connection) => new(
        Options.ProtocolVersion,
        Options.AgentVersion,
        Identity.PublicKey.ToProtobuf(),
        [.. ListenAddresses.Select(a => a.WithoutPeerId())],
        connection.RemoteAddress.WithoutPeerId(),
        Protocols);

    /// <summary>One ping round trip on a fresh stream.</summary>
    public async ValueTask<TimeSpan> PingAsync(Connection connection, CancellationToken cancellationToken = default)
    {
        var stream = await connection.OpenStreamAsync(PingProtocol.ProtocolId, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var rtt = await PingProtocol.PingAsync(stream, TimeProvider, cancellationToken).ConfigureAwait(false);
            await CloseCleanlyAsync(stream, cancellationToken).ConfigureAwait(false);
            return rtt;
        }
    }

    /// <summary>
    /// Asks the peer of <paramref name="connection"/> to identify itself, and records the answer on the connection.
    /// Joins the request already running on the connection (the one every new connection starts) instead of
    /// opening a second identify stream, which js-libp2p would reset.
    /// </summary>
    public ValueTask<IdentifyInfo> IdentifyAsync(Connection connection, CancellationToken cancellationToken = default)
    {
        Task<IdentifyInfo> running;
        lock (connection.IdentifyLock)
        {
            var inFlight = connection.IdentifyInFlight;
            running = inFlight is { IsCompleted: false } ? inFlight : RequestIdentifyAsync(connection);
            connection.IdentifyInFlight = running;
        }
        return new(running.WaitAsync(cancellationToken));
    }

    private async Task<IdentifyInfo> RequestIdentifyAsync(Connection connection)
    {
        // Shared by every caller, so no caller's token: the host's own time limit and shutdown bound it.
        using var deadline = new Deadline(Options.StreamNegotiationTimeout + Options.IdentifyTimeout, TimeProvider, _shutdown.Token);
        try
        {
            var stream = await connection.OpenStreamAsync(IdentifyProtocol.ProtocolId, deadline.Token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                using var answer = new Deadline(Options.IdentifyTimeout, TimeProvider, deadline.Token);
                var info = await IdentifyProtocol.RequestAsync(stream, answer.Token).ConfigureAwait(false);
                CheckIdentifiedKey(connection, info);
                connection.RemoteIdentify = info;
                OnPeerIdentifiedForPeers(connection, info);
                Publish(new HostEvent.PeerIdentified(connection));
                return info;
            }
        }
        catch (OperationCanceledException e) when (deadline.Expired || !_shutdown.IsCancellationRequested)
        {
            throw new TimeoutException($"{connection.RemotePeer} did not answer identify within {Options.IdentifyTimeout.TotalSeconds:0.###} s (identify timeout).", e);
        }
    }

    /// <summary>Runs <c>/perf/1.0.0</c> against the peer of <paramref name="connection"/>.</summary>
    public async ValueTask<PerfResult> PerfAsync(Connection connection, ulong uploadBytes, ulong downloadBytes,
        Action<ulong, ulong>? progress = null, CancellationToken cancellationToken = default)
    {
        var stream = await connection.OpenStreamAsync(PerfProtocol.ProtocolId, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
            return await PerfProtocol.RunAsync(stream, uploadBytes, downloadBytes, TimeProvider, progress, cancellationToken).ConfigureAwait(false);
    }

    // Half-close and wait for the remote's EOF, so that disposing the stream does not reset it.
    private static async ValueTask CloseCleanlyAsync(Core.IDuplexStream stream, CancellationToken ct)
    {
        await stream.CloseWriteAsync(ct).ConfigureAwait(false);
        var sink = new byte[64];
        while (await stream.ReadAsync(sink, ct).ConfigureAwait(false) > 0) { }
    }

    private async Task IdentifyInBackgroundAsync(Connection connection)
    {
        try
        {
            if (Options.IdentifyDelay > TimeSpan.Zero)
            {
                await Task.WhenAny(Task.Delay(Options.IdentifyDelay, TimeProvider, _shutdown.Token), connection.Closed).ConfigureAwait(false);
                if (connection.IsClosed || _shutdown.IsCancellationRequested) return;
                lock (connection.IdentifyLock)
                    if (connection.IdentifyInFlight is not null) return; // asked already (answered or still running)
            }
            using var deadline = new Deadline(Options.StreamNegotiationTimeout, TimeProvider, _shutdown.Token);
            await IdentifyAsync(connection, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Log.IdentifyFailed(connection.RemotePeer, e);
        }
    }

    /// <summary>
    /// Tells every connected peer that supports <c>/ipfs/id/push/1.0.0</c> what we look like now (after our
    /// listen addresses changed). Failures only cost that peer the update.
    /// </summary>
    internal void PushIdentifyToAll()
    {
        if (!Options.EnableIdentify || _disposed != 0) return;
        foreach (var c in ConnectionSnapshot())
        {
            if (c.RemoteIdentify?.Protocols.Contains(IdentifyProtocol.PushProtocolId) == true)
                _ = PushIdentifyAsync(c);
        }
    }

    private async Task PushIdentifyAsync(Connection connection)
    {
        try
        {
            using var deadline = new Deadline(Options.StreamNegotiationTimeout, TimeProvider, _shutdown.Token);
            var stream = await connection.OpenStreamAsync(IdentifyProtocol.PushProtocolId, deadline.Token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
                await IdentifyProtocol.PushAsync(stream, LocalIdentifyInfo(connection), deadline.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Log.IdentifyFailed(connection.RemotePeer, e);
        }
    }

    /// <summary>A peer pushes when its addresses or protocols change: one push per connection per this interval is taken, later ones are reset unread.</summary>
    internal static readonly TimeSpan IdentifyPushInterval = TimeSpan.FromSeconds(1);

    private async Task OnIdentifyPushAsync(StreamContext ctx, CancellationToken ct)
    {
        long now = TimeProvider.GetTimestamp();
        long last = Interlocked.Read(ref ctx.Connection.LastIdentifyPushTimestamp);
        if (last != 0 && TimeProvider.GetElapsedTime(last, now) < IdentifyPushInterval)
        {
            Resources.ReportRefusal("IdentifyPushInterval", (long)IdentifyPushInterval.TotalMilliseconds, ctx.Connection.Resources.Name, "an identify push (ms since the last one below the interval)");
            throw new ResourceLimitExceededException("IdentifyPushInterval", (long)IdentifyPushInterval.TotalMilliseconds, ctx.Connection.Resources.Name, "an identify push");
        }
        Interlocked.Exchange(ref ctx.Connection.LastIdentifyPushTimestamp, now);
        IdentifyInfo push;
        using (var deadline = new Deadline(Options.IdentifyTimeout, TimeProvider, ct))
        {
            try { push = await IdentifyProtocol.ReceivePushAsync(ctx.Stream, deadline.Token).ConfigureAwait(false); }
            catch (OperationCanceledException e) when (deadline.Expired)
            {
                throw new TimeoutException($"{ctx.Connection.RemotePeer}'s identify push did not arrive within {Options.IdentifyTimeout.TotalSeconds:0.###} s (identify push timeout).", e);
            }
        }
        CheckIdentifiedKey(ctx.Connection, push);
        ctx.Connection.RemoteIdentify = Merge(ctx.Connection.RemoteIdentify, push);
        OnPeerIdentifiedForPeers(ctx.Connection, push);
        Publish(new HostEvent.PeerIdentified(ctx.Connection));
    }

    // A push may carry only what changed: absent (empty) fields keep what we knew.
    private static IdentifyInfo Merge(IdentifyInfo? known, IdentifyInfo push) => known is null ? push : new(
        push.ProtocolVersion.Length > 0 ? push.ProtocolVersion : known.ProtocolVersion,
        push.AgentVersion.Length > 0 ? push.AgentVersion : known.AgentVersion,
        push.PublicKey.Length > 0 ? push.PublicKey : known.PublicKey,
        push.ListenAddresses.Count > 0 ? push.ListenAddresses : known.ListenAddresses,
        push.ObservedAddress ?? known.ObservedAddress,
        push.Protocols.Count > 0 ? push.Protocols : known.Protocols,
        push.SignedPeerRecord ?? known.SignedPeerRecord);

    // A peer may only describe itself: the key it sends must be the one Noise authenticated.
    private static void CheckIdentifiedKey(Connection connection, IdentifyInfo info)
    {
        if (info.PublicKey.Length > 0 && !info.PublicKey.AsSpan().SequenceEqual(connection.RemotePublicKey.ToProtobuf()))
            throw new IdentifyException($"Peer {connection.RemotePeer} sent an identify public key that is not its own.");
    }
}
