using Libp2p.Multiformats;
using Libp2p.Protocols.Identify;

namespace Libp2p.Fuzz;

/// <summary>
/// Identify as a receiver reads it: length-prefixed parts to EOF, merged, converted (addresses parsed, protocols
/// de-duplicated, caps applied). An <see cref="IdentifyInfo"/> or an <see cref="IdentifyException"/>.
/// </summary>
internal static class IdentifyTarget
{
    public static readonly FuzzTarget Target = new("identify", "Identify framing, merge and conversion", Run, Seeds);

    private static void Run(byte[] data)
    {
        if (data.Length == 0) return;
        var stream = new ReplayStream(data[1..], 1 + data[0] * 13 % 9000);
        FuzzTargets.RunBounded(async () =>
        {
            try
            {
                var info = await IdentifyProtocol.ReceivePushAsync(stream);
                if (info.ListenAddresses.Count > IdentifyProtocol.MaxListenAddresses)
                    throw new FuzzFindingException($"{info.ListenAddresses.Count} listen addresses kept.");
                if (info.Protocols.Count > IdentifyProtocol.MaxProtocols)
                    throw new FuzzFindingException($"{info.Protocols.Count} protocols kept.");
            }
            catch (IdentifyException) { }
        }, "identify reader");
    }

    private static IEnumerable<byte[]> Seeds()
    {
        var info = new IdentifyInfo("ipfs/0.1.0", "fuzz/1.0", [8, 1, 18, 32, .. new byte[32]],
            [Multiaddr.Parse("/ip4/127.0.0.1/tcp/4001"), Multiaddr.Parse("/ip6/::1/tcp/4001")],
            Multiaddr.Parse("/ip4/1.2.3.4/tcp/5"), ["/ipfs/ping/1.0.0", "/ipfs/id/1.0.0"], null);
        yield return [0, .. IdentifyFraming.Encode(info, IdentifyProtocol.MaxMessageSize)];
        yield return [7, .. IdentifyFraming.Encode(info, 40)];
    }
}
