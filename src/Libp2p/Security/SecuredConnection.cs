using Libp2p.Core;
using Libp2p.Identity;

namespace Libp2p.Security;

/// <summary>The outcome of a security handshake: the secure stream and who is on the other end.</summary>
/// <param name="Stream">The secured byte stream; it owns the raw connection (disposing it disposes the raw connection).</param>
/// <param name="RemotePeer">The peer id the remote proved.</param>
/// <param name="RemotePublicKey">The remote's host key.</param>
/// <param name="Protocol">The security protocol id, e.g. <c>/noise</c>.</param>
/// <param name="Muxer">The stream muxer agreed inside the handshake (Noise extensions, TLS ALPN), or null when the
/// muxer still has to be negotiated with multistream-select over <paramref name="Stream"/>.</param>
public sealed record SecuredConnection(IDuplexStream Stream, PeerId RemotePeer, PublicKey RemotePublicKey, string Protocol, string? Muxer);
