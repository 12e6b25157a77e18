using System.Buffers;
using Google.Protobuf;
using Libp2p.Core;
using Libp2p.Multiformats;
using IdentifyMessage = Libp2p.Protocols.Identify.Pb.Identify;

namespace Libp2p.Protocols.Identify;

/// <summary>
/// Identify on the wire: one or more varint-length-prefixed Identify messages, then EOF; the
/// receiver merges them. The spec text says "an Identify message", but go-libp2p and js-libp2p
/// frame it with a varint length, and go-libp2p splits a message over 2 KiB into parts (the signed
/// peer record in its own part). Both read up to 10 parts of at most 8 KiB each and merge them
/// (libp2p/specs PR 709); we do the same.
/// </summary>
internal static class IdentifyFraming
{
    /// <summary>At most this many parts on one stream (go-libp2p <c>maxMessages</c>, js <c>MAX_IDENTIFY_MESSAGES</c>).</summary>
    public const int MaxParts = 10;

    /// <summary>
    /// Reads parts until EOF and merges them (repeated fields concatenate, later scalars win).
    /// More than <see cref="MaxParts"/> parts is an error, as in go-libp2p; js-libp2p silently
    /// ignores the rest, and also keeps what it has when a later part is malformed — we reject.
    /// </summary>
    public static async ValueTask<IdentifyMessage> ReadMergedAsync(IDuplexStream stream, int maxPartSize, CancellationToken ct)
    {
        var merged = new IdentifyMessage();
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(maxPartSize, Varint.MaxLength));
        int parts = 0;
        while (true)
        {
            int? length = await ReadLengthAsync(stream, buffer, maxPartSize, ct).ConfigureAwait(false);
            if (length is null)
                break;
            if (++parts > MaxParts)
                throw new IdentifyException($"The identify stream carries more than {MaxParts} messages.");

            Memory<byte> payload = buffer.AsMemory(0, length.Value);
            int got = 0;
            while (got < payload.Length)
            {
                int n = await stream.ReadAsync(payload[got..], ct).ConfigureAwait(false);
                if (n == 0)
                    throw new IdentifyException($"The identify stream ended {got} byte(s) into a {payload.Length}-byte message.");
                got += n;
            }
            // Filtered in place (it only ever moves bytes towards the front).
            int kept = IdentifyPartFilter.Filter(payload.Span, payload.Span, merged.ListenAddrs.Count, merged.Protocols.Count);
            merged.MergeFrom(Parse(kept < 0 ? payload.Span : payload.Span[..kept]));
            Trim(merged);
        }
        if (parts == 0)
            throw new IdentifyException("The identify stream ended without an identify message.");
        // Back to the pool only on success: after a failed or cancelled call the stream below may
        // still hold the buffer, so it is left to the GC instead.
        ArrayPool<byte>.Shared.Return(buffer);
        return merged;
    }

    /// <summary>
    /// Caps what a peer can make us keep, after every part (so ten parts never hold more than one part's worth over
    /// the caps): empty or overlong protocol ids are dropped, listen addresses and protocols beyond <see cref="IdentifyProtocol.MaxListenAddresses"/> and
    /// <see cref="IdentifyProtocol.MaxProtocols"/> are dropped, as go-libp2p does.
    /// </summary>
    internal static void Trim(IdentifyMessage message)
    {
        var addrs = message.ListenAddrs;
        while (addrs.Count > IdentifyProtocol.MaxListenAddresses) addrs.RemoveAt(addrs.Count - 1);
        var protocols = message.Protocols;
        for (int i = protocols.Count - 1; i >= 0; i--)
            if (protocols[i].Length == 0 || protocols[i].Length > IdentifyProtocol.MaxProtocolIdLength) protocols.RemoveAt(i);
        while (protocols.Count > IdentifyProtocol.MaxProtocols) protocols.RemoveAt(protocols.Count - 1);
    }

    /// <summary>One part's payload; only <see cref="IdentifyException"/> escapes.</summary>
    public static IdentifyMessage Parse(ReadOnlySpan<byte> payload)
    {
        try
        {
            return IdentifyMessage.Parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new IdentifyException($"Malformed identify message: {e.Message}", e);
        }
    }

    /// <summary>
    /// The varint length of the next part, read a byte at a time so nothing past it is consumed;
    /// null at a clean EOF before the first byte.
    /// </summary>
    private static async ValueTask<int?> ReadLengthAsync(IDuplexStream stream, byte[] scratch, int maxPartSize, CancellationToken ct)
    {
        for (int i = 0; i < Varint.MaxLength; i++)
        {
            int n = await stream.ReadAsync(scratch.AsMemory(i, 1), ct).ConfigureAwait(false);
            if (n == 0)
            {
                if (i == 0)
                    return null;
                throw new IdentifyException("The identify stream ended inside a length prefix.");
            }
            ulong length;
            try
            {
                if (!Varint.TryRead(scratch.AsSpan(0, i + 1), out length, out _))
                    continue;
            }
            catch (VarintFormatException e)
            {
                throw new IdentifyException($"Bad identify length prefix: {e.Message}", e);
            }
            if (length > (ulong)maxPartSize)
                throw new IdentifyException($"The identify message is {length} bytes; at most {maxPartSize} are accepted.");
            return (int)length;
        }
        throw new IdentifyException("Bad identify length prefix: longer than 9 bytes.");
    }

    /// <summary>
    /// All parts of <paramref name="info"/>, each length-prefixed, in one buffer. Fields are packed
    /// greedily into parts of at most <paramref name="maxPartSize"/> bytes: a usual message is one
    /// part; a large one still merges to the same content at go and js receivers.
    /// </summary>
    /// <exception cref="IdentifyException">A single field, or the whole, exceeds what a receiver accepts.</exception>
    public static byte[] Encode(IdentifyInfo info, int maxPartSize)
    {
        ArgumentNullException.ThrowIfNull(info);
        var parts = new List<IdentifyMessage>();
        var current = new IdentifyMessage();
        int size = 0;

        // Every field number is below 16, so each field's tag is one byte.
        void Add(int fieldSize, Action<IdentifyMessage> set)
        {
            int itemSize = 1 + fieldSize;
            if (itemSize > maxPartSize)
                throw new IdentifyException($"An identify field of {itemSize} bytes exceeds the {maxPartSize}-byte message limit.");
            if (size + itemSize > maxPartSize)
            {
                parts.Add(current);
                current = new IdentifyMessage();
                size = 0;
            }
            set(current);
            size += itemSize;
        }

        if (info.ProtocolVersion.Length > 0)
            Add(CodedOutputStream.ComputeStringSize(info.ProtocolVersion), m => m.ProtocolVersion = info.ProtocolVersion);
        if (info.AgentVersion.Length > 0)
            Add(CodedOutputStream.ComputeStringSize(info.AgentVersion), m => m.AgentVersion = info.AgentVersion);
        if (info.PublicKey.Length > 0)
        {
            ByteString key = ByteString.CopyFrom(info.PublicKey);
            Add(CodedOutputStream.ComputeBytesSize(key), m => m.PublicKey = key);
        }
        if (info.ObservedAddress is { } observedAddr)
        {
            ByteString observed = ByteString.CopyFrom(observedAddr.ToBytes());
            Add(CodedOutputStream.ComputeBytesSize(observed), m => m.ObservedAddr = observed);
        }
        foreach (Multiaddr addr in info.ListenAddresses)
        {
            ByteString bytes = ByteString.CopyFrom(addr.ToBytes());
            Add(CodedOutputStream.ComputeBytesSize(bytes), m => m.ListenAddrs.Add(bytes));
        }
        foreach (string protocol in info.Protocols)
            Add(CodedOutputStream.ComputeStringSize(protocol), m => m.Protocols.Add(protocol));
        if (info.SignedPeerRecord is { Length: > 0 } record)
        {
            ByteString spr = ByteString.CopyFrom(record);
            Add(CodedOutputStream.ComputeBytesSize(spr), m => m.SignedPeerRecord = spr);
        }
        parts.Add(current);

        if (parts.Count > MaxParts)
            throw new IdentifyException($"The identify message needs {parts.Count} parts; receivers accept at most {MaxParts}.");

        int total = 0;
        foreach (IdentifyMessage part in parts)
        {
            int partSize = part.CalculateSize();
            total += Varint.GetLength((ulong)partSize) + partSize;
        }
        byte[] output = new byte[total];
        int offset = 0;
        foreach (IdentifyMessage part in parts)
        {
            int partSize = part.CalculateSize();
            offset += Varint.Write((ulong)partSize, output.AsSpan(offset));
            part.WriteTo(output.AsSpan(offset, partSize));
            offset += partSize;
        }
        return output;
    }
}
