using Libp2p.Core;

namespace Libp2p.Tests.Core;

/// <summary>
/// Checks <see cref="IDuplexStream.ReadAsync"/>'s zero-byte contract on any implementation: with an empty buffer
/// it waits until data is available (or EOF), consumes nothing and returns 0; a following real read gets the data.
/// </summary>
internal static class ZeroByteReadContract
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    // Long enough for an implementation that returns at once to have done so; a correct one never completes here.
    private static readonly TimeSpan NotBefore = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// <paramref name="writer"/>'s bytes arrive at <paramref name="reader"/>. Ends with <paramref name="writer"/>
    /// half-closed and <paramref name="reader"/> at EOF.
    /// </summary>
    public static async Task AssertAsync(IDuplexStream writer, IDuplexStream reader)
    {
        // 1. Nothing sent: the zero-byte read waits.
        var wait = reader.ReadAsync(Memory<byte>.Empty).AsTask();
        await Task.Delay(NotBefore);
        Assert.False(wait.IsCompleted, "a zero-byte read completed before any data was sent");

        // 2. Data sent: it completes with 0, and so does a second one (nothing was consumed).
        await writer.WriteAsync("abc"u8.ToArray()).AsTask().WaitAsync(Timeout);
        Assert.Equal(0, await wait.WaitAsync(Timeout));
        Assert.Equal(0, await reader.ReadAsync(Memory<byte>.Empty).AsTask().WaitAsync(Timeout));

        // 3. The real read gets every byte.
        var got = new byte[3];
        await reader.ReadExactlyAsync(got).AsTask().WaitAsync(Timeout);
        Assert.Equal("abc"u8.ToArray(), got);

        // 4. Drained again: it waits again; EOF wakes it, and the real read then sees EOF.
        wait = reader.ReadAsync(Memory<byte>.Empty).AsTask();
        await Task.Delay(NotBefore);
        Assert.False(wait.IsCompleted, "a zero-byte read completed on a drained stream");
        await writer.CloseWriteAsync().AsTask().WaitAsync(Timeout);
        Assert.Equal(0, await wait.WaitAsync(Timeout));
        Assert.Equal(0, await reader.ReadAsync(new byte[8]).AsTask().WaitAsync(Timeout));
    }
}
