using Google.Protobuf;
using Libp2p.Multiformats;
using IdentifyMessage = Libp2p.Protocols.Identify.Pb.Identify;

namespace Libp2p.Protocols.Identify;

/// <summary>Between the wire message and <see cref="IdentifyInfo"/>; tolerant of bad addresses, as the spec's peers are.</summary>
internal static class IdentifyMessageConversion
{
    public static IdentifyInfo ToInfo(IdentifyMessage message)
    {
        // A listen address we cannot parse (a protocol we do not know, garbage) is dropped, not
        // fatal: the rest of the message is still good. js-libp2p does the same.
        var listen = new List<Multiaddr>(Math.Min(message.ListenAddrs.Count, IdentifyProtocol.MaxListenAddresses));
        foreach (ByteString bytes in message.ListenAddrs)
        {
            if (listen.Count == IdentifyProtocol.MaxListenAddresses) break;
            if (TryParseAddress(bytes, out Multiaddr? addr))
                listen.Add(addr);
        }

        Multiaddr? observed = null;
        if (message.HasObservedAddr && TryParseAddress(message.ObservedAddr, out Multiaddr? o))
            observed = o;

        // Merged parts may repeat a protocol (js-libp2p dedups on merge too); keep first-seen order.
        // Ids longer than multistream-select can carry are useless and dropped.
        var protocols = new List<string>(Math.Min(message.Protocols.Count, IdentifyProtocol.MaxProtocols));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string p in message.Protocols)
        {
            if (protocols.Count == IdentifyProtocol.MaxProtocols) break;
            if (p.Length > 0 && p.Length <= IdentifyProtocol.MaxProtocolIdLength && seen.Add(p))
                protocols.Add(p);
        }

        return new IdentifyInfo(
            message.ProtocolVersion,
            message.AgentVersion,
            message.PublicKey.ToByteArray(),
            listen,
            observed,
            protocols,
            message.HasSignedPeerRecord ? message.SignedPeerRecord.ToByteArray() : null);
    }

    private static bool TryParseAddress(ByteString bytes, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Multiaddr? addr)
    {
        addr = null;
        if (bytes.IsEmpty)
            return false;
        try
        {
            addr = Multiaddr.FromBytes(bytes.Span);
            return true;
        }
        catch (Exception e) when (e is MultiaddrFormatException or VarintFormatException or FormatException)
        {
            return false;
        }
    }
}
