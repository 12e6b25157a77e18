using Libp2p.Core;
using Libp2p.Yamux;

namespace Libp2p.Tests.Yamux;

/// <summary>A hand-driven Yamux peer: writes crafted frames and reads what the session under test sends.</summary>
internal sealed class RawYamuxPeer(IDuplexStream io)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly byte[] _header = new byte[YamuxHeader.Size];

    public IDuplexStream Io => io;

    /// <summary>A session under test (server unless said otherwise) wired to a raw peer.</summary>
    public static (YamuxSession Session, RawYamuxPeer Peer) Create(bool sessionIsInitiator = false, YamuxOptions? options = null)
    {
        var (a, b) = InMemoryDuplex.CreatePair(8 << 20);
        var session = new YamuxSession(a, sessionIsInitiator, options ?? new YamuxOptions { KeepAliveInterval = null });
        session.Start();
        return (session, new RawYamuxPeer(b));
    }

    public async Task WriteAsync(YamuxFrameType type, YamuxFlags flags, uint id, uint length, ReadOnlyMemory<byte> payload = default)
    {
        var frame = new byte[YamuxHeader.Size + payload.Length];
        new YamuxHeader(type, flags, id, length).Write(frame);
        payload.CopyTo(frame.AsMemory(YamuxHeader.Size));
        await io.WriteAsync(frame).AsTask().WaitAsync(Timeout);
    }

    public Task WriteDataAsync(uint id, ReadOnlyMemory<byte> payload, YamuxFlags flags = YamuxFlags.None)
        => WriteAsync(YamuxFrameType.Data, flags, id, (uint)payload.Length, payload);

    /// <summary>Reads one frame; null at EOF.</summary>
    public async Task<(YamuxHeader Header, byte[] Payload)?> ReadFrameAsync()
    {
        int got = 0;
        while (got < YamuxHeader.Size)
        {
            int n = await io.ReadAsync(_header.AsMemory(got)).AsTask().WaitAsync(Timeout);
            if (n == 0)
            {
                Assert.Equal(0, got);
                return null;
            }
            got += n;
        }
        var header = YamuxHeader.Read(_header);
        var payload = Array.Empty<byte>();
        if (header.Type == YamuxFrameType.Data && header.Length > 0)
        {
            payload = new byte[header.Length];
            await io.ReadExactlyAsync(payload).AsTask().WaitAsync(Timeout);
        }
        return (header, payload);
    }

    /// <summary>Reads frames until one matches; pings from the session are answered on the way (like a real peer).</summary>
    public async Task<(YamuxHeader Header, byte[] Payload)> ReadUntilAsync(Func<YamuxHeader, bool> match, Action<YamuxHeader, byte[]>? onOther = null)
    {
        while (true)
        {
            var frame = await ReadFrameAsync() ?? throw new EndOfStreamException("The session closed the connection.");
            if (match(frame.Header)) return frame;
            if (frame.Header.Type == YamuxFrameType.Ping && (frame.Header.Flags & YamuxFlags.Syn) != 0)
            {
                // The session may already have closed its end (e.g. after a protocol error); the answer is best effort.
                try { await WriteAsync(YamuxFrameType.Ping, YamuxFlags.Ack, 0, frame.Header.Length); }
                catch (IOException) { }
            }
            onOther?.Invoke(frame.Header, frame.Payload);
        }
    }

    public Task<(YamuxHeader Header, byte[] Payload)> ReadGoAwayAsync()
        => ReadUntilAsync(h => h.Type == YamuxFrameType.GoAway);

    /// <summary>Reads and drops everything until EOF (keeps the session's writes flowing).</summary>
    public async Task DrainAsync()
    {
        var buffer = new byte[64 * 1024];
        while (await io.ReadAsync(buffer).AsTask().WaitAsync(Timeout) > 0) { }
    }
}
