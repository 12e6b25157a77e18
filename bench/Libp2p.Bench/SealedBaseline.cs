using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Libp2p.Bench;

/// <summary>
/// The ceiling the stack is measured against: the same bytes sealed with ChaCha20-Poly1305 in frames
/// shaped like Noise transport messages (2-byte big-endian length, at most 65535 bytes of ciphertext
/// including the 16-byte tag), sent one way over a plain loopback TCP pair and opened on the receiver.
/// No multistream, no yamux, no libp2p: just TCP + the AEAD, on async socket calls like the stack's.
/// </summary>
public static class SealedBaseline
{
    private const int MaxFrame = 65535;
    private const int TagSize = 16;
    private const int MaxPlaintext = MaxFrame - TagSize;

    /// <summary>CPU microseconds per MB (both ends together) of the last <see cref="MeasureAsync"/>.</summary>
    public static double LastCpuUsPerMB { get; private set; }

    /// <summary>MB/s (10^6 bytes of plaintext per second) from the first send to the last frame opened.</summary>
    public static async Task<double> MeasureAsync(long bytes)
    {
        double cpuBefore = ProcStatus.CpuSeconds(Environment.ProcessId);
        double mbps = await MeasureCoreAsync(bytes);
        LastCpuUsPerMB = (ProcStatus.CpuSeconds(Environment.ProcessId) - cpuBefore) / (bytes / 1e6) * 1e6;
        return mbps;
    }

    private static async Task<double> MeasureCoreAsync(long bytes)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var accepting = listener.AcceptAsync();
        await sender.ConnectAsync(listener.LocalEndPoint!);
        using var receiver = await accepting;
        receiver.NoDelay = true;

        byte[] key = RandomNumberGenerator.GetBytes(32);
        long start = Stopwatch.GetTimestamp();
        var receiving = Task.Run(() => ReceiveAsync(receiver, key, bytes));
        var sending = Task.Run(() => SendAsync(sender, key, bytes));
        await Task.WhenAll(sending, receiving).WaitAsync(TimeSpan.FromMinutes(5));
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return bytes / 1e6 / seconds;
    }

    private static async Task SendAsync(Socket socket, byte[] key, long bytes)
    {
        using var aead = new ChaCha20Poly1305(key);
        var plaintext = new byte[MaxPlaintext];
        var frame = new byte[2 + MaxFrame];
        var nonce = new byte[12];
        ulong counter = 0;
        for (long left = bytes; left > 0;)
        {
            int n = (int)Math.Min(MaxPlaintext, left);
            BinaryPrimitives.WriteUInt64LittleEndian(nonce.AsSpan(4), counter++); // Noise: 4 zero bytes + LE counter
            aead.Encrypt(nonce, plaintext.AsSpan(0, n), frame.AsSpan(2, n), frame.AsSpan(2 + n, TagSize));
            BinaryPrimitives.WriteUInt16BigEndian(frame, (ushort)(n + TagSize));
            await SendAllAsync(socket, frame.AsMemory(0, 2 + n + TagSize));
            left -= n;
        }
        socket.Shutdown(SocketShutdown.Send);
    }

    // Buffered like a good Noise reader: one receive call fills up to two frames' worth, frames are
    // opened straight out of that buffer.
    private static async Task ReceiveAsync(Socket socket, byte[] key, long bytes)
    {
        using var aead = new ChaCha20Poly1305(key);
        var buffer = new byte[2 * (2 + MaxFrame)];
        var plaintext = new byte[MaxPlaintext];
        var nonce = new byte[12];
        ulong counter = 0;
        long received = 0;
        int start = 0, end = 0;
        while (received < bytes)
        {
            if (end - start >= 2)
            {
                int length = BinaryPrimitives.ReadUInt16BigEndian(buffer.AsSpan(start));
                if (length < TagSize) throw new InvalidDataException("short frame");
                if (end - start >= 2 + length)
                {
                    int n = length - TagSize;
                    BinaryPrimitives.WriteUInt64LittleEndian(nonce.AsSpan(4), counter++);
                    aead.Decrypt(nonce, buffer.AsSpan(start + 2, n), buffer.AsSpan(start + 2 + n, TagSize), plaintext.AsSpan(0, n));
                    received += n;
                    start += 2 + length;
                    continue;
                }
                if (buffer.Length - start < 2 + length)
                {
                    buffer.AsSpan(start, end - start).CopyTo(buffer);
                    end -= start;
                    start = 0;
                }
            }
            else if (start > 0)
            {
                buffer.AsSpan(start, end - start).CopyTo(buffer);
                end -= start;
                start = 0;
            }
            int got = await socket.ReceiveAsync(buffer.AsMemory(end), SocketFlags.None);
            if (got == 0) throw new EndOfStreamException("sender closed early");
            end += got;
        }
    }

    private static async ValueTask SendAllAsync(Socket socket, ReadOnlyMemory<byte> data)
    {
        while (!data.IsEmpty)
            data = data[await socket.SendAsync(data, SocketFlags.None)..];
    }
}
