using FsCheck.Xunit;
using Libp2p.Core;
using Libp2p.Multistream;

namespace Libp2p.Tests.Multistream;

/// <summary>Hostile bytes give a result or a <see cref="MultistreamException"/>: nothing else, never a hang.</summary>
public class MultistreamFuzzProperties
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static async Task ExpectResultOrOwnException(Func<Task> run)
    {
        try { await run().WaitAsync(Timeout); }
        catch (MultistreamException) { }
    }

    [Property(MaxTest = 300)]
    public async Task ListenerOnArbitraryBytes(byte[] input, bool withHeader)
    {
        var (a, b) = InMemoryDuplex.CreatePair();
        byte[] bytes = withHeader ? [.. MultistreamSelectTests.Msg("/multistream/1.0.0"), .. input] : input;
        await a.WriteAsync(bytes);
        await a.CloseWriteAsync();
        await ExpectResultOrOwnException(async () => await MultistreamSelect.HandleAsync(b, p => p.Length % 2 == 0));
    }

    [Property(MaxTest = 300)]
    public async Task DialerOnArbitraryBytes(byte[] input, bool withHeader)
    {
        var (a, b) = InMemoryDuplex.CreatePair();
        byte[] bytes = withHeader ? [.. MultistreamSelectTests.Msg("/multistream/1.0.0"), .. input] : input;
        await b.WriteAsync(bytes);
        await b.CloseWriteAsync();
        await ExpectResultOrOwnException(async () => await MultistreamSelect.SelectAsync(a, ["/a", "/b"]));
    }

    [Property(MaxTest = 300)]
    public async Task LazyDialerOnArbitraryBytes(byte[] input, bool withHeader)
    {
        var (a, b) = InMemoryDuplex.CreatePair();
        byte[] bytes = withHeader ? [.. MultistreamSelectTests.Msg("/multistream/1.0.0"), .. input] : input;
        await b.WriteAsync(bytes);
        await b.CloseWriteAsync();
        var lazy = MultistreamSelect.SelectLazy(a, "/a");
        await ExpectResultOrOwnException(async () => await lazy.ReadAsync(new byte[16]));
    }
}
