using System.Buffers;
using System.Runtime.ExceptionServices;
using Libp2p.Core;
using Libp2p.Noise;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;

namespace Libp2p.Security.Tls.Managed;

/// <summary>
/// libp2p TLS on BouncyCastle's TLS 1.3 (<c>Org.BouncyCastle.Tls</c>), for where there is no platform TLS (inside
/// WebAssembly): the same handshake as <see cref="SslStreamTls"/> — TLS 1.3 only, mutual authentication with our
/// certificate, no SNI, ALPN offering the muxers then <c>libp2p</c>, the remote's certificate checked by
/// <see cref="TlsRemoteCheck"/> inside the handshake so a refusal aborts it with an alert — and the same exceptions.
/// BouncyCastle runs in its non-blocking mode: we move its bytes over the async connection, so no thread ever waits.
/// </summary>
internal static class ManagedTls
{
    /// <exception cref="TlsCertificateException">The remote's certificate was refused.</exception>
    /// <exception cref="PeerIdMismatchException">The remote is not <see cref="SecurityUpgradeContext.ExpectedRemote"/>.</exception>
    /// <exception cref="SecurityHandshakeException">The TLS handshake failed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled.</exception>
    public static async ValueTask<SecuredConnection> HandshakeAsync(
        IDuplexStream connection, SecurityUpgradeContext context, TlsCredentials credentials, bool isServer, CancellationToken ct)
    {
        var check = new TlsRemoteCheck(context);
        var crypto = new ManagedTlsCrypto(new SecureRandom());
        var alpn = ManagedTlsParameters.Alpn(context.Muxers);
        TlsProtocol protocol;
        ITls13HalfClose halfClose;
        IManagedTlsPeer peer;
        if (isServer)
        {
            var server = new Libp2pTlsServer(crypto, credentials, alpn, check);
            var p = new ManagedTlsServerProtocol();
            p.Accept(server);
            (protocol, halfClose, peer) = (p, p, server);
        }
        else
        {
            var client = new Libp2pTlsClient(crypto, credentials, alpn, check);
            var p = new ManagedTlsClientProtocol();
            p.Connect(client); // queues the ClientHello
            (protocol, halfClose, peer) = (p, p, client);
        }

        // The caller owns the connection until we return: on failure we leave it open (as SslStreamTls does).
        var records = new TlsRecordReader(connection);
        try
        {
            while (true)
            {
                await SendQueuedAsync(protocol, connection, ct).ConfigureAwait(false);
                if (peer.HandshakeComplete) break;
                if (!await records.NextAsync(ct).ConfigureAwait(false))
                    throw new SecurityHandshakeException(TlsSecurity.Id, "the connection closed during the TLS handshake.");
                try
                {
                    protocol.OfferInput(records.Buffer, records.RecordOffset, records.RecordLength);
                }
                finally
                {
                    records.Consume();
                }
            }
        }
        catch (Exception e)
        {
            records.Release();
            // A refusal of ours left a fatal alert queued: the remote should learn why its handshake ends.
            if (e is not OperationCanceledException) await TrySendAlertAsync(protocol, connection, ct).ConfigureAwait(false);
            if ((check.Failure ?? CertificateFailureIn(e)) is { } refused) ExceptionDispatchInfo.Throw(refused);
            if (e is OperationCanceledException or SecurityHandshakeException) throw;
            throw new SecurityHandshakeException(TlsSecurity.Id, $"the TLS handshake failed: {Describe(e)}", e);
        }

        if (check.Remote is not { } remote)
        {
            records.Release();
            throw new TlsCertificateException(TlsCertificateError.Missing, "the remote presented no certificate.");
        }
        string? muxer = TlsSecurity.MuxerFromAlpn(peer.SelectedAlpn);
        return new SecuredConnection(new ManagedTlsConnection(protocol, halfClose, connection, records), remote.Peer, remote.Key, TlsSecurity.Id, muxer);
    }

    /// <summary>A short description of what went wrong, naming TLS alerts.</summary>
    internal static string Describe(Exception e) => e switch
    {
        TlsFatalAlertReceived r => $"the remote sent the fatal alert {AlertDescription.GetText(r.AlertDescription)}",
        TlsFatalAlert a => $"we sent the fatal alert {AlertDescription.GetText(a.AlertDescription)}" +
            (a.InnerException is { } inner ? $" ({inner.Message})" : ""),
        _ => e.Message,
    };

    /// <summary>Writes what the protocol queued (handshake messages, an alert), in one write below.</summary>
    private static async ValueTask SendQueuedAsync(TlsProtocol protocol, IDuplexStream connection, CancellationToken ct)
    {
        int length = protocol.GetAvailableOutputBytes();
        if (length == 0) return;
        byte[] bytes = ArrayPool<byte>.Shared.Rent(length);
        length = protocol.ReadOutput(bytes, 0, length);
        await connection.WriteAsync(bytes.AsMemory(0, length), ct).ConfigureAwait(false);
        ArrayPool<byte>.Shared.Return(bytes);
    }

    private static async ValueTask TrySendAlertAsync(TlsProtocol protocol, IDuplexStream connection, CancellationToken ct)
    {
        try
        {
            await SendQueuedAsync(protocol, connection, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or Libp2pException or InvalidOperationException)
        {
            // The connection below is gone too: the remote will see it closed.
        }
    }

    /// <summary>A certificate refusal carried by BouncyCastle's alert (e.g. a certificate our parser cannot read).</summary>
    private static Exception? CertificateFailureIn(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x is TlsCertificateException or PeerIdMismatchException) return x;
        return null;
    }
}
