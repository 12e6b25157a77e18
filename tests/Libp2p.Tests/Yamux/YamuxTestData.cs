using Libp2p.Core;

namespace Libp2p.Tests.Yamux;

internal static class YamuxTestData
{
    public static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(20);

    /// <summary>Deterministic content that differs per stream and position, so misrouted or reordered bytes show.</summary>
    public static byte[] Pattern(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    public static async Task<byte[]> ReadToEndAsync(IDuplexStream stream, int expectedMax = 64 << 20)
    {
        var output = new MemoryStream();
        var buffer = new byte[64 * 1024];
        while (true)
        {
            int n = await stream.ReadAsync(buffer).AsTask().WaitAsync(TestTimeout);
            if (n == 0) return output.ToArray();
            output.Write(buffer, 0, n);
            Assert.True(output.Length <= expectedMax, "read more than expected");
        }
    }

    public static async Task WriteChunkedAsync(IDuplexStream stream, byte[] data, int chunk)
    {
        for (int offset = 0; offset < data.Length; offset += chunk)
            await stream.WriteAsync(data.AsMemory(offset, Math.Min(chunk, data.Length - offset))).AsTask().WaitAsync(TestTimeout);
    }

    /// <summary>Polls a condition (bounded); used for state that settles asynchronously, never for timing.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TestTimeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached in time");
            await Task.Delay(5);
        }
    }
}
