using Libp2p.Core;

namespace Libp2p.Multistream;

/// <summary>
/// multistream-select 1.0 (multiformats/multistream-select, libp2p/specs connections): agree on the protocol
/// spoken next on a stream. Neither side ever reads past the last negotiation message, so the stream handed
/// back carries exactly the negotiated protocol's bytes.
/// </summary>
internal static class MultistreamSelect
{
    /// <summary>The protocol id of multistream-select itself, sent first by both sides.</summary>
    public const string ProtocolId = MultistreamMessage.Header;

    /// <summary>
    /// Largest message accepted, counting the newline (go-multistream and js-libp2p use the same 1024-byte limit),
    /// so the longest protocol id is 1023 bytes of UTF-8.
    /// </summary>
    public const int MaxMessageLength = 1024;

    /// <summary>How many protocols a listener answers before giving up on a dialer that keeps proposing.</summary>
    public const int MaxProposals = 256;

    /// <summary>
    /// Dialer: proposes <paramref name="protocols"/> in order and returns the first one the listener accepts.
    /// The header and the first proposal leave in one write.
    /// </summary>
    /// <exception cref="MultistreamException">Every proposal got <c>na</c> (<see cref="MultistreamError.NoProtocolSupported"/>) or the listener broke the protocol.</exception>
    public static async ValueTask<string> SelectAsync(IDuplexStream stream, IReadOnlyList<string> protocols, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(protocols);
        if (protocols.Count == 0) throw new ArgumentException("At least one protocol must be proposed.", nameof(protocols));
        foreach (var p in protocols) MultistreamMessage.ValidateProtocolId(p);

        await stream.WriteAsync(MultistreamMessage.Encode(MultistreamMessage.Header, protocols[0]), ct).ConfigureAwait(false);
        await ExpectHeaderAsync(stream, ct).ConfigureAwait(false);

        for (int i = 0; ; )
        {
            string answer = await MultistreamMessage.ReadAsync(stream, ct).ConfigureAwait(false);
            if (answer == protocols[i]) return answer;
            if (answer != MultistreamMessage.NotAvailable)
                throw new MultistreamException(MultistreamError.ProtocolViolation, $"Proposed '{protocols[i]}' and the listener answered '{Printable(answer)}'.");
            if (++i == protocols.Count)
                throw new MultistreamException(MultistreamError.NoProtocolSupported, $"The listener supports none of: {string.Join(", ", protocols)}.");
            await stream.WriteAsync(MultistreamMessage.Encode(protocols[i]), ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Optimistic dialer for a single protocol: nothing is awaited now; the header and <paramref name="protocol"/> go out
    /// with the first write (or before the first read or the half-close), and the first read checks the two echoed
    /// lines before returning data. A listener that answers <c>na</c> makes that read throw a
    /// <see cref="MultistreamException"/> (<see cref="MultistreamError.NoProtocolSupported"/>).
    /// </summary>
    /// <remarks>
    /// The answer is read from the start, next to the caller's writes: a refusal aborts the stream, so a caller that
    /// only writes (and would wait for flow-control credit a refusing listener never grants) fails too, with the
    /// same exception. Without a timeout the answer is awaited as long as the stream lives.
    /// </remarks>
    public static IDuplexStream SelectLazy(IDuplexStream stream, string protocol)
    {
        ArgumentNullException.ThrowIfNull(stream);
        MultistreamMessage.ValidateProtocolId(protocol);
        return new LazySelectStream(stream, protocol, null, TimeProvider.System);
    }

    /// <summary>
    /// <see cref="SelectLazy(IDuplexStream, string)"/> with a bound on the negotiation: a listener that has not
    /// confirmed <paramref name="protocol"/> within <paramref name="timeout"/> of now fails the stream (the first read
    /// and later calls throw a <see cref="Libp2pException"/> with <see cref="Libp2pError.Timeout"/>, and the inner stream is aborted).
    /// </summary>
    public static IDuplexStream SelectLazy(IDuplexStream stream, string protocol, TimeSpan timeout, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        MultistreamMessage.ValidateProtocolId(protocol);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        return new LazySelectStream(stream, protocol, timeout, time ?? TimeProvider.System);
    }

    /// <summary>
    /// Listener: answers proposals until one satisfies <paramref name="isSupported"/> and returns it.
    /// <c>ls</c> is answered with <c>na</c> (listing is optional).
    /// </summary>
    /// <exception cref="MultistreamException">The dialer broke the protocol, closed the stream, or proposed more than <see cref="MaxProposals"/> times.</exception>
    public static async ValueTask<string> HandleAsync(IDuplexStream stream, Func<string, bool> isSupported, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(isSupported);

        // Our header goes out at once: a dialer may wait for it before it proposes anything.
        await stream.WriteAsync(MultistreamMessage.Encode(MultistreamMessage.Header), ct).ConfigureAwait(false);
        await ExpectHeaderAsync(stream, ct).ConfigureAwait(false);

        for (int i = 0; i < MaxProposals; i++)
        {
            string proposal = await MultistreamMessage.ReadAsync(stream, ct).ConfigureAwait(false);
            if (proposal != MultistreamMessage.List && proposal != MultistreamMessage.NotAvailable && isSupported(proposal))
            {
                await stream.WriteAsync(MultistreamMessage.Encode(proposal), ct).ConfigureAwait(false);
                return proposal;
            }
            await stream.WriteAsync(MultistreamMessage.Encode(MultistreamMessage.NotAvailable), ct).ConfigureAwait(false);
        }
        throw new MultistreamException(MultistreamError.TooManyProposals, $"The dialer proposed more than {MaxProposals} protocols.");
    }

    internal static async ValueTask ExpectHeaderAsync(IDuplexStream stream, CancellationToken ct)
    {
        string header = await MultistreamMessage.ReadAsync(stream, ct).ConfigureAwait(false);
        if (header != MultistreamMessage.Header)
            throw new MultistreamException(MultistreamError.ProtocolViolation, $"Expected '{MultistreamMessage.Header}', got '{Printable(header)}'.");
    }

    internal static string Printable(string s) => s.Length <= 80 ? s : s[..80] + "…";
}
