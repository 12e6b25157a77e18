using System.Text;
using Libp2p.Multistream;

namespace Libp2p.Fuzz;

/// <summary>
/// multistream-select listener over the input (first byte: read chunk size, so message boundaries fall anywhere):
/// it negotiates, or fails with a <see cref="MultistreamException"/>.
/// </summary>
internal static class MultistreamTarget
{
    public static readonly FuzzTarget Target = new("multistream", "MultistreamSelect.HandleAsync (listener)", Run, Seeds);

    private static void Run(byte[] data)
    {
        if (data.Length == 0) return;
        var stream = new ReplayStream(data[1..], 1 + data[0] % 64);
        FuzzTargets.RunBounded(async () =>
        {
            try
            {
                string chosen = await MultistreamSelect.HandleAsync(stream, p => p.StartsWith("/a", StringComparison.Ordinal));
                if (!chosen.StartsWith("/a", StringComparison.Ordinal)) throw new FuzzFindingException($"Chose unsupported '{chosen}'.");
            }
            catch (MultistreamException) { }
        }, "multistream-select");
    }

    private static IEnumerable<byte[]> Seeds()
    {
        static byte[] Message(string s)
        {
            var body = Encoding.UTF8.GetBytes(s + "\n");
            return [(byte)body.Length, .. body];
        }
        yield return [63, .. Message("/multistream/1.0.0"), .. Message("/a/1.0.0")];
        yield return [0, .. Message("/multistream/1.0.0"), .. Message("ls"), .. Message("/b"), .. Message("/a")];
        yield return [5, .. Message("/multistream/1.0.0"), .. Message("na")];
    }
}
