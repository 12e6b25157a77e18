using System.Buffers;
using Libp2p.Core;

namespace Libp2p.Protocols.Echo;

/// <summary>
/// <c>/echo/1.0.0</c>: the listener writes back every byte it reads, and closes its write side at
/// EOF. Not a libp2p spec; the interop tests (and @libp2p/interop) use it to move data both ways.
/// </summary>
public static class EchoProtocol
{
    /// <summary>The protocol id, <c>/echo/1.0.0</c>.</summary>
    public const string ProtocolId = "/echo/1.0.0";

    private const int BufferSize = 16 * 1024;

    /// <summary>Serves one stream: writes back everything it reads until the remote closes its write side, then closes ours.</summary>
    public static async Task HandleAsync(IDuplexStream stream, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        while (true)
        {
            int n = await stream.ReadAsync(buffer.AsMemory(0, BufferSize), ct).ConfigureAwait(false);
            if (n == 0)
                break;
            await stream.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
        }
        await stream.CloseWriteAsync(ct).ConfigureAwait(false);
        // Back to the pool only on success: after a failed or cancelled call the stream below may
        // still hold the buffer, so it is left to the GC instead.
        ArrayPool<byte>.Shared.Return(buffer);
    }
}
