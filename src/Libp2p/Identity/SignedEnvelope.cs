using Google.Protobuf;
using Libp2p.Multiformats;
using EnvelopeMessage = Libp2p.Identity.Pb.Envelope;

namespace Libp2p.Identity;

/// <summary>
/// A signed envelope (libp2p RFC 0002): a payload, its type (a multicodec, as bytes) and the signer's public key, signed
/// over a domain string so that a signature made for one purpose cannot be replayed for another. Signed peer records and
/// circuit relay v2 reservation vouchers travel in these.
/// </summary>
public sealed class SignedEnvelope
{
    private SignedEnvelope(PublicKey publicKey, byte[] payloadType, byte[] payload, byte[] signature)
    {
        PublicKey = publicKey;
        PayloadType = payloadType;
        Payload = payload;
        Signature = signature;
    }

    /// <summary>The signer's key; <see cref="Signer"/> is its peer id.</summary>
    public PublicKey PublicKey { get; }

    /// <summary>The peer id of the signing key.</summary>
    public PeerId Signer => PublicKey.ToPeerId();

    /// <summary>The payload type (a multicodec), which says how to read <see cref="Payload"/>.</summary>
    public ReadOnlyMemory<byte> PayloadType { get; }

    /// <summary>The signed payload.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>The signature over the domain, the payload type and the payload.</summary>
    public ReadOnlyMemory<byte> Signature { get; }

    /// <summary>Signs <paramref name="payload"/> of type <paramref name="payloadType"/> under <paramref name="domain"/> with <paramref name="key"/>.</summary>
    public static SignedEnvelope Seal(PrivateKey key, string domain, ReadOnlySpan<byte> payloadType, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrEmpty(domain);
        byte[] signature = key.Sign(SignedBytes(domain, payloadType, payload));
        return new SignedEnvelope(key.PublicKey, payloadType.ToArray(), payload.ToArray(), signature);
    }

    /// <summary>
    /// Decodes an envelope and checks its signature under <paramref name="domain"/>. The caller bounds the input's size
    /// (the protocol's message limit) and then checks <see cref="PayloadType"/> and what the payload says of the signer.
    /// </summary>
    /// <exception cref="SignedEnvelopeException">Malformed, an unknown key, or a signature that does not verify.</exception>
    public static SignedEnvelope Open(ReadOnlySpan<byte> encoded, string domain)
    {
        ArgumentException.ThrowIfNullOrEmpty(domain);
        EnvelopeMessage message;
        PublicKey key;
        try
        {
            message = EnvelopeMessage.Parser.ParseFrom(encoded);
            key = PublicKey.FromProtobuf(message.PublicKey.Span);
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or KeyFormatException)
        {
            throw new SignedEnvelopeException($"Malformed signed envelope: {e.Message}", e);
        }
        if (message.PayloadType.IsEmpty)
            throw new SignedEnvelopeException("The signed envelope has no payload type.");
        bool valid;
        try { valid = key.Verify(SignedBytes(domain, message.PayloadType.Span, message.Payload.Span), message.Signature.Span); }
        catch (Exception e) when (e is FormatException or ArgumentException or System.Security.Cryptography.CryptographicException)
        {
            valid = false;
        }
        if (!valid)
            throw new SignedEnvelopeException($"The signed envelope's signature does not verify for domain '{domain}' and key {key.ToPeerId()}.");
        return new SignedEnvelope(key, message.PayloadType.ToByteArray(), message.Payload.ToByteArray(), message.Signature.ToByteArray());
    }

    /// <summary>The envelope's protobuf encoding.</summary>
    public byte[] ToBytes() => new EnvelopeMessage
    {
        PublicKey = ByteString.CopyFrom(PublicKey.ToProtobuf()),
        PayloadType = ByteString.CopyFrom(PayloadType.Span),
        Payload = ByteString.CopyFrom(Payload.Span),
        Signature = ByteString.CopyFrom(Signature.Span),
    }.ToByteArray();

    // What is signed: each of domain, type and payload prefixed with its varint length (RFC 0002).
    private static byte[] SignedBytes(string domain, ReadOnlySpan<byte> payloadType, ReadOnlySpan<byte> payload)
    {
        int domainLength = System.Text.Encoding.UTF8.GetByteCount(domain);
        var bytes = new byte[Varint.GetLength((ulong)domainLength) + domainLength
            + Varint.GetLength((ulong)payloadType.Length) + payloadType.Length
            + Varint.GetLength((ulong)payload.Length) + payload.Length];
        var span = bytes.AsSpan();
        int at = Varint.Write((ulong)domainLength, span);
        at += System.Text.Encoding.UTF8.GetBytes(domain, span[at..]);
        at += Varint.Write((ulong)payloadType.Length, span[at..]);
        payloadType.CopyTo(span[at..]);
        at += payloadType.Length;
        at += Varint.Write((ulong)payload.Length, span[at..]);
        payload.CopyTo(span[at..]);
        return bytes;
    }
}

/// <summary>A signed envelope is malformed or its signature does not verify (<see cref="Libp2pError.ProtocolViolation"/>).</summary>
public sealed class SignedEnvelopeException(string message, Exception? inner = null)
    : Libp2pException(Libp2pError.ProtocolViolation, message, inner);
