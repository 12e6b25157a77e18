using System.Buffers.Binary;

namespace Libp2p.Attacks;

/// <summary>
/// The attacker's Yamux, frame by frame over <see cref="RawNoise"/>: it writes whatever frames an attack wants and,
/// when told to read, decrypts what the node sends and counts the frames that matter (pongs, RSTs, GoAway).
/// </summary>
public sealed class RawYamux : IAsyncDisposable
{
    public const byte Data = 0, WindowUpdate = 1, Ping = 2, GoAway = 3;
    public const ushort Syn = 1, Ack = 2, Fin = 4, Rst = 8;

    private readonly RawSocket _socket;
    private readonly RawNoise _noise;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private uint _nextId = 1;
    private int _pongs, _resets, _acks;
    private long _dataBytes;

    public RawYamux(RawSocket socket, RawNoise noise)
    {
        _socket = socket;
        _noise = noise;
    }

    public RawSocket Socket => _socket;
    public int Pongs => Volatile.Read(ref _pongs);
    public int Resets => Volatile.Read(ref _resets);
    public int Acks => Volatile.Read(ref _acks);
    public long DataBytes => Interlocked.Read(ref _dataBytes);
    public uint? GoAwayCode { get; private set; }

    /// <summary>Completes when the node closed or reset the connection (only while <see cref="StartReading"/> runs).</summary>
    public Task Closed { get; private set; } = Task.CompletedTask;

    /// <summary>Handshake from <paramref name="source"/> to <paramref name="target"/> and a Yamux session over it.</summary>
    public static async Task<RawYamux> ConnectAsync(System.Net.IPAddress source, System.Net.IPEndPoint target, RawIdentity identity, CancellationToken ct)
    {
        var socket = await RawSocket.ConnectAsync(source, target, ct).ConfigureAwait(false);
        try { return new RawYamux(socket, await RawNoise.HandshakeAsync(socket, identity, HandshakeForgery.None, ct).ConfigureAwait(false)); }
        catch
        {
            await socket.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public uint NextStreamId()
    {
        uint id = _nextId;
        _nextId += 2;
        return id;
    }

    public static byte[] Frame(byte type, ushort flags, uint stream, uint length, ReadOnlySpan<byte> payload = default)
    {
        var frame = new byte[12 + payload.Length];
        frame[1] = type;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), flags);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), stream);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(8), length);
        payload.CopyTo(frame.AsSpan(12));
        return frame;
    }

    public static byte[] DataFrame(uint stream, ushort flags, ReadOnlySpan<byte> payload) => Frame(Data, flags, stream, (uint)payload.Length, payload);

    /// <summary>Seals <paramref name="plaintext"/> (any number of Yamux frames) and writes it.</summary>
    public async Task SendAsync(byte[] plaintext, CancellationToken ct)
    {
        var sealedBytes = _noise.SealAll(plaintext);
        await _writeLock.WaitAsync(ct).ConfigureAwait(false);
        try { await _socket.WriteAsync(sealedBytes, ct).ConfigureAwait(false); }
        finally { _writeLock.Release(); }
    }

    /// <summary>Reads and decrypts everything the node sends, counting frames, until the connection ends.</summary>
    public void StartReading(CancellationToken ct) => Closed = ReadLoopAsync(ct);

    private async Task ReadLoopAsync(CancellationToken ct)
    {
        var pending = new byte[1 << 20];
        int start = 0, end = 0;
        var prefix = new byte[2];
        try
        {
            while (true)
            {
                await _socket.ReadExactlyAsync(prefix, ct).ConfigureAwait(false);
                var body = new byte[BinaryPrimitives.ReadUInt16BigEndian(prefix)];
                await _socket.ReadExactlyAsync(body, ct).ConfigureAwait(false);
                var plain = _noise.Open(body);
                if (end + plain.Length > pending.Length)
                {
                    Buffer.BlockCopy(pending, start, pending, 0, end - start);
                    end -= start;
                    start = 0;
                    if (end + plain.Length > pending.Length) Array.Resize(ref pending, (end + plain.Length) * 2);
                }
                plain.CopyTo(pending, end);
                end += plain.Length;
                while (end - start >= 12)
                {
                    var h = pending.AsSpan(start, 12);
                    byte type = h[1];
                    ushort flags = BinaryPrimitives.ReadUInt16BigEndian(h[2..]);
                    uint length = BinaryPrimitives.ReadUInt32BigEndian(h[8..]);
                    long frameLength = 12 + (type == Data ? (long)length : 0);
                    if (end - start < frameLength) break;
                    start += (int)frameLength;
                    if (type == Ping && (flags & Ack) != 0) Interlocked.Increment(ref _pongs);
                    if (type == GoAway) GoAwayCode = length;
                    if ((flags & Rst) != 0) Interlocked.Increment(ref _resets);
                    if ((flags & Ack) != 0 && type == WindowUpdate) Interlocked.Increment(ref _acks);
                    if (type == Data) Interlocked.Add(ref _dataBytes, length);
                }
                if (start == end) start = end = 0;
            }
        }
        catch (Exception e) when (e is EndOfStreamException or System.Net.Sockets.SocketException or OperationCanceledException
            or ObjectDisposedException or System.Security.Cryptography.CryptographicException) { }
    }

    public async ValueTask DisposeAsync()
    {
        await _socket.DisposeAsync().ConfigureAwait(false);
        try { await Closed.ConfigureAwait(false); } catch { }
        _writeLock.Dispose();
    }
}
