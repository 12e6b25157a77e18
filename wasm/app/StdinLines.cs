using System.Runtime.CompilerServices;
using System.Runtime.InteropServices.JavaScript;

namespace Libp2p.WasmApp;

/// <summary>
/// Standard input lines inside browser-wasm (no Console.In there): the Node host buffers them (host/stdin.mjs) and
/// we poll every 20 ms of the event loop's clock, so the loop keeps serving sockets and timers meanwhile.
/// </summary>
public static partial class StdinLines
{
    [JSImport("readLine", "libp2p-stdin")] private static partial string? ReadLine();
    [JSImport("ended", "libp2p-stdin")] private static partial bool Ended();

    public static async IAsyncEnumerable<string> ReadAsync(TimeProvider time, [EnumeratorCancellation] CancellationToken ct)
    {
        while (true)
        {
            if (ReadLine() is { } line)
            {
                yield return line;
                continue;
            }
            if (Ended()) yield break;
            await Task.Delay(TimeSpan.FromMilliseconds(20), time, ct);
        }
    }
}
