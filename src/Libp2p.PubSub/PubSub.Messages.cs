using System.Buffers.Binary;
using Google.Protobuf;
using Libp2p.Identity;
using Libp2p.PubSub.Pb;
using Libp2p.PubSub.Routing;
using Libp2p.PubSub.Scoring;
using Libp2p.PubSub.Wire;

namespace Libp2p.PubSub;

// Messages in and out: subscriptions and control from an RPC, the validation pipeline (signing policy, signature,
// seen cache, application validators), delivery to our subscribers, and publishing.
public sealed partial class PubSub
{
    private ulong _seqno;
    private int _asyncValidations;

    private async ValueTask HandleRpcAsync(PubSubPeer peer, RPC rpc, CancellationToken ct)
    {
        List<SubscriptionChange>? changes = null;
        List<(Message Wire, PubSubMessage Message)>? candidates = null;
        lock (_gate)
        {
            if (!_state.Peers.TryGetValue(peer.Id, out var current) || current != peer) return;
            if (!_router.AcceptFrom(peer))
            {
                Stats.Graylisted++;
                return;
            }
            foreach (var sub in rpc.Subscriptions) HandleSubscriptionLocked(peer, sub, ref changes);
            int count = 0;
            foreach (var wire in rpc.Publish)
            {
                if (++count > _options.MaxMessagesPerRpc) break;
                Stats.MessagesReceived++;
                if (Screen(peer, wire) is { } message) (candidates ??= []).Add((wire, message));
            }
            if (rpc.Control is { } control) _router.HandleControl(peer, control);
        }
        Raise(changes);
        if (candidates is null) return;
        foreach (var (wire, message) in candidates)
            await ValidateAndDeliverAsync(peer, wire, message, ct).ConfigureAwait(false);
    }

    private void HandleSubscriptionLocked(PubSubPeer peer, RPC.Types.SubOpts sub, ref List<SubscriptionChange>? changes)
    {
        string topic = sub.Topicid;
        if (string.IsNullOrEmpty(topic) || System.Text.Encoding.UTF8.GetByteCount(topic) > _options.MaxTopicLength) return;
        if (sub.Subscribe)
        {
            if (peer.Topics.Contains(topic) || peer.Topics.Count >= _options.MaxSubscriptionsPerPeer) return;
            if (!_state.TopicPeers.TryGetValue(topic, out var set))
            {
                if (_state.TopicPeers.Count >= _options.MaxTopics) return;
                _state.TopicPeers[topic] = set = [];
            }
            set.Add(peer.Id);
            peer.Topics.Add(topic);
            (changes ??= []).Add(new SubscriptionChange(peer.Id, topic, true));
        }
        else
        {
            if (!peer.Topics.Remove(topic)) return;
            if (_state.TopicPeers.TryGetValue(topic, out var set))
            {
                set.Remove(peer.Id);
                if (set.Count == 0 && !_state.MySubscriptions.Contains(topic)) _state.TopicPeers.Remove(topic);
            }
            _router.OnPeerUnsubscribed(peer, topic);
            (changes ??= []).Add(new SubscriptionChange(peer.Id, topic, false));
        }
    }

    /// <summary>
    /// The cheap checks, under the lock: a topic we are in, the id, duplicates (counted for scoring before any
    /// signature is verified, as go does). Returns the message when it needs the full pipeline.
    /// </summary>
    private PubSubMessage? Screen(PubSubPeer peer, Message wire)
    {
        if (!wire.HasTopic || !_state.MySubscriptions.Contains(wire.Topic)) return null;
        PeerId? from = null;
        if (wire.HasFrom && !PeerId.TryFromBytes(wire.From.Span, out from)) from = null;
        var message = new PubSubMessage(wire.Topic, wire.HasData ? wire.Data.ToByteArray() : [], from,
            wire.HasSeqno ? wire.Seqno.ToByteArray() : null, wire.HasSignature ? wire.Signature.ToByteArray() : null,
            wire.HasKey ? wire.Key.ToByteArray() : null, peer.Id, wire.ToByteArray());
        try { message.Id = _messageId(message); }
        catch (Exception) { return null; } // an application id function that cannot handle this message: drop it
        if (_state.Seen.Contains(message.Id))
        {
            Stats.Duplicates++;
            _router.OnDuplicate(peer, message.Topic, message.Id);
            return null;
        }
        return message;
    }

