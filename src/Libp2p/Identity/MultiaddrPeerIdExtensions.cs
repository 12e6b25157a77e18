using Libp2p.Multiformats;

namespace Libp2p.Identity;

/// <summary>
/// Peer-id views of multiaddrs. They live here, not in <c>Multiformats</c>, so that the dependency goes one way:
/// identity builds on multiformats (varint, multihash, base58), and multiformats knows nothing of keys and peer ids
/// (its <c>/p2p</c> value codec checks the multihash shape only).
/// </summary>
public static class MultiaddrPeerIdExtensions
{
    extension(Multiaddr address)
    {
        /// <summary>
        /// The peer id of the last <c>/p2p</c> component after the last <c>/p2p-circuit</c> (as js-multiaddr's getPeerId:
        /// for a relay address the peer is the relayed target, not the relay), or null.
        /// </summary>
        public PeerId? PeerId
        {
            get
            {
                var components = address.Components;
                for (int i = components.Count - 1; i >= 0; i--)
                {
                    int code = components[i].Protocol.Code;
                    if (code == MultiaddrProtocol.P2pCircuit.Code)
                        return null;
                    if (code == MultiaddrProtocol.P2p.Code)
                        return Identity.PeerId.TryFromBytes(components[i].RawValue.Span, out var id) ? id : null;
                }
                return null;
            }
        }

        /// <summary>This address with <c>/p2p/<paramref name="peerId"/></c> appended (replacing a trailing one).</summary>
        public Multiaddr WithPeerId(PeerId peerId) => address.WithoutPeerId().Encapsulate(MultiaddrComponent.P2p(peerId));
    }

    extension(MultiaddrComponent)
    {
        /// <summary>A <c>/p2p/<paramref name="peerId"/></c> component.</summary>
        public static MultiaddrComponent P2p(PeerId peerId)
        {
            ArgumentNullException.ThrowIfNull(peerId);
            return MultiaddrComponent.FromValidated(MultiaddrProtocol.P2p, peerId.ToBytes());
        }
    }
}
