using Libp2p.Core;
using Libp2p.Multistream;
using Libp2p.Security;
using Libp2p.Yamux;

namespace Libp2p.Host;

/// <summary>
/// Raw connection to libp2p connection: multistream-select one of the host's security protocols, its handshake
/// (offering Yamux early: Noise's <c>stream_muxers</c> extension, TLS's ALPN), then Yamux — negotiated with
/// multistream-select over the secure channel when the handshake agreed no muxer.
/// </summary>
/// <remarks>
/// The dialer can propose its first security protocol optimistically (<see cref="MultistreamSelect.SelectLazy(IDuplexStream, string)"/>):
/// header, protocol and the handshake's first message leave in one write and the handshake's first read checks the
/// echo, which saves a round trip. The price: a listener that refuses it reads the handshake bytes as its next
/// multistream-select message and drops the connection, so there is no falling back on that connection. When the
/// host has another protocol to offer, an <see cref="OptimisticSecurityRefusedException"/> tells the dialer to dial again and negotiate
/// the whole list with round trips (<see cref="MultistreamSelect.SelectAsync"/>); a single protocol stays optimistic
/// and its refusal is final.
/// </remarks>
internal static class ConnectionUpgrader
{
    private static readonly string[] s_muxers = [YamuxSession.ProtocolId];

    /// <summary>The muxers offered inside security handshakes, in order of preference.</summary>
    public static IReadOnlyList<string> Muxers => s_muxers;

    public static async ValueTask<(SecuredConnection Secure, YamuxSession Session)> OutboundAsync(
        IDuplexStream raw, SecurityUpgradeContext context, IReadOnlyList<ISecurityProtocol> security, bool optimistic,
        YamuxOptions yamux, IYamuxResources? resources, CancellationToken ct)
    {
        CheckNotEmpty(security);
        SecuredConnection secure;
        if (optimistic)
        {
            var first = security[0];
            var lazy = (LazySelectStream)MultistreamSelect.SelectLazy(raw, first.ProtocolId);
            try { secure = await first.SecureOutboundAsync(lazy, context, ct).ConfigureAwait(false); }
            catch (Exception e) when (!lazy.Confirmed && e is not OperationCanceledException)
            {
                if (security.Count > 1) throw new OptimisticSecurityRefusedException(first.ProtocolId, e);
                // Our only protocol: say so plainly instead of as a failure of its handshake.
                if (Find<MultistreamException>(e) is { } refusal)
                    throw new MultistreamException(refusal.Error, $"The remote did not accept our only security protocol {first.ProtocolId}: {refusal.Message}", e);
                throw;
            }
        }
        else
        {
            var ids = security.Select(s => s.ProtocolId).ToArray();
            string chosen;
            try { chosen = await MultistreamSelect.SelectAsync(raw, ids, ct).ConfigureAwait(false); }
            catch (MultistreamException e) when (e.Error == MultistreamError.NoProtocolSupported)
            {
                throw new MultistreamException(MultistreamError.NoProtocolSupported,
                    $"The remote supports none of our security protocols ({string.Join(", ", ids)}).", e);
            }
            secure = await security.First(s => s.ProtocolId == chosen).SecureOutboundAsync(raw, context, ct).ConfigureAwait(false);
        }
        try
        {
            if (secure.Muxer is null)
                await MultistreamSelect.SelectAsync(secure.Stream, s_muxers, ct).ConfigureAwait(false);
            else
                CheckMuxer(secure);
            return (secure, new YamuxSession(secure.Stream, isInitiator: true, yamux, resources));
        }
        catch (Exception e)
        {
            secure.Stream.Abort(e);
            throw;
        }
    }

    public static async ValueTask<(SecuredConnection Secure, YamuxSession Session)> InboundAsync(
        IDuplexStream raw, SecurityUpgradeContext context, IReadOnlyList<ISecurityProtocol> security, YamuxOptions yamux,
        IYamuxResources? resources, CancellationToken ct)
    {
        CheckNotEmpty(security);
        string chosen = await MultistreamSelect.HandleAsync(raw, p => Find(security, p) is not null, ct).ConfigureAwait(false);
        var secure = await Find(security, chosen)!.SecureInboundAsync(raw, context, ct).ConfigureAwait(false);
        try
        {
            if (secure.Muxer is null)
                await MultistreamSelect.HandleAsync(secure.Stream, static p => p == YamuxSession.ProtocolId, ct).ConfigureAwait(false);
            else
                CheckMuxer(secure);
            return (secure, new YamuxSession(secure.Stream, isInitiator: false, yamux, resources));
        }
        catch (Exception e)
        {
            secure.Stream.Abort(e);
            throw;
        }
    }

    private static T? Find<T>(Exception e) where T : Exception
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x is T found) return found;
        return null;
    }

    private static ISecurityProtocol? Find(IReadOnlyList<ISecurityProtocol> security, string id)
    {
        foreach (var s in security)
            if (s.ProtocolId == id) return s;
        return null;
    }

    private static void CheckMuxer(SecuredConnection secure)
    {
        if (secure.Muxer != YamuxSession.ProtocolId)
            throw new SecurityHandshakeException(secure.Protocol, $"The remote chose muxer '{secure.Muxer}', which we did not offer.");
    }

    private static void CheckNotEmpty(IReadOnlyList<ISecurityProtocol> security)
    {
        if (security.Count == 0)
            throw new InvalidOperationException("The host has no security protocol (HostOptions.SecurityProtocols is empty).");
    }
}

/// <summary>
/// The listener did not confirm the security protocol the dialer proposed optimistically (it answered <c>na</c>, or
/// the connection failed before it answered). The connection is unusable; the dialer dials again and negotiates its
/// whole list with round trips.
/// </summary>
internal sealed class OptimisticSecurityRefusedException(string protocol, Exception inner)
    : Libp2pException(Libp2pError.ProtocolNegotiationFailed, $"The remote did not accept {protocol} offered optimistically: {inner.Message}", inner)
{
    public string Protocol { get; } = protocol;
}