    private async ValueTask ValidateAndDeliverAsync(PubSubPeer peer, Message wire, PubSubMessage message, CancellationToken ct)
    {
        // The signature outside the lock: it is the expensive part.
        var failure = MessageSigning.Check(wire, _options.SignaturePolicy, out var author);
        if (failure == SigningFailure.None && author is not null && author == _state.Self)
            failure = SigningFailure.BadAuthor; // "from us" but we never published it (or it is long forgotten)
        MessageValidator[]? validators;
        lock (_gate)
        {
            if (failure != SigningFailure.None)
            {
                Stats.Rejected++;
                _router.OnRejected(message, RejectReason.InvalidSignature);
                return;
            }
            switch (_state.Seen.TryAdd(message.Id))
            {
                case Caches.SeenResult.Duplicate:
                    Stats.Duplicates++;
                    _router.OnDuplicate(peer, message.Topic, message.Id);
                    return;
                case Caches.SeenResult.NoMemory:
                    Stats.DroppedForMemory++;
                    return;
            }
            _router.OnValidating(message);
            _validators.TryGetValue(message.Topic, out validators);
        }
        var (result, throttled) = validators is null ? (ValidationResult.Accept, false) : await RunValidatorsAsync(validators, message, throttle: true, ct).ConfigureAwait(false);
        lock (_gate)
        {
            switch (result)
            {
                case ValidationResult.Accept:
                    if (!_router.OnDelivered(message))
                    {
                        // The node cannot hold it (pubsub's memory is full): neither forwarded nor delivered.
                        Stats.DroppedForMemory++;
                        break;
                    }
                    Stats.MessagesDelivered++;
                    DeliverLocally(message);
                    break;
                case ValidationResult.Reject:
                    Stats.Rejected++;
                    _router.OnRejected(message, RejectReason.ValidationFailed);
                    break;
                default:
                    Stats.Ignored++;
                    _router.OnRejected(message, throttled ? RejectReason.Throttled : RejectReason.Ignored);
                    break;
            }
        }
    }

    /// <summary>
    /// Runs the topic's validators: synchronous ones inline; the first that does not complete at once switches to
    /// the bounded asynchronous path (a slot among <see cref="PubSubOptions.MaxConcurrentValidations"/>, and
    /// <see cref="PubSubOptions.ValidationTimeout"/> for all). Reject wins over ignore, ignore over accept.
    /// </summary>
    private async ValueTask<(ValidationResult Result, bool Throttled)> RunValidatorsAsync(MessageValidator[] validators, PubSubMessage message, bool throttle, CancellationToken ct)
    {
        var result = ValidationResult.Accept;
        int i = 0;
        for (; i < validators.Length; i++)
        {
            ValueTask<ValidationResult> pending;
            try { pending = validators[i](message.ReceivedFrom, message, ct); }
            catch (Exception) { return (ValidationResult.Reject, false); } // a validator that throws judges the message invalid
            if (!pending.IsCompleted) return await RunAsyncValidatorsAsync(pending, validators, i, message, result, throttle, ct).ConfigureAwait(false);
            result = Combine(result, Result(pending));
            if (result == ValidationResult.Reject) return (result, false);
        }
        return (result, false);
    }

    private async ValueTask<(ValidationResult Result, bool Throttled)> RunAsyncValidatorsAsync(ValueTask<ValidationResult> pending, MessageValidator[] validators, int index,
        PubSubMessage message, ValidationResult soFar, bool throttle, CancellationToken ct)
    {
        if (throttle && Interlocked.Increment(ref _asyncValidations) > _options.MaxConcurrentValidations)
        {
            Interlocked.Decrement(ref _asyncValidations);
            _ = pending.AsTask(); // let it finish on its own; its answer no longer matters
            return (ValidationResult.Ignore, true);
        }
        try
        {
            using var deadline = new Core.Deadline(_options.ValidationTimeout, _host.TimeProvider, ct);
            var result = soFar;
            for (int i = index; i < validators.Length; i++)
            {
                if (i > index) pending = validators[i](message.ReceivedFrom, message, deadline.Token);
                try { result = Combine(result, await pending.AsTask().WaitAsync(deadline.Token).ConfigureAwait(false)); }
                catch (OperationCanceledException) when (deadline.Expired) { return (ValidationResult.Ignore, true); }
                catch (OperationCanceledException) when (ct.IsCancellationRequested) { throw; }
                catch (Exception) { return (ValidationResult.Reject, false); }
                if (result == ValidationResult.Reject) return (result, false);
            }
            return (result, false);
        }
        finally
        {
            if (throttle) Interlocked.Decrement(ref _asyncValidations);
        }
    }

