using Libp2p.Identity;
using Libp2p.Noise;

namespace Libp2p.Fuzz;

/// <summary>
/// The Noise XX responder reading the input as the initiator's messages (framing, ephemeral keys including
/// low-order points, the encrypted static key and payload): it fails with a <see cref="NoiseHandshakeException"/>.
/// </summary>
internal static class NoiseHandshakeTarget
{
    public static readonly FuzzTarget Target = new("noise-handshake", "NoiseHandshake.RespondAsync on arbitrary messages", Run, Seeds);

    // Lazy: instrumented library code must not run before SharpFuzz has set up its coverage map.
    private static readonly Lazy<PrivateKey> Identity = new(() => PrivateKey.Generate());

    private static void Run(byte[] data)
    {
        var stream = new ReplayStream(data);
        FuzzTargets.RunBounded(async () =>
        {
            try
            {
                await NoiseHandshake.RespondAsync(stream, Identity.Value, ["/yamux/1.0.0"]);
                throw new FuzzFindingException("The handshake completed without the initiator's key (message 3 cannot be forged).");
            }
            catch (NoiseHandshakeException) { }
        }, "Noise responder");
    }

    private static IEnumerable<byte[]> Seeds()
    {
        // A well-formed message 1 (a 32-byte ephemeral key) and a message 3 of the right shape (48 + payload + 16).
        var e = new byte[32];
        for (int i = 0; i < e.Length; i++) e[i] = (byte)(9 + i);
        yield return [0, 32, .. e];
        yield return [0, 32, .. e, 0, 100, .. new byte[100]];
        yield return [0, 32, .. new byte[32], 0, 64, .. new byte[64]]; // the all-zero (low-order) point
    }
}
