using System.Buffers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Libp2p.Core;

namespace Libp2p.Protocols.Ping;

/// <summary>
/// <c>/ipfs/ping/1.0.0</c> (libp2p/specs ping/ping.md): the dialer writes 32 random bytes, the
/// listener echoes them, the dialer measures the round trip. Both sides may loop on one stream.
/// </summary>
public static class PingProtocol
{
    /// <summary>The protocol id, <c>/ipfs/ping/1.0.0</c>.</summary>
    public const string ProtocolId = "/ipfs/ping/1.0.0";

    /// <summary>Every ping payload is exactly this long.</summary>
    public const int PayloadSize = 32;

    /// <summary>The spec: a listener SHOULD accept at most two ping streams per peer (js-libp2p enforces 2). The host counts.</summary>
    public const int MaxInboundStreamsPerPeer = 2;

    /// <summary>The spec: a dialer MUST NOT keep more than one outbound ping stream per peer.</summary>
    public const int MaxOutboundStreamsPerPeer = 1;

    /// <summary>
    /// One round trip on an open ping stream; may be called again on the same stream. The RTT runs
    /// from just before the write to the last echoed byte. On <see cref="PingException"/> the
    /// stream is out of step and the caller should abort it.
    /// </summary>
    /// <exception cref="PingException">The echo differs or the stream ended before the full echo.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))] // no allocation per ping
    public static async ValueTask<TimeSpan> PingAsync(IDuplexStream stream, TimeProvider time, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(time);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(2 * PayloadSize);
        Memory<byte> sent = buffer.AsMemory(0, PayloadSize);
        Memory<byte> echo = buffer.AsMemory(PayloadSize, PayloadSize);
        RandomNumberGenerator.Fill(sent.Span);

        long start = time.GetTimestamp();
        await stream.WriteAsync(sent, ct).ConfigureAwait(false);
        int got = await ReadPayloadAsync(stream, echo, ct).ConfigureAwait(false);
        TimeSpan rtt = time.GetElapsedTime(start);

        if (got < PayloadSize)
            throw new PingException($"The remote closed the ping stream after echoing {got} of {PayloadSize} bytes.");
        if (!sent.Span.SequenceEqual(echo.Span))
            throw new PingException("The echoed ping payload differs from the one sent.");
        // Back to the pool only on success: after a failed or cancelled call the stream below may
        // still hold the buffer, so it is left to the GC instead.
        ArrayPool<byte>.Shared.Return(buffer);
        return rtt;
    }

    /// <summary>
    /// Listener side: echoes 32-byte payloads until the dialer closes its write side, then closes
    /// ours. One 32-byte buffer per stream, reused for every ping.
    /// </summary>
    /// <exception cref="PingException">The dialer ended the stream inside a payload.</exception>
    public static async Task HandleAsync(IDuplexStream stream, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        byte[] payload = new byte[PayloadSize];
        while (true)
        {
            int got = await ReadPayloadAsync(stream, payload, ct).ConfigureAwait(false);
            if (got == 0)
                break;
            // js-libp2p echoes whatever chunk it reads; the spec only has whole payloads, and a
            // partial one at EOF can only come from a broken dialer.
            if (got < PayloadSize)
                throw new PingException($"The dialer closed the ping stream inside a payload ({got} of {PayloadSize} bytes).");
            await stream.WriteAsync(payload, ct).ConfigureAwait(false);
        }
        await stream.CloseWriteAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Listener side with a bound: each 32-byte ping must arrive within <paramref name="timeout"/> of the previous echo
    /// (or of the start), as go-libp2p's 10 s; a dialer that goes quiet gets a <see cref="TimeoutException"/> (the host
    /// resets the stream), so an idle ping stream cannot be held open forever. One timer for the whole stream.
    /// </summary>
    /// <exception cref="TimeoutException">No complete ping within <paramref name="timeout"/>.</exception>
    /// <exception cref="PingException">The dialer ended the stream inside a payload.</exception>
    public static async Task HandleAsync(IDuplexStream stream, TimeSpan timeout, TimeProvider time, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(time);
        // A finite first delay makes the source keep the provider's timer, which CancelAfter then re-arms.
        using var idle = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(idle.Token, ct);
        byte[] payload = new byte[PayloadSize];
        try
        {
            while (true)
            {
                int got = await ReadPayloadAsync(stream, payload, linked.Token).ConfigureAwait(false);
                if (got == 0)
                    break;
                if (got < PayloadSize)
                    throw new PingException($"The dialer closed the ping stream inside a payload ({got} of {PayloadSize} bytes).");
                await stream.WriteAsync(payload, linked.Token).ConfigureAwait(false);
                idle.CancelAfter(timeout);
            }
            await stream.CloseWriteAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (idle.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new TimeoutException($"No complete ping arrived within {timeout.TotalSeconds:0.###} s on this stream (ping timeout).", e);
        }
    }

    /// <summary>Fills <paramref name="payload"/>; returns fewer bytes only when EOF came first.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<int> ReadPayloadAsync(IDuplexStream stream, Memory<byte> payload, CancellationToken ct)
    {
        int got = 0;
        while (got < payload.Length)
        {
            int n = await stream.ReadAsync(payload[got..], ct).ConfigureAwait(false);
            if (n == 0)
                break;
            got += n;
        }
        return got;
    }
}
