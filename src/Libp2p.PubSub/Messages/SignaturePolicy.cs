namespace Libp2p.PubSub;

/// <summary>How messages are authored and what is accepted (go-libp2p-pubsub's MessageSignaturePolicy, js's globalSignaturePolicy).</summary>
public enum SignaturePolicy
{
    /// <summary>Every message carries <c>from</c>, <c>seqno</c> and a signature (and the key when the peer id does not inline it); unsigned or badly signed messages are rejected. The default.</summary>
    StrictSign,

    /// <summary>Messages carry none of <c>from</c>, <c>seqno</c>, <c>signature</c>, <c>key</c>; a message with any of them is rejected. Use a content-based message id.</summary>
    StrictNoSign,
}
