using Libp2p.Core;
using Libp2p.Identity;
using Libp2p.Multistream;
using Libp2p.Noise;
using Libp2p.Yamux;

namespace Libp2p.Host;

/// <summary>
/// Raw connection to libp2p connection: multistream-select <c>/noise</c>, the Noise XX handshake
/// (offering Yamux through the <c>stream_muxers</c> extension), then Yamux — negotiated with
/// multistream-select over the secure channel when the remote offered no early muxer.
/// The dialer proposes <c>/noise</c> optimistically (<see cref="MultistreamSelect.SelectLazy(IDuplexStream, string)"/>):
/// header, protocol and the first handshake message leave in one write, and the handshake's first read checks
/// the echo, which saves a round trip. A listener that refuses <c>/noise</c> fails that read with a
/// <see cref="MultistreamException"/>.
/// </summary>
internal static class ConnectionUpgrader
{
    private static readonly string[] s_muxers = [YamuxSession.ProtocolId];

    public static async ValueTask<(NoiseConnection Secure, YamuxSession Session)> OutboundAsync(
        IDuplexStream raw, PrivateKey identity, PeerId? expectedPeer, YamuxOptions yamux, IYamuxResources? resources, CancellationToken ct)
    {
        var negotiating = MultistreamSelect.SelectLazy(raw, NoiseHandshake.ProtocolId);
        var secure = await NoiseHandshake.InitiateAsync(negotiating, identity, expectedPeer, s_muxers, ct).ConfigureAwait(false);
        if (secure.NegotiatedMuxer is null)
            await MultistreamSelect.SelectAsync(secure, s_muxers, ct).ConfigureAwait(false);
        else if (secure.NegotiatedMuxer != YamuxSession.ProtocolId)
            throw new NoiseHandshakeException($"The remote chose muxer '{secure.NegotiatedMuxer}', which we did not offer.");
        return (secure, new YamuxSession(secure, isInitiator: true, yamux, resources));
    }

    public static async ValueTask<(NoiseConnection Secure, YamuxSession Session)> InboundAsync(
        IDuplexStream raw, PrivateKey identity, YamuxOptions yamux, IYamuxResources? resources, CancellationToken ct)
    {
        await MultistreamSelect.HandleAsync(raw, static p => p == NoiseHandshake.ProtocolId, ct).ConfigureAwait(false);
        var secure = await NoiseHandshake.RespondAsync(raw, identity, s_muxers, ct).ConfigureAwait(false);
        if (secure.NegotiatedMuxer is null)
            await MultistreamSelect.HandleAsync(secure, static p => p == YamuxSession.ProtocolId, ct).ConfigureAwait(false);
        else if (secure.NegotiatedMuxer != YamuxSession.ProtocolId)
            throw new NoiseHandshakeException($"The remote chose muxer '{secure.NegotiatedMuxer}', which we did not offer.");
        return (secure, new YamuxSession(secure, isInitiator: false, yamux, resources));
    }
}
