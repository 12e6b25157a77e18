using System.Buffers.Binary;
using System.Security.Cryptography;
using Libp2p.Core;
using Libp2p.Crypto;
using Libp2p.Identity;

namespace Libp2p.Noise;

/// <summary>
/// The libp2p Noise handshake (libp2p/specs noise/README.md): Noise_XX_25519_ChaChaPoly_SHA256, empty prologue,
/// every message behind a 2-byte big-endian length. Message 2 carries the responder's signed identity, message 3
/// the initiator's; each binds the libp2p identity key to the sender's Noise static key. Both lists of stream
/// muxers ride along (inlined muxer negotiation) so the connection usually needs no multistream-select for the muxer.
/// On failure the inner stream is left as it is: the caller owns it and closes it.
/// </summary>
internal static class NoiseHandshake
{
    public const string ProtocolId = "/noise";

    private static ReadOnlySpan<byte> SignaturePrefix => "noise-libp2p-static-key:"u8;

    /// <summary>Dialer side. Checks the remote's peer id against <paramref name="expectedRemote"/> when given.</summary>
    /// <exception cref="NoiseHandshakeException">The handshake failed.</exception>
    /// <exception cref="PeerIdMismatchException">The remote is not <paramref name="expectedRemote"/>.</exception>
    public static ValueTask<NoiseConnection> InitiateAsync(IDuplexStream inner, PrivateKey identity, PeerId? expectedRemote, IReadOnlyList<string> muxers, CancellationToken ct = default)
        => InitiateAsync(inner, identity, expectedRemote, muxers, CryptoProvider.Default, ct);

    /// <summary>Listener side.</summary>
    /// <exception cref="NoiseHandshakeException">The handshake failed.</exception>
    public static ValueTask<NoiseConnection> RespondAsync(IDuplexStream inner, PrivateKey identity, IReadOnlyList<string> muxers, CancellationToken ct = default)
        => RespondAsync(inner, identity, muxers, CryptoProvider.Default, ct);

    internal static async ValueTask<NoiseConnection> InitiateAsync(IDuplexStream inner, PrivateKey identity, PeerId? expectedRemote, IReadOnlyList<string> muxers, CryptoProvider crypto, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(muxers);
        using var state = NewState(initiator: true, crypto);

        await WriteFrameAsync(inner, state.WriteMessage([]), ct).ConfigureAwait(false);
        var remote = Verify(state.ReadMessage(await ReadFrameAsync(inner, ct).ConfigureAwait(false)), state.RemoteStaticPublicKey);
        // Refuse before proving our own identity to the wrong peer.
        if (expectedRemote is not null && expectedRemote != remote.PeerId)
            throw new PeerIdMismatchException(expectedRemote, remote.PeerId);
        string? muxer = SelectMuxer(initiatorList: muxers, responderList: remote.Muxers);
        await WriteFrameAsync(inner, state.WriteMessage(BuildPayload(identity, state.LocalStaticPublicKey, muxers)), ct).ConfigureAwait(false);

        var (send, receive) = state.Split();
        return new NoiseConnection(inner, send, receive, remote.PeerId, remote.Key, muxer);
    }

    internal static async ValueTask<NoiseConnection> RespondAsync(IDuplexStream inner, PrivateKey identity, IReadOnlyList<string> muxers, CryptoProvider crypto, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(muxers);
        using var state = NewState(initiator: false, crypto);

        // Message 1's payload is empty in libp2p; anything there is ignored.
        state.ReadMessage(await ReadFrameAsync(inner, ct).ConfigureAwait(false));
        await WriteFrameAsync(inner, state.WriteMessage(BuildPayload(identity, state.LocalStaticPublicKey, muxers)), ct).ConfigureAwait(false);
        var remote = Verify(state.ReadMessage(await ReadFrameAsync(inner, ct).ConfigureAwait(false)), state.RemoteStaticPublicKey);
        string? muxer = SelectMuxer(initiatorList: remote.Muxers, responderList: muxers);

        var (send, receive) = state.Split();
        return new NoiseConnection(inner, send, receive, remote.PeerId, remote.Key, muxer);
    }

