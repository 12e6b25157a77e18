using System.Net;
using Libp2p.Core;
using Libp2p.Host;
using Libp2p.Identity;
using Libp2p.Multiformats;
using Libp2p.Multistream;
using Libp2p.PubSub.Routing;
using Libp2p.PubSub.Wire;
using Microsoft.Extensions.Logging;

namespace Libp2p.PubSub;

// Peers: one outbound stream we open on every connection (negotiating the best protocol both speak) and one inbound
// stream the peer opens to us; a peer exists for the routers from the first of the two until its connection closes
// or our outbound stream fails.
public sealed partial class PubSub
{
    private readonly Dictionary<PeerId, PeerLink> _links = new();
    private int _pendingPx;

    private readonly HashSet<Task> _outboundTasks = [];

    private void OnConnectionOpened(Connection connection)
    {
        if (_disposed != 0) return;
        var task = RunOutboundAsync(connection);
        lock (_outboundTasks) _outboundTasks.Add(task);
        _ = task.ContinueWith(t => { lock (_outboundTasks) _outboundTasks.Remove(t); }, CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private Task[] OutboundTasks()
    {
        lock (_outboundTasks) return [.. _outboundTasks];
    }

    private void OnConnectionClosed(Connection connection, Exception? reason)
    {
        List<SubscriptionChange>? changes = null;
        lock (_gate)
        {
            if (_links.TryGetValue(connection.RemotePeer, out var link) && link.Connection == connection)
                RemovePeerLocked(connection.RemotePeer, ref changes);
        }
        Raise(changes);
    }

    private async Task RunOutboundAsync(Connection connection)
    {
        IDuplexStream? stream = null;
        PeerLink? link = null;
        try
        {
            string protocol;
            using (var deadline = new Deadline(_host.Options.StreamNegotiationTimeout, _host.TimeProvider, _shutdown.Token))
                (stream, protocol) = await connection.OpenNegotiatedStreamAsync(_router.Protocols, deadline.Token).ConfigureAwait(false);
            lock (_gate)
            {
                if (_disposed != 0 || connection.IsClosed) return;
                var peer = GetOrAddPeerLocked(connection, protocol);
                link = _links[peer.Id];
                if (link.Outbound is not null) return; // one outbound stream per peer; this one is surplus
                link.Outbound = stream;
                peer.Protocol = protocol; // what we negotiated is what we speak
            }
            await link.Queue.RunAsync(stream, CancellationToken.None).ConfigureAwait(false);
            // Closed by us (the peer or the node went away): end the stream gracefully so what was written arrives.
            await CloseGracefullyAsync(stream).ConfigureAwait(false);
        }
        catch (MultistreamException e) when (e.Error == MultistreamError.NoProtocolSupported)
        {
            _log.LogDebug("{Peer} does not speak pubsub", connection.RemotePeer);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            if (!_shutdown.IsCancellationRequested && !connection.IsClosed)
                _log.LogDebug(e, "pubsub stream to {Peer} failed", connection.RemotePeer);
        }
        finally
        {
            if (stream is not null)
            {
                if (link is null || link.Outbound != stream) await stream.DisposeAsync().ConfigureAwait(false);
                else
                {
                    // Our outbound stream ended: the peer is gone for the routers (it can come back with a new connection).
                    List<SubscriptionChange>? changes = null;
                    lock (_gate)
                    {
                        if (_links.TryGetValue(connection.RemotePeer, out var current) && current == link)
                            RemovePeerLocked(connection.RemotePeer, ref changes);
                    }
                    Raise(changes);
                    stream.Abort();
                    await stream.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
    }

    // FIN, then wait (bounded) for the peer to end its side too: disposing a half-open stream resets it, and a reset
    // can discard bytes the peer has not read yet.
    private async Task CloseGracefullyAsync(IDuplexStream stream)
    {
        try
        {
            using var deadline = new Deadline(_host.Options.CloseTimeout, _host.TimeProvider);
            await stream.CloseWriteAsync(deadline.Token).ConfigureAwait(false);
            var sink = new byte[64];
            while (await stream.ReadAsync(sink, deadline.Token).ConfigureAwait(false) > 0) { }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Reset or timed out: nothing more to save.
        }
    }

    private async Task HandleInboundAsync(StreamContext context, CancellationToken hostToken)
    {
        var connection = context.Connection;
        PubSubPeer peer;
        PeerLink link;
        lock (_gate)
        {
            if (_disposed != 0) return;
            peer = GetOrAddPeerLocked(connection, context.Protocol);
            link = _links[peer.Id];
            // One inbound stream per peer: the newest wins (a peer that reopens its stream has given up on the old one).
            link.Inbound?.Abort(new PubSubProtocolException("Replaced by a newer pubsub stream."));
            link.Inbound = context.Stream;
        }
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(hostToken, _shutdown.Token, link.Closed);
        using var reader = new FrameReader(context.Stream, _options.MaxMessageSize);
        try
        {
            while (await reader.ReadFrameAsync(linked.Token).ConfigureAwait(false) is { } frame)
            {
                var rpc = RpcFrames.Decode(frame.Span);
                await HandleRpcAsync(peer, rpc, linked.Token).ConfigureAwait(false);
            }
        }
        catch (PubSubProtocolException e)
        {
            Interlocked.Increment(ref Stats.ProtocolErrors);
            _log.LogDebug(e, "{Peer} broke the pubsub protocol", peer.Id);
            context.Stream.Abort(e);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The stream or the node is closing.
        }
        finally
        {
            lock (_gate)
                if (link.Inbound == context.Stream) link.Inbound = null;
        }
    }

    private PubSubPeer GetOrAddPeerLocked(Connection connection, string protocol)
    {
        var id = connection.RemotePeer;
        if (_state.Peers.TryGetValue(id, out var existing)) return existing;
        // What waits for this peer is charged to its connection (so to it, its address and the node).
        var queue = new PeerOutboundQueue(_options.MaxQueuedBytesPerPeer, _options.MaxQueuedControlFramesPerPeer, _options.MaxMessageSize, Stats, connection.Resources);
        var peer = new PubSubPeer(id, protocol, connection.Direction == ConnectionDirection.Outbound, IpOf(connection.RemoteAddress), queue);
        var link = new PeerLink(connection, queue);
        queue.Overflowed = () => OnControlOverflow(id, link);
        _state.Peers[id] = peer;
        _links[id] = link;
        _router.AddPeer(peer);
        if (_state.MySubscriptions.Count > 0)
        {
            // The hello: every topic we are in.
            var hello = new Pb.RPC();
            foreach (var topic in _state.MySubscriptions) hello.Subscriptions.Add(new Pb.RPC.Types.SubOpts { Subscribe = true, Topicid = topic });
            queue.TrySendControl(hello);
        }
        return peer;
    }

    private void RemovePeerLocked(PeerId id, ref List<SubscriptionChange>? changes)
    {
        if (!_state.Peers.Remove(id, out var peer)) return;
        foreach (var topic in peer.Topics)
        {
            if (_state.TopicPeers.TryGetValue(topic, out var set))
            {
                set.Remove(id);
                if (set.Count == 0 && !_state.MySubscriptions.Contains(topic)) _state.TopicPeers.Remove(topic);
            }
            (changes ??= []).Add(new SubscriptionChange(id, topic, false));
        }
        _router.RemovePeer(peer);
        if (_links.Remove(id, out var link)) link.Close();
    }

    // A peer whose control lane is full is not reading at all: its streams are reset and it is forgotten (it may
    // come back on a new connection).
    private void OnControlOverflow(PeerId id, PeerLink link)
    {
        List<SubscriptionChange>? changes = null;
        lock (_gate)
        {
            if (_links.TryGetValue(id, out var current) && current == link) RemovePeerLocked(id, ref changes);
        }
        Raise(changes);
    }

    private void Raise(List<SubscriptionChange>? changes)
    {
        if (changes is null || SubscriptionChanged is not { } handlers) return;
        foreach (var change in changes)
        {
            try { handlers(change); }
            catch (Exception e) { _log.LogWarning(e, "a SubscriptionChanged handler failed"); }
        }
    }

    private void ConnectToExchangedPeer(PeerId peer)
    {
        if (_disposed != 0 || _host.FindConnection(peer) is not null) return;
        if (Interlocked.Increment(ref _pendingPx) > _options.GossipSub.MaxPendingPxConnections)
        {
            Interlocked.Decrement(ref _pendingPx);
            return;
        }
        _ = DialExchangedAsync(peer);
    }

    private async Task DialExchangedAsync(PeerId peer)
    {
        try
        {
            using var deadline = new Deadline(_host.Options.DialTimeout, _host.TimeProvider, _shutdown.Token);
            await _host.DialAsync(peer, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _log.LogDebug(e, "could not connect to exchanged peer {Peer}", peer);
        }
        finally
        {
            Interlocked.Decrement(ref _pendingPx);
        }
    }

    private static IPAddress? IpOf(Multiaddr address)
    {
        foreach (var c in address.Components)
            if (c.Protocol == MultiaddrProtocol.Ip4 || c.Protocol == MultiaddrProtocol.Ip6) return c.ToIPAddress();
        return null;
    }

    /// <summary>The streams of one peer and its outbound queue.</summary>
    private sealed class PeerLink(Connection connection, PeerOutboundQueue queue)
    {
        private readonly CancellationTokenSource _closed = new();

        public Connection Connection { get; } = connection;
        public PeerOutboundQueue Queue { get; } = queue;
        public IDuplexStream? Outbound;
        public IDuplexStream? Inbound;
        public CancellationToken Closed => _closed.Token;

        /// <summary>Ends the link once what is queued has left (the node is closing).</summary>
        public void Complete()
        {
            Queue.Complete();
            Inbound?.Abort();
            try { _closed.Cancel(); } catch (ObjectDisposedException) { }
        }

        public void Close()
        {
            Queue.Close();
            Inbound?.Abort();
            try { _closed.Cancel(); } catch (ObjectDisposedException) { }
        }
    }
}
