namespace Libp2p.Core;

/// <summary>Helpers every protocol needs on top of <see cref="IDuplexStream"/>.</summary>
public static class DuplexStreamExtensions
{
    /// <summary>Fills <paramref name="buffer"/> completely or throws <see cref="EndOfStreamException"/>.</summary>
    public static async ValueTask ReadExactlyAsync(this IDuplexStream stream, Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (buffer.Length > 0)
        {
            int n = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (n == 0)
                throw new EndOfStreamException($"The stream ended with {buffer.Length} byte(s) still expected.");
            buffer = buffer[n..];
        }
    }
}
