namespace Libp2p.Core;

/// <summary>
/// A stream that can hand out at once, without waiting, bytes it already holds (for Noise: plaintext, and frames
/// fully received and not yet decrypted, decrypted straight into <c>destination</c> when they fit). The Yamux read
/// loop uses it to move payloads into an application's pending read with no wait in between, so that read can
/// still be cancelled promptly (see YamuxStream.Receive).
/// </summary>
internal interface IBufferedReader
{
    /// <summary>
    /// Copies (or decrypts) up to <paramref name="destination"/>.Length buffered bytes into it and returns how many;
    /// 0 when nothing is buffered. Never waits. Must not overlap a pending <see cref="IDuplexStream.ReadAsync"/>.
    /// Errors (a frame failing authentication) throw as a read would.
    /// </summary>
    int ReadBuffered(Span<byte> destination);
}
