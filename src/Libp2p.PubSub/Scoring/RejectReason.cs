namespace Libp2p.PubSub.Scoring;

/// <summary>Why a message was not delivered; decides who is penalized (go-libp2p-pubsub's Reject* reasons).</summary>
internal enum RejectReason
{
    /// <summary>A validator rejected it: the sender and everyone who forwarded it meanwhile earn P4.</summary>
    ValidationFailed,
    /// <summary>Signature missing/invalid/unexpected or a bad author: only the sender earns P4 (the id cannot be trusted).</summary>
    InvalidSignature,
    /// <summary>A validator said ignore: nobody is penalized.</summary>
    Ignored,
    /// <summary>Validation could not run (timeout, too many at once): nobody is penalized.</summary>
    Throttled,
}
