namespace Libp2p.Tests.Protocols;

/// <summary>The bound on every await in the protocol tests: generous, only there so a bug hangs no run.</summary>
internal static class TestTimeouts
{
    public static readonly TimeSpan Await = TimeSpan.FromSeconds(10);
}
