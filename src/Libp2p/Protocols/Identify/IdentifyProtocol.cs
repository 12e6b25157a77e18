using Libp2p.Core;

namespace Libp2p.Protocols.Identify;

/// <summary>
/// <c>/ipfs/id/1.0.0</c> and <c>/ipfs/id/push/1.0.0</c> (libp2p/specs identify/README.md): the
/// sending side writes its Identify message and closes its write side; the receiving side reads
/// to EOF. Wire framing and the multi-part rule are in <see cref="IdentifyFraming"/>.
/// </summary>
public static class IdentifyProtocol
{
    /// <summary>The identify protocol id, <c>/ipfs/id/1.0.0</c>.</summary>
    public const string ProtocolId = "/ipfs/id/1.0.0";
    /// <summary>The identify push protocol id, <c>/ipfs/id/push/1.0.0</c>.</summary>
    public const string PushProtocolId = "/ipfs/id/push/1.0.0";

    /// <summary>What js-libp2p and go-libp2p send as <c>protocolVersion</c>; the spec no longer requires a match.</summary>
    public const string DefaultProtocolVersion = "ipfs/0.1.0";

    /// <summary>The largest message (each part) we send or accept: 8 KiB, as go-libp2p and js-libp2p.</summary>
    public const int MaxMessageSize = 8 * 1024;

    /// <summary>
    /// Listen addresses kept from one peer's identify (go-libp2p's <c>connectedPeerMaxAddrs</c>); the rest are dropped.
    /// Without a cap, 10 parts of tiny addresses are ~20,000 objects per connection.
    /// </summary>
    public const int MaxListenAddresses = 500;

    /// <summary>Protocols kept from one peer's identify (go-libp2p's <c>maxPeerProtocols</c>); the rest are dropped.</summary>
    public const int MaxProtocols = 1024;

    /// <summary>Longest protocol id kept (what multistream-select can carry); longer ones are dropped.</summary>
    public const int MaxProtocolIdLength = 1023;

    /// <summary>How long a peer has for its side of identify or identify push (go-libp2p: 5 s).</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Dialer of <c>/ipfs/id/1.0.0</c>: reads the remote's message to EOF. Requires a public key
    /// (js-libp2p does too); the caller must check it against the connection's peer id and then
    /// close or dispose the stream.
    /// </summary>
    /// <exception cref="IdentifyException">Malformed, oversized, truncated, or without a public key.</exception>
    public static async ValueTask<IdentifyInfo> RequestAsync(IDuplexStream stream, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var message = await IdentifyFraming.ReadMergedAsync(stream, MaxMessageSize, ct).ConfigureAwait(false);
        if (message.PublicKey.IsEmpty)
            throw new IdentifyException("The identify response carries no public key.");
        return IdentifyMessageConversion.ToInfo(message);
    }

    /// <summary>Listener of <c>/ipfs/id/1.0.0</c>: writes our message, closes our write side.</summary>
    /// <exception cref="IdentifyException"><paramref name="info"/> is too large for receivers to accept.</exception>
    public static async ValueTask RespondAsync(IDuplexStream stream, IdentifyInfo info, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        byte[] wire = IdentifyFraming.Encode(info, MaxMessageSize);
        await stream.WriteAsync(wire, ct).ConfigureAwait(false);
        await stream.CloseWriteAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Dialer of <c>/ipfs/id/push/1.0.0</c>: the same message and closing as <see cref="RespondAsync"/>.
    /// A push may leave fields empty to mean "unchanged".
    /// </summary>
    public static ValueTask PushAsync(IDuplexStream stream, IdentifyInfo info, CancellationToken ct = default)
        => RespondAsync(stream, info, ct);

    /// <summary>
    /// Listener of <c>/ipfs/id/push/1.0.0</c>: reads the pushed message to EOF. Empty fields were
    /// absent and mean "unchanged"; the public key is optional here.
    /// </summary>
    /// <exception cref="IdentifyException">Malformed, oversized or truncated.</exception>
    public static async ValueTask<IdentifyInfo> ReceivePushAsync(IDuplexStream stream, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var message = await IdentifyFraming.ReadMergedAsync(stream, MaxMessageSize, ct).ConfigureAwait(false);
        return IdentifyMessageConversion.ToInfo(message);
    }
}
