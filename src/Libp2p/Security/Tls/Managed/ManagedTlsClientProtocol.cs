using Org.BouncyCastle.Tls;

namespace Libp2p.Security.Tls.Managed;

/// <summary>BouncyCastle's client protocol in non-blocking mode (we move the bytes), with TLS 1.3 half-close.</summary>
internal sealed class ManagedTlsClientProtocol : TlsClientProtocol, ITls13HalfClose
{
    public bool CloseNotifyReceived { get; private set; }

    public void SendCloseNotify() => RaiseAlertWarning(AlertDescription.close_notify, "half-close: we write no more");

    protected override void HandleAlertWarningMessage(short alertDescription)
    {
        // During the handshake a close_notify is a failure (the base class says so); after it, only the remote's direction ends.
        if (alertDescription == AlertDescription.close_notify && IsConnected)
        {
            CloseNotifyReceived = true;
            return;
        }
        base.HandleAlertWarningMessage(alertDescription);
    }
}
