namespace Libp2p.Security.Tls.Managed;

/// <summary>What the handshake driver reads from our BouncyCastle client or server.</summary>
internal interface IManagedTlsPeer
{
    /// <summary>BouncyCastle finished the handshake (our Finished is queued or sent, the remote's checked).</summary>
    bool HandshakeComplete { get; }

    /// <summary>The protocol ALPN agreed, or null when the server chose none.</summary>
    string? SelectedAlpn { get; }
}
