using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Libp2p.Yamux;

namespace Libp2p.Tests.Yamux;

/// <summary>Hostile input: whatever the peer sends, the session ends cleanly or with its own exception, never hangs.</summary>
public class YamuxFuzzTests
{
    private static bool SessionSurvives(byte[] input)
    {
        var (session, peer) = RawYamuxPeer.Create();
        try
        {
            var drain = peer.DrainAsync();
            peer.Io.WriteAsync(input).AsTask().WaitAsync(RawYamuxPeer.Timeout).GetAwaiter().GetResult();
            peer.Io.CloseWriteAsync().AsTask().GetAwaiter().GetResult();
            try
            {
                session.Completion.WaitAsync(RawYamuxPeer.Timeout).GetAwaiter().GetResult();
            }
            catch (YamuxProtocolException) { }
            catch (YamuxSessionClosedException) { }
            drain.WaitAsync(RawYamuxPeer.Timeout).GetAwaiter().GetResult();
            return session.StreamCount == 0;
        }
        finally
        {
            session.DisposeAsync().AsTask().WaitAsync(RawYamuxPeer.Timeout).GetAwaiter().GetResult();
        }
    }

    [Property(MaxTest = 200)]
    public bool ArbitraryBytesEndTheSessionCleanly(byte[] input) => SessionSurvives(input);

    /// <summary>Frames with plausible headers reach deeper states (streams, windows, pings, GoAway) than random bytes.</summary>
    [Property(MaxTest = 200)]
    public Property PlausibleFramesEndTheSessionCleanly()
    {
        var frame =
            from type in Gen.Choose(0, 4)
            from flags in Gen.Choose(0, 15)
            from id in Gen.Choose(0, 6)
            from length in Gen.OneOf(Gen.Choose(0, 300), Gen.Choose(0, 300_000), Gen.Constant(int.MaxValue))
            from payloadLength in Gen.Choose(0, 300)
            select Frame(type, flags, id, length, payloadLength);
        var frames = Gen.Choose(0, 20).SelectMany(count => Gen.ListOf(frame, count)).Select(list => list.SelectMany(f => f).ToArray());
        return Prop.ForAll(frames.ToArbitrary(), SessionSurvives);
    }

    private static byte[] Frame(int type, int flags, int id, int length, int payloadLength)
    {
        var bytes = new byte[YamuxHeader.Size + (type == 0 ? Math.Min(length, payloadLength) : 0)];
        bytes[1] = (byte)type;
        new YamuxHeader((YamuxFrameType)Math.Min(type, 3), (YamuxFlags)flags, (uint)id, (uint)length).Write(bytes);
        bytes[1] = (byte)type;
        return bytes;
    }
}
