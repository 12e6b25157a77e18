using System.Buffers.Binary;
using System.Security.Cryptography;
using Libp2p.Core;
using Libp2p.Crypto;
using Libp2p.Noise;

namespace Libp2p.Tests.Noise;

public class NoiseConnectionTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private static async Task<byte[]> ReadAll(IDuplexStream s, int count, int chunk = 4096)
    {
        var result = new byte[count];
        int got = 0;
        while (got < count)
        {
            int n = await s.ReadAsync(result.AsMemory(got, Math.Min(chunk, count - got))).AsTask().WaitAsync(Timeout);
            Assert.NotEqual(0, n);
            got += n;
        }
        return result;
    }

    [Theory]
    [InlineData(1, 4096)]
    [InlineData(65519, 100)]
    [InlineData(65520, 65519)]
    [InlineData(300_000, 1 << 20)]
    [InlineData(300_000, 7)]
    public async Task BytesRoundTripAcrossFrameBoundaries(int size, int readChunk)
    {
        var (a, b) = NoiseTestPairs.Connected();
        var data = RandomNumberGenerator.GetBytes(size);
        var write = a.WriteAsync(data).AsTask();
        var received = await ReadAll(b, size, readChunk);
        await write.WaitAsync(Timeout);
        Assert.Equal(data, received);
        await a.CloseWriteAsync();
        Assert.Equal(0, await b.ReadAsync(new byte[1]).AsTask().WaitAsync(Timeout));
        Assert.Equal(0, await b.ReadAsync(new byte[1]).AsTask().WaitAsync(Timeout));
    }

    [Fact]
    public async Task ZeroByteReadWaitsForDataConsumesNothingAndReturnsZero()
    {
        var (a, b) = NoiseTestPairs.Connected();
        await Libp2p.Tests.Core.ZeroByteReadContract.AssertAsync(a, b);
    }

    [Fact]
    public async Task ZeroByteReadReturnsAtOnceWhilePlaintextIsBuffered()
    {
        var (a, b) = NoiseTestPairs.Connected();
        await a.WriteAsync(new byte[1000]).AsTask().WaitAsync(Timeout);
        var first = new byte[10];
        Assert.Equal(10, await b.ReadAsync(first).AsTask().WaitAsync(Timeout));
        Assert.True(b.HoldsReceiveBuffer); // 990 bytes of plaintext are still buffered
        Assert.Equal(0, await b.ReadAsync(Memory<byte>.Empty).AsTask().WaitAsync(Timeout));
        Assert.Equal(990, (await ReadAll(b, 990)).Length);
    }

    [Fact]
    public async Task AnIdleConnectionHoldsNoReceiveBufferEvenWithAReadPending()
    {
        var (a, b) = NoiseTestPairs.Connected();
        Assert.False(b.HoldsReceiveBuffer);
        // Traffic in several sizes: frames decrypted straight into the caller's buffer, and frames handed out in pieces.
        foreach (int size in new[] { 1, 5000, 200_000 })
        {
            var data = RandomNumberGenerator.GetBytes(size);
            var write = a.WriteAsync(data).AsTask();
            Assert.Equal(data, await ReadAll(b, size, chunk: 3000));
            await write.WaitAsync(Timeout);
            Assert.False(b.HoldsReceiveBuffer, $"the receive buffer is still held after {size} bytes were drained");
        }
        // A real read waiting for the next frame waits with a zero-byte read below, without a buffer.
        var pending = b.ReadAsync(new byte[100]).AsTask();
        await Task.Delay(50);
        Assert.False(pending.IsCompleted);
        Assert.False(b.HoldsReceiveBuffer);
        await a.WriteAsync("x"u8.ToArray()).AsTask().WaitAsync(Timeout);
        Assert.Equal(1, await pending.WaitAsync(Timeout));
        Assert.False(b.HoldsReceiveBuffer);
    }

    [Fact]
    public async Task BothDirectionsAtOnceWithManagedCrypto()
    {
        var (a, b) = NoiseTestPairs.Connected(CryptoProvider.Managed);
        var x = RandomNumberGenerator.GetBytes(100_000);
        var y = RandomNumberGenerator.GetBytes(70_000);
        var w1 = a.WriteAsync(x).AsTask();
        var w2 = b.WriteAsync(y).AsTask();
        Assert.Equal(x, await ReadAll(b, x.Length));
        Assert.Equal(y, await ReadAll(a, y.Length));
        await Task.WhenAll(w1, w2).WaitAsync(Timeout);
    }

    [Fact]
    public async Task WritesAreSplitIntoFramesOfAtMost65535Bytes()
    {
        var (ci, _) = NoiseTestPairs.Ciphers();
        var (raw, peer) = InMemoryDuplex.CreatePair();
        var a = NoiseTestPairs.Wrap(raw, ci);
        await a.WriteAsync(new byte[150_000]).AsTask().WaitAsync(Timeout);
        await a.CloseWriteAsync();
        var lengths = new List<int>();
        var prefix = new byte[2];
        while (true)
        {
            int n = await peer.ReadAsync(prefix.AsMemory(0, 1)).AsTask().WaitAsync(Timeout);
            if (n == 0) break;
            await peer.ReadExactlyAsync(prefix.AsMemory(1, 1)).AsTask().WaitAsync(Timeout);
            int len = BinaryPrimitives.ReadUInt16BigEndian(prefix);
            lengths.Add(len);
            await peer.ReadExactlyAsync(new byte[len]).AsTask().WaitAsync(Timeout);
        }
        Assert.Equal([65535, 65535, 150_000 - 2 * 65519 + 16], lengths);
    }

    /// <summary>Counts the writes that reach the inner stream.</summary>
    private sealed class CountingStream(IDuplexStream inner) : IDuplexStream
    {
        public List<int> Writes { get; } = [];
        public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) => inner.ReadAsync(buffer, ct);
        public ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
        {
            Writes.Add(buffer.Length);
            return inner.WriteAsync(buffer, ct);
        }
        public ValueTask CloseWriteAsync(CancellationToken ct = default) => inner.CloseWriteAsync(ct);
        public void Abort(Exception? reason = null) => inner.Abort(reason);
        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }

    [Fact]
    public async Task SeveralFramesLeaveInOneInnerWriteOfAtMostFourFrames()
    {
        var (ci, cr) = NoiseTestPairs.Ciphers();
        var (raw, peerRaw) = InMemoryDuplex.CreatePair(1 << 21);
        var counting = new CountingStream(raw);
        var a = NoiseTestPairs.Wrap(counting, ci);
        var b = NoiseTestPairs.Wrap(peerRaw, cr);
        var data = RandomNumberGenerator.GetBytes(65536 + 4 * 65519 + 10);
        await a.WriteAsync(data.AsMemory(0, 65536)).AsTask().WaitAsync(Timeout);
        // 65519 + 17 bytes of plaintext: two frames, one write.
        Assert.Equal([2 + 65535 + 2 + 17 + 16], counting.Writes);
        counting.Writes.Clear();
        await a.WriteAsync(data.AsMemory(65536)).AsTask().WaitAsync(Timeout);
        // The rest is 4 full frames and one short one: the first inner write carries four frames.
        Assert.Equal(2, counting.Writes.Count);
        Assert.Equal(4 * (2 + 65535), counting.Writes[0]);
        Assert.Equal(data, await ReadAll(b, data.Length, 100_000));
    }

    /// <summary>A pipe that lets the test see and alter every byte from the sender before the receiver gets it.</summary>
    private static (NoiseConnection Sender, IDuplexStream SenderWire, IDuplexStream ReceiverWire, NoiseConnection Receiver) Intercepted()
    {
        var (ci, cr) = NoiseTestPairs.Ciphers();
        var (s, sWire) = InMemoryDuplex.CreatePair();
        var (rWire, r) = InMemoryDuplex.CreatePair();
        return (NoiseTestPairs.Wrap(s, ci), sWire, rWire, NoiseTestPairs.Wrap(r, cr));
    }

    [Theory]
    [InlineData(2)]     // first ciphertext byte
    [InlineData(20)]    // inside the tag of a 5-byte message
    public async Task TamperedCiphertextFailsAndAbortsTheConnection(int index)
    {
        var (sender, sWire, rWire, receiver) = Intercepted();
        await sender.WriteAsync(new byte[] { 1, 2, 3, 4, 5 });
        var frame = new byte[2 + 5 + 16];
        await sWire.ReadExactlyAsync(frame).AsTask().WaitAsync(Timeout);
        frame[index] ^= 0x40;
        await rWire.WriteAsync(frame);
        await Assert.ThrowsAsync<NoiseTransportException>(() => receiver.ReadAsync(new byte[64]).AsTask().WaitAsync(Timeout));
        await Assert.ThrowsAsync<NoiseTransportException>(() => receiver.ReadAsync(new byte[64]).AsTask().WaitAsync(Timeout));
        // The inner stream was aborted: its peer sees the failure.
        await Assert.ThrowsAnyAsync<Exception>(async () => { while (true) await rWire.WriteAsync(new byte[1 << 16]).AsTask().WaitAsync(Timeout); });
    }

    [Fact]
    public async Task TruncatedFrameIsAnError()
    {
        var (sender, sWire, rWire, receiver) = Intercepted();
        await sender.WriteAsync(new byte[100]);
        var frame = new byte[2 + 100 + 16];
        await sWire.ReadExactlyAsync(frame).AsTask().WaitAsync(Timeout);
        await rWire.WriteAsync(frame.AsMemory(0, 60));
        await rWire.CloseWriteAsync();
        var ex = await Assert.ThrowsAsync<NoiseTransportException>(() => receiver.ReadAsync(new byte[200]).AsTask().WaitAsync(Timeout));
        Assert.Contains("inside a Noise frame", ex.Message);
    }

    [Fact]
    public async Task FrameShorterThanTagIsAnError()
    {
        var (_, _, rWire, receiver) = Intercepted();
        await rWire.WriteAsync(new byte[] { 0, 5, 1, 2, 3, 4, 5 });
        await Assert.ThrowsAsync<NoiseTransportException>(() => receiver.ReadAsync(new byte[200]).AsTask().WaitAsync(Timeout));
    }

    [Fact]
    public async Task ReplayedFrameFails()
    {
        var (sender, sWire, rWire, receiver) = Intercepted();
        await sender.WriteAsync(new byte[] { 9 });
        var frame = new byte[2 + 1 + 16];
        await sWire.ReadExactlyAsync(frame).AsTask().WaitAsync(Timeout);
        await rWire.WriteAsync(frame);
        await rWire.WriteAsync(frame);
        Assert.Equal(1, await receiver.ReadAsync(new byte[8]).AsTask().WaitAsync(Timeout));
        await Assert.ThrowsAsync<NoiseTransportException>(() => receiver.ReadAsync(new byte[8]).AsTask().WaitAsync(Timeout));
    }

    [Fact]
    public async Task EmptyFrameIsSkippedNotEof()
    {
        var (ci, cr) = NoiseTestPairs.Ciphers();
        var (rWire, r) = InMemoryDuplex.CreatePair();
        var receiver = NoiseTestPairs.Wrap(r, cr);
        // Hand-seal an empty frame then a 1-byte frame with the sender's cipher.
        var empty = new byte[2 + 16];
        BinaryPrimitives.WriteUInt16BigEndian(empty, 16);
        ci.Send.EncryptWithAd([], [], empty.AsSpan(2));
        var one = new byte[2 + 17];
        BinaryPrimitives.WriteUInt16BigEndian(one, 17);
        ci.Send.EncryptWithAd([], [42], one.AsSpan(2));
        await rWire.WriteAsync((byte[])[.. empty, .. one]);
        var buf = new byte[4];
        Assert.Equal(1, await receiver.ReadAsync(buf).AsTask().WaitAsync(Timeout));
        Assert.Equal(42, buf[0]);
    }

    [Fact]
    public async Task SendNonceExhaustionClosesBeforeTheReservedNonce()
    {
        var (a, b) = NoiseTestPairs.Connected();
        a.SetNonces(NoiseCipherState.ReservedNonce - 1, 0);
        b.SetNonces(0, NoiseCipherState.ReservedNonce - 1);
        await a.WriteAsync(new byte[] { 1 }).AsTask().WaitAsync(Timeout); // uses 2^64-2, the last one allowed
        Assert.Equal(1, await b.ReadAsync(new byte[4]).AsTask().WaitAsync(Timeout));
        await Assert.ThrowsAsync<NoiseTransportException>(() => a.WriteAsync(new byte[] { 2 }).AsTask().WaitAsync(Timeout));
        await Assert.ThrowsAnyAsync<Exception>(() => b.ReadAsync(new byte[4]).AsTask().WaitAsync(Timeout));
    }

    [Fact]
    public async Task ReceiveNonceExhaustionFailsTheRead()
    {
        var (a, b) = NoiseTestPairs.Connected();
        b.SetNonces(0, NoiseCipherState.ReservedNonce);
        await a.WriteAsync(new byte[] { 1 }).AsTask().WaitAsync(Timeout);
        var ex = await Assert.ThrowsAsync<NoiseTransportException>(() => b.ReadAsync(new byte[4]).AsTask().WaitAsync(Timeout));
        Assert.Contains("nonce", ex.Message);
    }

    [Fact]
    public async Task AbortAndCloseWriteForwardToInner()
    {
        var (ci, _) = NoiseTestPairs.Ciphers();
        var (raw, peer) = InMemoryDuplex.CreatePair();
        var a = NoiseTestPairs.Wrap(raw, ci);
        await a.CloseWriteAsync();
        Assert.Equal(0, await peer.ReadAsync(new byte[1]).AsTask().WaitAsync(Timeout));
        a.Abort(new IOException("boom"));
        await Assert.ThrowsAnyAsync<Exception>(() => peer.WriteAsync(new byte[1]).AsTask().WaitAsync(Timeout));
    }

    [Fact]
    public async Task BulkTransferArrivesIntactAndPrintsThroughput()
    {
        // The figure is for the log only (no timed assertion); the assertion is that every byte arrives intact.
        foreach (var crypto in new[] { CryptoProvider.Default, CryptoProvider.Managed })
        {
            var (a, b) = NoiseTestPairs.Connected(crypto, 1 << 22);
            const int total = 16 << 20;
            var chunk = new byte[256 * 1024];
            for (int k = 0; k < chunk.Length; k++) chunk[k] = (byte)(k * 7);
            var reader = Task.Run(async () =>
            {
                var buf = new byte[256 * 1024];
                long got = 0, mismatches = 0;
                while (got < total)
                {
                    int n = await b.ReadAsync(buf);
                    if (n == 0) break;
                    // Sample every 997th stream position against the known pattern (cheap enough not to hide the figure).
                    for (long pos = (got + 996) / 997 * 997; pos < got + n; pos += 997)
                        if (buf[pos - got] != (byte)(pos % chunk.Length * 7)) mismatches++;
                    got += n;
                }
                return (got, mismatches);
            });
            var sw = System.Diagnostics.Stopwatch.StartNew();
            for (long sent = 0; sent < total; sent += chunk.Length)
            {
                await a.WriteAsync(chunk).AsTask().WaitAsync(TimeSpan.FromSeconds(120));
            }
            var (received, mismatches) = await reader.WaitAsync(TimeSpan.FromSeconds(120));
            Console.WriteLine($"noise over InMemoryDuplex ({crypto.Name}): {total / sw.Elapsed.TotalSeconds / 1e6:F0} MB/s (Debug build, machine shared)");
            Assert.Equal(total, received);
            Assert.Equal(0, mismatches);
        }
    }
}