    /// <summary>
    /// Inlined muxer negotiation (connections/inlined-muxer-negotiation.md): the first entry of the initiator's
    /// list that the responder also supports. When either side sent no list the answer is null and the caller
    /// negotiates the muxer with multistream-select; two lists without overlap fail the handshake (the spec's MUST).
    /// </summary>
    /// <remarks>
    /// js-libp2p (@libp2p/noise 17) differs: each side walks the REMOTE's list and takes the first entry it supports,
    /// so a js initiator follows the responder's order. Both agree whenever the two sides share one muxer or the
    /// same order (in practice: yamux only); with different orders a js initiator and a spec responder could
    /// disagree, and we keep to the spec.
    /// </remarks>
    internal static string? SelectMuxer(IReadOnlyList<string> initiatorList, IReadOnlyList<string> responderList)
    {
        if (initiatorList.Count == 0 || responderList.Count == 0) return null;
        foreach (var m in initiatorList)
            if (responderList.Contains(m)) return m;
        throw new NoiseHandshakeException($"No common stream muxer: initiator offers [{string.Join(", ", initiatorList)}], responder [{string.Join(", ", responderList)}].");
    }

    private static NoiseXXHandshakeState NewState(bool initiator, CryptoProvider crypto)
    {
        // A fresh Noise static key per connection: the libp2p identity signature is what makes it trusted.
        return new NoiseXXHandshakeState(initiator, crypto, crypto.GenerateX25519KeyPair(), prologue: []);
    }

    internal static byte[] BuildPayload(PrivateKey identity, ReadOnlySpan<byte> noiseStaticPublicKey, IReadOnlyList<string> muxers)
    {
        return new NoiseHandshakePayload
        {
            IdentityKey = identity.PublicKey.ToProtobuf(),
            IdentitySignature = identity.Sign(SignedData(noiseStaticPublicKey)),
            StreamMuxers = muxers,
        }.Encode();
    }

    private static byte[] SignedData(ReadOnlySpan<byte> noiseStaticPublicKey) => [.. SignaturePrefix, .. noiseStaticPublicKey];

    private static (PublicKey Key, PeerId PeerId, IReadOnlyList<string> Muxers) Verify(byte[] payloadBytes, ReadOnlySpan<byte> remoteStatic)
    {
        var payload = NoiseHandshakePayload.Decode(payloadBytes);
        if (payload.IdentityKey.Length == 0) throw new NoiseHandshakeException("The remote sent no identity key.");
        PublicKey key;
        try { key = PublicKey.FromProtobuf(payload.IdentityKey); }
        catch (KeyFormatException e) { throw new NoiseHandshakeException($"The remote identity key is invalid: {e.Message}", e); }
        if (!key.Verify(SignedData(remoteStatic), payload.IdentitySignature))
            throw new NoiseHandshakeException("The remote's identity signature over its Noise static key does not verify.");
        return (key, key.ToPeerId(), payload.StreamMuxers);
    }

    private static async ValueTask WriteFrameAsync(IDuplexStream inner, byte[] message, CancellationToken ct)
    {
        if (message.Length > NoiseConnection.MaxFrameLength)
            throw new NoiseHandshakeException("A handshake message would exceed 65535 bytes.");
        var frame = new byte[2 + message.Length];
        BinaryPrimitives.WriteUInt16BigEndian(frame, (ushort)message.Length);
        message.CopyTo(frame, 2);
        await inner.WriteAsync(frame, ct).ConfigureAwait(false);
    }

    // Exact reads: bytes after the last handshake message (the initiator may send data at once) stay in the
    // inner stream for the NoiseConnection to read.
    private static async ValueTask<byte[]> ReadFrameAsync(IDuplexStream inner, CancellationToken ct)
    {
        try
        {
            var prefix = new byte[2];
            await inner.ReadExactlyAsync(prefix, ct).ConfigureAwait(false);
            var message = new byte[BinaryPrimitives.ReadUInt16BigEndian(prefix)];
            await inner.ReadExactlyAsync(message, ct).ConfigureAwait(false);
            return message;
        }
        catch (EndOfStreamException e)
        {
            throw new NoiseHandshakeException("The connection closed during the Noise handshake.", e);
        }
    }
}
