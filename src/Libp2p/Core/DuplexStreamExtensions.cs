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

    /// <summary>
    /// A <see cref="Stream"/> over <paramref name="stream"/> (for <c>SslStream</c> and other BCL consumers): asynchronous,
    /// allocation-free on the <see cref="Memory{T}"/> overloads, half-close through
    /// <see cref="DuplexStreamAdapter.CloseWriteAsync"/>. See <see cref="DuplexStreamAdapter"/> for the exact semantics.
    /// </summary>
    /// <param name="stream">The stream to wrap.</param>
    /// <param name="leaveOpen">When true, disposing the adapter leaves <paramref name="stream"/> open.</param>
    public static DuplexStreamAdapter AsStream(this IDuplexStream stream, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new DuplexStreamAdapter(stream, leaveOpen);
    }
}
