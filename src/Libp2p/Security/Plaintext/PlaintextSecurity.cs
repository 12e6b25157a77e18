using Google.Protobuf;
using Libp2p.Core;
using Libp2p.Identity;
using Libp2p.Multiformats;
using Libp2p.Noise;
using Exchange = Libp2p.Security.Plaintext.Pb.Exchange;

namespace Libp2p.Security.Plaintext;

/// <summary>
/// <c>/plaintext/2.0.0</c> (libp2p/specs plaintext): both sides send an <c>Exchange{id, pubkey}</c> behind an unsigned
/// varint length and check that the other's id is the one its key derives; the dialer also checks it against the
/// peer it meant to reach. Nothing is encrypted or authenticated afterwards: anyone on the path can read, change or
/// impersonate. For tests and the interop suite only; never in <see cref="Host.HostOptions.SecurityProtocols"/> by default.
/// </summary>
public sealed class PlaintextSecurity : ISecurityProtocol
{
    /// <summary>The protocol id, <c>/plaintext/2.0.0</c>.</summary>
    public const string Id = "/plaintext/2.0.0";

    /// <summary>
    /// Largest Exchange accepted. A peer id (≤ 38 bytes) and a key: an 8192-bit RSA key's protobuf is ~1.1 KiB.
    /// </summary>
    public const int MaxExchangeLength = 4096;

    /// <inheritdoc/>
    public string ProtocolId => Id;

    /// <exception cref="SecurityHandshakeException">The remote's Exchange is malformed or its id does not match its key.</exception>
    /// <exception cref="PeerIdMismatchException">The remote is not <see cref="SecurityUpgradeContext.ExpectedRemote"/>.</exception>
    public ValueTask<SecuredConnection> SecureOutboundAsync(IDuplexStream connection, SecurityUpgradeContext context, CancellationToken cancellationToken = default)
        => ExchangeAsync(connection, context, cancellationToken);

    /// <exception cref="SecurityHandshakeException">The remote's Exchange is malformed or its id does not match its key.</exception>
    public ValueTask<SecuredConnection> SecureInboundAsync(IDuplexStream connection, SecurityUpgradeContext context, CancellationToken cancellationToken = default)
        => ExchangeAsync(connection, context, cancellationToken);

    private static async ValueTask<SecuredConnection> ExchangeAsync(IDuplexStream connection, SecurityUpgradeContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(context);
        // Both sides write first (the spec: "both peers immediately send"), then read.
        await connection.WriteAsync(Encode(context.Identity.PublicKey), ct).ConfigureAwait(false);
        var (peer, key) = Verify(await ReadExchangeAsync(connection, ct).ConfigureAwait(false));
        if (context.ExpectedRemote is { } expected && expected != peer)
            throw new PeerIdMismatchException(expected, peer);
        return new SecuredConnection(connection, peer, key, Id, Muxer: null);
    }

    /// <summary>One length-prefixed Exchange carrying <paramref name="key"/> and its peer id.</summary>
    internal static byte[] Encode(PublicKey key)
    {
        var message = new Exchange
        {
            Id = ByteString.CopyFrom(key.ToPeerId().Bytes),
            Pubkey = ByteString.CopyFrom(key.ToProtobuf()),
        };
        int size = message.CalculateSize();
        var frame = new byte[Varint.GetLength((ulong)size) + size];
        int prefix = Varint.Write((ulong)size, frame);
        message.WriteTo(frame.AsSpan(prefix));
        return frame;
    }

    /// <summary>The peer id and key of a decoded Exchange; anything inconsistent is a <see cref="SecurityHandshakeException"/>.</summary>
    internal static (PeerId Peer, PublicKey Key) Verify(Exchange exchange)
    {
        if (!exchange.HasPubkey || exchange.Pubkey.IsEmpty) throw Fail("The remote's Exchange carries no public key.");
        if (!exchange.HasId || exchange.Id.IsEmpty) throw Fail("The remote's Exchange carries no peer id.");
        PublicKey key;
        try { key = PublicKey.FromProtobuf(exchange.Pubkey.Span); }
        catch (KeyFormatException e) { throw Fail($"The remote's public key is invalid or of an unsupported type: {e.Message}", e); }
        var derived = key.ToPeerId();
        if (!derived.Bytes.SequenceEqual(exchange.Id.Span))
        {
            string claimed = PeerId.TryFromBytes(exchange.Id.Span, out var c) ? c.ToString() : Convert.ToHexString(exchange.Id.Span);
            throw Fail($"The remote's peer id {claimed} does not match its public key, which is peer {derived}.");
        }
        return (derived, key);
    }

    // The length is read a byte at a time and the message exactly: what follows belongs to the muxer.
    private static async ValueTask<Exchange> ReadExchangeAsync(IDuplexStream connection, CancellationToken ct)
    {
        var one = new byte[1];
        ulong length = 0;
        for (int shift = 0; ; shift += 7)
        {
            if (await connection.ReadAsync(one, ct).ConfigureAwait(false) == 0)
                throw Fail("The connection closed before the remote's Exchange.");
            length |= (ulong)(one[0] & 0x7f) << shift;
            if (length > MaxExchangeLength) throw Fail($"The remote's Exchange is longer than {MaxExchangeLength} bytes.");
            if ((one[0] & 0x80) == 0) break;
            if (shift >= 14) throw Fail($"The remote's Exchange is longer than {MaxExchangeLength} bytes.");
        }
        var payload = new byte[length];
        try { await connection.ReadExactlyAsync(payload, ct).ConfigureAwait(false); }
        catch (EndOfStreamException e) { throw Fail("The connection closed inside the remote's Exchange.", e); }
        try { return Exchange.Parser.ParseFrom(payload); }
        catch (InvalidProtocolBufferException e) { throw Fail($"The remote's Exchange is malformed: {e.Message}", e); }
    }

    private static SecurityHandshakeException Fail(string message, Exception? inner = null) => new(Id, message, inner);
}
