using Libp2p.Identity;

namespace Libp2p.PubSub;

/// <summary>What a validator decides about a message (gossipsub v1.1 "Extended Validators").</summary>
public enum ValidationResult
{
    /// <summary>Valid: delivered and forwarded.</summary>
    Accept,
    /// <summary>Invalid: dropped, and the peers that sent it are penalized (P4).</summary>
    Reject,
    /// <summary>Dropped without penalty (e.g. not ready to judge it).</summary>
    Ignore,
}

/// <summary>
/// An application validator for a topic. Return a completed <see cref="ValueTask{T}"/> to validate synchronously;
/// an asynchronous one is bounded by <see cref="PubSubOptions.ValidationTimeout"/> (past it: ignore).
/// <paramref name="receivedFrom"/> is our own id for messages we publish.
/// </summary>
public delegate ValueTask<ValidationResult> MessageValidator(PeerId receivedFrom, PubSubMessage message, CancellationToken cancellationToken);

/// <summary>A peer subscribed to or left a topic.</summary>
public sealed record SubscriptionChange(PeerId Peer, string Topic, bool Subscribed);
