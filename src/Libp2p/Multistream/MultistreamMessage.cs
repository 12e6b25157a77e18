using System.Text;
using Libp2p.Core;
using Libp2p.Multiformats;

namespace Libp2p.Multistream;

/// <summary>
/// The wire form of one multistream-select message: <c>varint(len) utf8-text '\n'</c>, where len counts the newline.
/// Reads never take a byte past the message: whatever follows belongs to the negotiated protocol.
/// </summary>
internal static class MultistreamMessage
{
    public const string Header = "/multistream/1.0.0";
    public const string NotAvailable = "na";
    public const string List = "ls";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Encoded length of <paramref name="text"/> as a message.</summary>
    public static int GetEncodedLength(string text)
    {
        int body = StrictUtf8.GetByteCount(text) + 1;
        return Varint.GetLength((ulong)body) + body;
    }

    /// <summary>Writes <paramref name="text"/> as a message at the start of <paramref name="destination"/>; returns the bytes written.</summary>
    public static int Write(string text, Span<byte> destination)
    {
        int body = StrictUtf8.GetByteCount(text) + 1;
        if (body > MultistreamSelect.MaxMessageLength)
            throw new ArgumentException($"A multistream message is at most {MultistreamSelect.MaxMessageLength} bytes; '{text}' is {body}.", nameof(text));
        int n = Varint.Write((ulong)body, destination);
        n += StrictUtf8.GetBytes(text, destination[n..]);
        destination[n++] = (byte)'\n';
        return n;
    }

    /// <summary>Encodes several messages back to back, so they leave in one write (saves a round trip, as go and js do).</summary>
    public static byte[] Encode(params ReadOnlySpan<string> texts)
    {
        int total = 0;
        foreach (var t in texts) total += GetEncodedLength(t);
        var buffer = new byte[total];
        int offset = 0;
        foreach (var t in texts) offset += Write(t, buffer.AsSpan(offset));
        return buffer;
    }

    /// <summary>Checks an outgoing protocol id before anything is sent.</summary>
    public static void ValidateProtocolId(string protocol)
    {
        ArgumentException.ThrowIfNullOrEmpty(protocol);
        if (protocol.Contains('\n'))
            throw new ArgumentException("A protocol id cannot contain a newline.", nameof(protocol));
        if (StrictUtf8.GetByteCount(protocol) + 1 > MultistreamSelect.MaxMessageLength)
            throw new ArgumentException($"Protocol id is longer than {MultistreamSelect.MaxMessageLength - 1} bytes.", nameof(protocol));
    }

    /// <summary>
    /// Reads one message: the varint one byte at a time (so nothing past it is consumed), the length checked
    /// against the limit before anything is allocated, then exactly the body.
    /// </summary>
    public static async ValueTask<string> ReadAsync(IDuplexStream stream, CancellationToken cancellationToken)
    {
        // Two varint bytes cover every length up to 16383, far above the limit; a third byte is already too long.
        var one = new byte[1];
        ulong length = 0;
        for (int i = 0; ; i++)
        {
            int n = await stream.ReadAsync(one, cancellationToken).ConfigureAwait(false);
            if (n == 0)
                throw new MultistreamException(MultistreamError.UnexpectedEndOfStream, "The stream ended while a multistream-select message length was expected.");
            byte b = one[0];
            if (i > 0 && b == 0)
                throw new MultistreamException(MultistreamError.ProtocolViolation, "The message length varint is not minimally encoded.");
            length |= (ulong)(b & 0x7F) << (7 * i);
            if (length > MultistreamSelect.MaxMessageLength)
                throw new MultistreamException(MultistreamError.MessageTooLong, $"A multistream-select message is longer than {MultistreamSelect.MaxMessageLength} bytes.");
            if (b < 0x80) break;
            if (i == 1) // a third byte would mean >= 16384
                throw new MultistreamException(MultistreamError.MessageTooLong, $"A multistream-select message is longer than {MultistreamSelect.MaxMessageLength} bytes.");
        }
        if (length == 0)
            throw new MultistreamException(MultistreamError.ProtocolViolation, "Empty multistream-select message (the trailing newline is missing).");

        var body = new byte[(int)length];
        try
        {
            await stream.ReadExactlyAsync(body, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException e)
        {
            throw new MultistreamException(MultistreamError.UnexpectedEndOfStream, "The stream ended inside a multistream-select message.", e);
        }
        if (body[^1] != (byte)'\n')
            throw new MultistreamException(MultistreamError.ProtocolViolation, "A multistream-select message does not end with a newline.");
        try
        {
            return StrictUtf8.GetString(body, 0, body.Length - 1);
        }
        catch (DecoderFallbackException e)
        {
            throw new MultistreamException(MultistreamError.ProtocolViolation, "A multistream-select message is not valid UTF-8.", e);
        }
    }
}
