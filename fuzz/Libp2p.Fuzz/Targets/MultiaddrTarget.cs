using System.Text;
using Libp2p.Multiformats;

namespace Libp2p.Fuzz;

/// <summary>
/// Multiaddr binary (first byte 0) and text (first byte 1) decoders: a result or a <see cref="FormatException"/> of
/// ours; whatever decodes survives the round trips binary → text → binary and text → binary → text → binary.
/// </summary>
internal static class MultiaddrTarget
{
    public static readonly FuzzTarget Target = new("multiaddr", "Multiaddr.FromBytes / Parse and round trips", Run, Seeds);

    private static void Run(byte[] data)
    {
        if (data.Length == 0) return;
        Multiaddr addr;
        try
        {
            addr = data[0] % 2 == 0
                ? Multiaddr.FromBytes(data.AsSpan(1))
                : Multiaddr.Parse(Encoding.UTF8.GetString(data, 1, data.Length - 1));
        }
        catch (Exception e) when (e is MultiaddrFormatException or VarintFormatException)
        {
            return;
        }
        var fromBytes = Multiaddr.FromBytes(addr.ToBytes());
        if (fromBytes != addr) throw new FuzzFindingException("Binary round trip changed the address.");
        var fromText = Multiaddr.Parse(addr.ToString());
        if (fromText != addr) throw new FuzzFindingException($"Text round trip changed the address: {addr}");
    }

    private static IEnumerable<byte[]> Seeds()
    {
        string[] texts =
        [
            "/ip4/127.0.0.1/tcp/4001",
            "/ip6/::1/tcp/4001/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA",
            "/dns4/example.com/tcp/443/wss",
            "/ip4/1.2.3.4/udp/4001/quic-v1/webtransport/certhash/uEiAkH5a4DPGKUuOBjYw0CgwjvcJCJMD2K_1aluKR_tpevQ",
            "/ip4/1.2.3.4/tcp/80/http/p2p-circuit/unix/%2Ftmp%2Fsock",
        ];
        foreach (var t in texts)
        {
            var a = Multiaddr.Parse(t);
            yield return [0, .. a.ToBytes()];
            yield return [1, .. Encoding.UTF8.GetBytes(t)];
        }
    }
}
