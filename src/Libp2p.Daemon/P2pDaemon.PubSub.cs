using Libp2p.Core;
using Libp2p.Daemon.Control;
using Libp2p.Daemon.Pb;
using Libp2p.PubSub;

namespace Libp2p.Daemon;

// Pubsub for the PUBSUB request family: the node's router (the daemon does not own it) and the subscriptions
// clients hold, each a former control connection that now carries one PSMessage per message of its topic.
public sealed partial class P2pDaemon
{
    private int _subscriptions;

    /// <summary>
    /// The pubsub router PUBSUB requests go to; null (the default) answers them "unsupported". The caller owns it and
    /// disposes it after the daemon (which ends every subscription it streams).
    /// </summary>
    public Libp2p.PubSub.PubSub? PubSub { get; init; }

    /// <summary>Subscriptions streaming to clients right now (SUBSCRIBE requests whose connection is still open).</summary>
    public int Subscriptions => Volatile.Read(ref _subscriptions);

    internal bool TryEnterSubscription()
    {
        if (Interlocked.Increment(ref _subscriptions) <= Options.MaxSubscriptions) return true;
        Interlocked.Decrement(ref _subscriptions);
        return false;
    }

    internal void ExitSubscription() => Interlocked.Decrement(ref _subscriptions);

    /// <summary>
    /// Writes each message of <paramref name="subscription"/> to the client as a varint-delimited PSMessage until the
    /// client closes its side (go-libp2p-daemon's unsubscribe), a write fails, the subscription ends (the router is
    /// disposed) or the daemon stops. What the client sends meanwhile is read and discarded (go logs and ignores it).
    /// A client that does not read holds one write; the subscription's own bounded buffer drops what comes after.
    /// </summary>
    internal async Task StreamSubscriptionAsync(IDuplexStream client, Subscription subscription, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct, _shutdown.Token);
        var watching = WatchForCloseAsync(client, stop);
        try
        {
            while (await subscription.Messages.WaitToReadAsync(stop.Token).ConfigureAwait(false))
            {
                while (subscription.Messages.TryRead(out var message))
                    await client.WriteAsync(ControlCodec.Frame(ToPSMessage(message)), stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The client left, or the daemon is stopping.
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            Log.SubscriptionEnded(subscription.Topic, e);
        }
        finally
        {
            stop.Cancel();
            await watching.ConfigureAwait(false);
        }
    }

    // Reads (and drops) whatever the client sends until it closes its side or the stream fails; then ends the stream.
    private static async Task WatchForCloseAsync(IDuplexStream client, CancellationTokenSource stop)
    {
        var sink = new byte[256];
        try
        {
            while (await client.ReadAsync(sink, stop.Token).ConfigureAwait(false) > 0) { }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Reset, disposed, or cancelled because the subscription ended first.
        }
        try { stop.Cancel(); } catch (ObjectDisposedException) { }
    }

    /// <summary>A message as go-libp2p-daemon streams it: the fields as received (absent ones left out) and the topic.</summary>
    internal static PSMessage ToPSMessage(PubSubMessage message)
    {
        var ps = new PSMessage { Data = Google.Protobuf.ByteString.CopyFrom(message.Data.Span), TopicIDs = { message.Topic } };
        if (message.From is { } from) ps.From = Responses.Bytes(from);
        if (message.Seqno is { } seqno) ps.Seqno = Google.Protobuf.ByteString.CopyFrom(seqno.Span);
        if (message.Signature is { } signature) ps.Signature = Google.Protobuf.ByteString.CopyFrom(signature.Span);
        if (message.Key is { } key) ps.Key = Google.Protobuf.ByteString.CopyFrom(key.Span);
        return ps;
    }
}
