using System.Text;
using Google.Protobuf;
using Libp2p.Identity;
using WireMessage = Libp2p.PubSub.Pb.Message;

namespace Libp2p.PubSub;

/// <summary>Why a message was refused before any validator saw it.</summary>
internal enum SigningFailure { None, MissingSignature, InvalidSignature, UnexpectedSignature, UnexpectedAuthInfo, BadAuthor }

/// <summary>
/// Message signing (pubsub spec, "Message Signing"): the signature covers <c>"libp2p-pubsub:"</c> followed by the
/// protobuf <c>Message</c> without its <c>signature</c> and <c>key</c> fields; <c>key</c> is sent only when the author's
/// peer id does not inline its public key, and must then match <c>from</c>.
/// </summary>
internal static class MessageSigning
{
    private static readonly byte[] Prefix = Encoding.ASCII.GetBytes("libp2p-pubsub:");

    /// <summary>Signs <paramref name="message"/> in place with <paramref name="key"/> (its from/seqno/data/topic are set).</summary>
    public static void Sign(WireMessage message, PrivateKey key, PeerId self)
    {
        byte[] signed = SignedBytes(message);
        message.Signature = ByteString.CopyFrom(key.Sign(signed));
        if (!self.HasInlinePublicKey)
            message.Key = ByteString.CopyFrom(key.PublicKey.ToProtobuf());
    }

    /// <summary>Checks <paramref name="message"/> against <paramref name="policy"/>; on success returns the author (null when unsigned).</summary>
    public static SigningFailure Check(WireMessage message, SignaturePolicy policy, out PeerId? author)
    {
        author = null;
        if (policy == SignaturePolicy.StrictNoSign)
        {
            if (message.HasSignature) return SigningFailure.UnexpectedSignature;
            if (message.HasFrom || message.HasSeqno || message.HasKey) return SigningFailure.UnexpectedAuthInfo;
            return SigningFailure.None;
        }
        if (!message.HasSignature || message.Signature.IsEmpty) return SigningFailure.MissingSignature;
        if (!message.HasFrom || !PeerId.TryFromBytes(message.From.Span, out var from)) return SigningFailure.BadAuthor;
        if (!message.HasSeqno || message.Seqno.Length != 8) return SigningFailure.BadAuthor;
        PublicKey? publicKey;
        try
        {
            if (message.HasKey && !message.Key.IsEmpty)
            {
                publicKey = PublicKey.FromProtobuf(message.Key.Span);
                if (!from.Matches(publicKey)) return SigningFailure.InvalidSignature;
            }
            else
            {
                publicKey = from.TryGetPublicKey();
                if (publicKey is null) return SigningFailure.InvalidSignature;
            }
        }
        catch (KeyFormatException)
        {
            return SigningFailure.InvalidSignature;
        }
        var unsigned = message.Clone();
        unsigned.ClearSignature();
        unsigned.ClearKey();
        bool ok;
        try { ok = publicKey.Verify(SignedBytes(unsigned), message.Signature.Span); }
        catch (Exception e) when (e is ArgumentException or KeyFormatException or System.Security.Cryptography.CryptographicException) { ok = false; }
        if (!ok) return SigningFailure.InvalidSignature;
        author = from;
        return SigningFailure.None;
    }

    private static byte[] SignedBytes(WireMessage unsigned)
    {
        int size = unsigned.CalculateSize();
        var buffer = new byte[Prefix.Length + size];
        Prefix.CopyTo(buffer, 0);
        unsigned.WriteTo(buffer.AsSpan(Prefix.Length));
        return buffer;
    }
}
