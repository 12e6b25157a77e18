using System.Security.Cryptography;

namespace Libp2p.PubSub;

/// <summary>Computes a message's id; must be deterministic and must not throw for a message that passed the signing policy.</summary>
public delegate MessageId MessageIdFunction(PubSubMessage message);

/// <summary>The message-id functions in use in the field.</summary>
public static class MessageIdFunctions
{
    /// <summary>
    /// The pubsub spec's and go-libp2p-pubsub's default: the author's peer id bytes followed by the seqno bytes.
    /// Unsigned messages (no <c>from</c>, no <c>seqno</c>) fall back to <see cref="ContentHash"/>.
    /// </summary>
    public static MessageId FromAndSeqno(PubSubMessage message)
    {
        if (message.From is null && message.Seqno is null) return ContentHash(message);
        var from = message.From is { } f ? f.Bytes : default;
        var seqno = message.Seqno is { } s ? s.Span : default;
        var id = new byte[from.Length + seqno.Length];
        from.CopyTo(id);
        seqno.CopyTo(id.AsSpan(from.Length));
        return new MessageId(id);
    }

    /// <summary>
    /// js-libp2p's default (<c>@libp2p/gossipsub</c> <c>msgIdFnStrictSign</c>): the author's public key (protobuf)
    /// followed by the seqno. For an Ed25519 author this is <see cref="FromAndSeqno"/> without the peer id's 2-byte
    /// identity-multihash prefix. Use it where gossip (IHAVE/IWANT, IDONTWANT) must match js-libp2p's ids.
    /// </summary>
    public static MessageId JsLibp2p(PubSubMessage message)
    {
        if (message.From is null && message.Seqno is null) return ContentHash(message);
        ReadOnlySpan<byte> key = message.Key is { } k ? k.Span
            : message.From is { HasInlinePublicKey: true } f ? f.InlinePublicKeyBytes
            : message.From is { } other ? other.Bytes : default;
        var seqno = message.Seqno is { } s ? s.Span : default;
        var id = new byte[key.Length + seqno.Length];
        key.CopyTo(id);
        seqno.CopyTo(id.AsSpan(key.Length));
        return new MessageId(id);
    }

    /// <summary>SHA-256 of the data: for <see cref="SignaturePolicy.StrictNoSign"/> networks (js-libp2p's <c>msgIdFnStrictNoSign</c>).</summary>
    public static MessageId ContentHash(PubSubMessage message) => new(SHA256.HashData(message.Data.Span));
}
