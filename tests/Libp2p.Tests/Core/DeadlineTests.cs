using Libp2p.Core;
using Microsoft.Extensions.Time.Testing;

namespace Libp2p.Tests.Core;

public class DeadlineTests
{
    [Fact]
    public void FiresOnlyWhenTheInjectedClockPassesTheDelay()
    {
        var time = new FakeTimeProvider();
        using var deadline = new Deadline(TimeSpan.FromSeconds(5), time);
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(deadline.Token.IsCancellationRequested);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(deadline.Token.IsCancellationRequested);
        Assert.True(deadline.Expired);
    }

    [Fact]
    public void OuterTokenCancelsWithoutCountingAsExpiry()
    {
        var time = new FakeTimeProvider();
        using var outer = new CancellationTokenSource();
        using var deadline = new Deadline(TimeSpan.FromSeconds(5), time, outer.Token);
        outer.Cancel();
        Assert.True(deadline.Token.IsCancellationRequested);
        Assert.False(deadline.Expired);
    }
}
