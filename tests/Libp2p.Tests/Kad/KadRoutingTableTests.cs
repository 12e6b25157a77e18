using Libp2p.Identity;
using Libp2p.Kad;
using Libp2p.Kad.Routing;
using Libp2p.Multiformats;
using Microsoft.Extensions.Time.Testing;

namespace Libp2p.Tests.Kad;

public class KadRoutingTableTests
{
    private static readonly Multiaddr Loopback = Multiaddr.Parse("/ip4/127.0.0.1/tcp/1");

    [Fact]
    public void XorDistanceOrdersPeersAndTheCommonPrefixNamesTheBucket()
    {
        var a = KadKey.Hash([1]);
        Assert.Equal(256, a.CommonPrefixLength(a));
        Assert.Equal(0, a.CompareDistance(a, a));
        var b = KadKey.Hash([2]);
        Assert.True(a.CompareDistance(a, b) < 0);
        Assert.Equal(a.Xor(b), b.Xor(a));
    }

    [Fact]
    public void AFullBucketNamesItsLeastRecentlySeenPeerAndTheNearestPeersComeFirst()
    {
        var local = PrivateKey.Generate().ToPeerId();
        var table = new RoutingTable(local, 2, new DiversityFilter(2, 3), new FakeTimeProvider());
        // Peers that differ from us in the first bit all go to bucket 0 once the table has split.
        var far = new List<PeerId>();
        while (far.Count < 3)
        {
            var p = PrivateKey.Generate().ToPeerId();
            if (KadKey.FromPeerId(p).CommonPrefixLength(table.LocalKey) == 0) far.Add(p);
        }
        var near = new List<PeerId>();
        while (near.Count < 2)
        {
            var p = PrivateKey.Generate().ToPeerId();
            if (KadKey.FromPeerId(p).CommonPrefixLength(table.LocalKey) >= 1) near.Add(p);
        }
        foreach (var p in near) Assert.Equal(AddOutcome.Added, table.TryAdd(p, [Loopback], out _));
        Assert.Equal(AddOutcome.Added, table.TryAdd(far[0], [Loopback], out _));
        Assert.Equal(AddOutcome.Added, table.TryAdd(far[1], [Loopback], out _));
        Assert.Equal(AddOutcome.Updated, table.TryAdd(far[0], [Loopback], out _)); // far[0] seen again: far[1] is now the oldest
        Assert.Equal(AddOutcome.BucketFull, table.TryAdd(far[2], [Loopback], out var oldest));
        Assert.Equal(far[1], oldest);
        Assert.Equal(AddOutcome.Self, table.TryAdd(local, [Loopback], out _));

        var target = KadKey.FromPeerId(near[0]);
        Assert.Equal(near[0], table.NearestPeers(target, 1)[0]);
        Assert.True(table.Remove(far[1]));
        Assert.Equal(AddOutcome.Added, table.TryAdd(far[2], [Loopback], out _));
    }

    [Fact]
    public void OneNetworkGroupCannotFillABucketButLoopbackPeersAreExempt()
    {
        var table = new RoutingTable(PrivateKey.Generate().ToPeerId(), 20, new DiversityFilter(2, 3), new FakeTimeProvider());
        int added = 0, refused = 0;
        for (int i = 0; i < 10; i++)
        {
            var outcome = table.TryAdd(PrivateKey.Generate().ToPeerId(), [Multiaddr.Parse($"/ip4/203.0.113.{i + 1}/tcp/4001")], out _);
            if (outcome == AddOutcome.Added) added++;
            if (outcome == AddOutcome.Diversity) refused++;
        }
        Assert.Equal(3, added);   // the table-wide cap of the /24
        Assert.Equal(7, refused);
        for (int i = 0; i < 10; i++)
            Assert.Equal(AddOutcome.Added, table.TryAdd(PrivateKey.Generate().ToPeerId(), [Loopback], out _));
    }

    [Fact]
    public void ContentKeysAreTheMultihashOfTheCid()
    {
        var v1 = ContentKey.FromCid("bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy");
        Assert.Equal(34, v1.Length);
        Assert.Equal(0x12, v1[0]);
        Assert.Equal("bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy", ContentKey.ToCidString(v1));
        Assert.Throws<FormatException>(() => ContentKey.FromCid("not-a-cid"));
    }

    [Theory]
    [InlineData(new byte[] { 0x81, 0x00, 0x55, 0x12, 0x01, 0x00 })]                           // version 1, not minimally encoded
    [InlineData(new byte[] { 0x01, 0x55, 0x12, 0x81, 0x00, 0x00 })]                           // multihash length, not minimal
    [InlineData(new byte[] { 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })] // codec longer than 9 bytes
    public void BinaryCidsWithBadVarintsAreFormatErrors(byte[] cid)
    {
        // Found by fuzzing the daemon's DHT requests (fuzz/corpus/daemon-control/crash-*): a VarintFormatException escaped.
        var e = Assert.Throws<FormatException>(() => ContentKey.FromCidBytes(cid));
        Assert.IsType<VarintFormatException>(e.InnerException);
    }
}
