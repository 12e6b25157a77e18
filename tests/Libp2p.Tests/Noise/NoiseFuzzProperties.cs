using FsCheck.Xunit;
using Libp2p.Core;
using Libp2p.Noise;

namespace Libp2p.Tests.Noise;

/// <summary>Hostile bytes into the Noise decoders: a result or the protocol's own exception, never a hang.</summary>
public class NoiseFuzzProperties
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Property(MaxTest = 500)]
    public void PayloadDecoderGivesResultOrHandshakeException(byte[] input)
    {
        try
        {
            var p = NoiseHandshakePayload.Decode(input);
            Assert.True(p.IdentityKey.Length <= input.Length && p.StreamMuxers.Count <= NoiseHandshakePayload.MaxStreamMuxers);
        }
        catch (NoiseHandshakeException) { }
    }

    [Property(MaxTest = 300)]
    public async Task FrameReaderGivesDataEofOrTransportException(byte[] input, bool validLengthPrefix)
    {
        var (_, cr) = NoiseTestPairs.Ciphers();
        var (wire, r) = InMemoryDuplex.CreatePair();
        var receiver = NoiseTestPairs.Wrap(r, cr);
        byte[] bytes = validLengthPrefix ? [(byte)(input.Length >> 8), (byte)input.Length, .. input] : input;
        await wire.WriteAsync(bytes);
        await wire.CloseWriteAsync();
        var buf = new byte[1024];
        try
        {
            // Random bytes cannot authenticate: only EOF (empty input) or the transport exception may come out.
            Assert.Equal(0, await receiver.ReadAsync(buf).AsTask().WaitAsync(Timeout));
            Assert.Empty(bytes);
        }
        catch (NoiseTransportException) { }
    }

    [Property(MaxTest = 100)]
    public async Task ResponderHandshakeOnArbitraryBytesFailsCleanly(byte[] input, bool validLengthPrefix)
    {
        var (wire, r) = InMemoryDuplex.CreatePair();
        byte[] bytes = validLengthPrefix ? [(byte)(input.Length >> 8), (byte)input.Length, .. input] : input;
        await wire.WriteAsync(bytes);
        await wire.CloseWriteAsync();
        // Whatever message 1 looks like, no message 3 follows, so the handshake must fail with its own exception.
        try
        {
            await NoiseHandshake.RespondAsync(r, NoiseHandshakeTests.Identity.Value, ["/yamux/1.0.0"]).AsTask().WaitAsync(Timeout);
            Assert.Fail("A handshake cannot complete on random bytes.");
        }
        catch (NoiseHandshakeException) { }
    }
}