    private static ValidationResult Result(ValueTask<ValidationResult> completed)
    {
        try { return completed.Result; }
        catch (Exception) { return ValidationResult.Reject; }
    }

    private static ValidationResult Combine(ValidationResult a, ValidationResult b) =>
        a == ValidationResult.Reject || b == ValidationResult.Reject ? ValidationResult.Reject
        : a == ValidationResult.Ignore || b == ValidationResult.Ignore ? ValidationResult.Ignore
        : ValidationResult.Accept;

    private void DeliverLocally(PubSubMessage message)
    {
        if (!_subscriptions.TryGetValue(message.Topic, out var subscriptions)) return;
        foreach (var s in subscriptions) s.Deliver(message);
    }

    /// <summary>
    /// Publishes <paramref name="data"/> to <paramref name="topic"/> (subscribed or not): signed under
    /// <see cref="SignaturePolicy.StrictSign"/>, checked by our own validators, then sent to the topic's peers (flood
    /// publishing, the mesh, or fanout). Returns the message as sent.
    /// </summary>
    /// <exception cref="PubSubPublishException">Too large, or refused by a validator.</exception>
    public async ValueTask<PubSubMessage> PublishAsync(string topic, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        CheckTopic(topic);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var wire = new Message { Topic = topic, Data = ByteString.CopyFrom(data.Span) };
        PeerId? from = null;
        if (_options.SignaturePolicy == SignaturePolicy.StrictSign)
        {
            from = _host.PeerId;
            var seqno = new byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(seqno, Interlocked.Increment(ref _seqno));
            wire.From = ByteString.CopyFrom(from.Bytes);
            wire.Seqno = ByteString.CopyFrom(seqno);
            MessageSigning.Sign(wire, _host.Identity, from);
        }
        var bytes = wire.ToByteArray();
        int frame = RpcFrames.MessageFrameSize(bytes.Length);
        if (frame > _options.MaxMessageSize)
            throw new PubSubPublishException($"The message needs a {frame}-byte frame; at most {_options.MaxMessageSize} are sent (MaxMessageSize).");
        var message = new PubSubMessage(topic, data.ToArray(), from, wire.HasSeqno ? wire.Seqno.ToByteArray() : null,
            wire.HasSignature ? wire.Signature.ToByteArray() : null, wire.HasKey ? wire.Key.ToByteArray() : null, _host.PeerId, bytes);
        message.Id = _messageId(message);

        MessageValidator[]? validators;
        lock (_gate) _validators.TryGetValue(topic, out validators);
        if (validators is not null)
        {
            var (verdict, _) = await RunValidatorsAsync(validators, message, throttle: false, cancellationToken).ConfigureAwait(false);
            if (verdict != ValidationResult.Accept)
                throw new PubSubPublishException($"Our own validator said {verdict.ToString().ToLowerInvariant()} to the message.");
        }
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            switch (_state.Seen.TryAdd(message.Id))
            {
                case Caches.SeenResult.Duplicate:
                    throw new PubSubPublishException($"A message with id {message.Id} was published or seen already (the message-id function maps both to one id).");
                case Caches.SeenResult.NoMemory:
                    Stats.DroppedForMemory++;
                    throw new PubSubPublishException($"The node cannot hold the message: {_memory.Name} is at its memory limit ({_memory.MemoryLimit} bytes).");
            }
            if (!_router.Publish(message))
            {
                Stats.DroppedForMemory++;
                throw new PubSubPublishException($"The node cannot hold the message: {_memory.Name} is at its memory limit ({_memory.MemoryLimit} bytes).");
            }
            Stats.Published++;
            if (_options.DeliverOwnMessages) DeliverLocally(message);
        }
        return message;
    }
}
