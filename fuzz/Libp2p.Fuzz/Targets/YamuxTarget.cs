using Libp2p.Yamux;

namespace Libp2p.Fuzz;

/// <summary>
/// A Yamux session reading the input as the peer's frames (headers, SYN/ACK/FIN/RST, windows, pings, GoAway, data):
/// the session ends cleanly at EOF or with a protocol error; it never throws anything else and never hangs.
/// The first byte picks which side the session plays (stream-id parity).
/// </summary>
internal static class YamuxTarget
{
    public static readonly FuzzTarget Target = new("yamux", "YamuxHeader.Read + YamuxSession read loop", Run, Seeds);

    private static void Run(byte[] data)
    {
        if (data.Length == 0) return;
        for (int i = 1; i + YamuxHeader.Size <= data.Length; i += YamuxHeader.Size)
        {
            try { _ = YamuxHeader.Read(data.AsSpan(i, YamuxHeader.Size)); }
            catch (YamuxProtocolException) { }
        }
        var options = new YamuxOptions { KeepAliveInterval = null, MaxStreams = 64, MaxUnacknowledgedInboundStreams = 16 };
        var session = new YamuxSession(new ReplayStream(data[1..], 1 + data[0] % 97), isInitiator: data[0] % 2 == 0, options);
        session.Start();
        FuzzTargets.RunBounded(async () =>
        {
            try { await session.Completion; }
            catch (YamuxProtocolException) { }
            catch (YamuxSessionClosedException) { }
        }, "Yamux session");
    }

    private static IEnumerable<byte[]> Seeds()
    {
        static byte[] Frame(byte type, ushort flags, uint id, uint length, params byte[] payload)
        {
            var b = new byte[YamuxHeader.Size + payload.Length];
            b[1] = type;
            b[2] = (byte)(flags >> 8); b[3] = (byte)flags;
            b[4] = (byte)(id >> 24); b[5] = (byte)(id >> 16); b[6] = (byte)(id >> 8); b[7] = (byte)id;
            b[8] = (byte)(length >> 24); b[9] = (byte)(length >> 16); b[10] = (byte)(length >> 8); b[11] = (byte)length;
            payload.CopyTo(b, YamuxHeader.Size);
            return b;
        }
        // As responder (even first byte): the peer opens odd ids.
        yield return [0, .. Frame(1, 1, 1, 0), .. Frame(0, 0, 1, 3, 1, 2, 3), .. Frame(1, 4, 1, 0)];
        yield return [2, .. Frame(2, 1, 0, 7), .. Frame(2, 2, 0, 1), .. Frame(3, 0, 0, 0)];
        yield return [4, .. Frame(0, 1, 3, 2, 9, 9), .. Frame(1, 8, 3, 0), .. Frame(1, 0, 3, 65536)];
    }
}
