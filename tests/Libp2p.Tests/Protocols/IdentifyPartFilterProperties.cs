using System.Text;
using FsCheck.Xunit;
using Google.Protobuf;
using Libp2p.Protocols.Identify;
using IdentifyMessage = Libp2p.Protocols.Identify.Pb.Identify;

namespace Libp2p.Tests.Protocols;

/// <summary>
/// <see cref="IdentifyPartFilter"/> drops before parsing what the caps drop after it: the merged message must be the
/// same either way, and a part full of addresses beyond the cap must cost far less to take in.
/// </summary>
public class IdentifyPartFilterProperties
{
    [Property(MaxTest = 300)]
    public bool FilteringBeforeParsingKeepsExactlyWhatTrimmingAfterParsingKeeps(int seed)
    {
        var random = new Random(seed);
        var parts = Enumerable.Range(0, random.Next(1, 6)).Select(_ => RandomPart(random)).ToArray();

        var reference = new IdentifyMessage();
        foreach (var part in parts)
        {
            reference.MergeFrom(IdentifyFraming.Parse(part));
            IdentifyFraming.Trim(reference);
        }

        var filtered = new IdentifyMessage();
        foreach (var part in parts)
        {
            byte[] copy = [.. part];
            int kept = IdentifyPartFilter.Filter(copy, copy, filtered.ListenAddrs.Count, filtered.Protocols.Count);
            filtered.MergeFrom(IdentifyFraming.Parse(kept < 0 ? part : copy.AsSpan(0, kept)));
            IdentifyFraming.Trim(filtered);
        }
        return reference.Equals(filtered);
    }

    [Fact]
    public void APartOfAddressesBeyondTheCapIsTakenInWithAFractionOfTheAllocations()
    {
        byte[] tiny = [0x04, 1, 2, 3, 4];
        var full = new IdentifyMessage();
        while (full.CalculateSize() < IdentifyProtocol.MaxMessageSize - 16) full.ListenAddrs.Add(ByteString.CopyFrom(tiny));
        byte[] part = full.ToByteArray();
        Assert.True(full.ListenAddrs.Count > 1000, $"only {full.ListenAddrs.Count} addresses");

        // Warm both paths up, then measure each on this thread (both are synchronous).
        // The filter works in place, as in IdentifyFraming: the copies are made outside the measurement.
        Unfiltered(part); Filtered([.. part]);
        byte[] copy = [.. part];
        long before = GC.GetAllocatedBytesForCurrentThread();
        var whole = Unfiltered(part);
        long unfiltered = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        var kept = Filtered(copy);
        long filteredBytes = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(full.ListenAddrs.Count, whole.ListenAddrs.Count);
        Assert.Empty(kept.ListenAddrs);
        Assert.True(filteredBytes * 20 < unfiltered, $"filtered {filteredBytes} B vs unfiltered {unfiltered} B");

        static IdentifyMessage Unfiltered(byte[] part) => IdentifyFraming.Parse(part);
        static IdentifyMessage Filtered(byte[] part)
        {
            int n = IdentifyPartFilter.Filter(part, part, addressesHeld: IdentifyProtocol.MaxListenAddresses, protocolsHeld: 0);
            return IdentifyFraming.Parse(part.AsSpan(0, n));
        }
    }

    [Fact]
    public void MalformedPartsAreLeftToTheParser()
    {
        byte[] truncated = [0x12, 0x05, 0x04, 1]; // a listen address announcing 5 bytes, carrying 2
        Assert.Equal(-1, IdentifyPartFilter.Filter(truncated, new byte[truncated.Length], 0, 0));
        Assert.Throws<IdentifyException>(() => IdentifyFraming.Parse(truncated));
        byte[] group = [0x0B, 0x0C]; // start and end of a group (wire types 3 and 4)
        Assert.Equal(-1, IdentifyPartFilter.Filter(group, new byte[group.Length], 0, 0));
    }

    /// <summary>A part of random size with addresses, protocols of every length class (empty, short, multi-byte, around the cap), scalars and unknown fields.</summary>
    private static byte[] RandomPart(Random random)
    {
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream);
        int fields = random.Next(0, 1500);
        int mode = random.Next(3); // 0: mixed, 1: short protocols only, 2: addresses only (so that parts cross the caps)
        for (int i = 0; i < fields && stream.Length < IdentifyProtocol.MaxMessageSize; i++, output.Flush())
        {
            switch (mode == 1 ? 5 : mode == 2 ? 0 : random.Next(10))
            {
                case < 4:
                    output.WriteTag(2, WireFormat.WireType.LengthDelimited);
                    output.WriteBytes(ByteString.CopyFrom(RandomBytes(random, random.Next(0, 12))));
                    break;
                case < 8:
                    output.WriteTag(3, WireFormat.WireType.LengthDelimited);
                    output.WriteString(mode == 1 ? $"/p/{random.Next(5000)}" : RandomProtocol(random));
                    break;
                case 8:
                    output.WriteTag(random.Next(2) == 0 ? 5 : 6, WireFormat.WireType.LengthDelimited);
                    output.WriteString($"v{random.Next()}");
                    break;
                default:
                    int unknown = random.Next(9, 40);
                    switch (random.Next(4))
                    {
                        case 0: output.WriteTag(unknown, WireFormat.WireType.Varint); output.WriteUInt64((ulong)random.NextInt64()); break;
                        case 1: output.WriteTag(unknown, WireFormat.WireType.Fixed64); output.WriteFixed64(7); break;
                        case 2: output.WriteTag(unknown, WireFormat.WireType.Fixed32); output.WriteFixed32(9); break;
                        default: output.WriteTag(unknown, WireFormat.WireType.LengthDelimited); output.WriteBytes(ByteString.CopyFrom(RandomBytes(random, random.Next(0, 30)))); break;
                    }
                    break;
            }
        }
        output.Flush();
        return stream.ToArray();
    }

    private static string RandomProtocol(Random random)
    {
        int max = IdentifyProtocol.MaxProtocolIdLength;
        return random.Next(6) switch
        {
            0 => string.Empty,
            1 => new string('a', max - 1 + random.Next(3)),                          // around the cap, one byte per char
            2 => new string('é', max / 2 + random.Next(-2, 3)),                      // two bytes per char, near the cap
            3 => new string('€', random.Next(max / 3 - 2, max / 3 + 3)),            // three bytes per char
            _ => $"/p/{random.Next(5000)}",
        };
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
