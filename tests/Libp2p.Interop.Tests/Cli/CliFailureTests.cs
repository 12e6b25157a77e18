using System.Net;
using System.Net.Sockets;

namespace Libp2p.Interop.Tests.Cli;

/// <summary>Every failure of a networking command: exit code 1 and one clear line on stderr (see <see cref="P2p.AssertOneLineFailure"/>).</summary>
public sealed class CliFailureTests : IDisposable
{
    private const string OtherId = "12D3KooWA4Xop1JaT3MHxwYMkCepYsv4iPVopMXwCz5iHYdBfeSB";
    private readonly string _dir = Directory.CreateTempSubdirectory("p2p-cli-fail-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string[]> Commands => new() { new[] { "ping" }, new[] { "identify" }, new[] { "perf", "--upload", "1024" } };

    private static string[] Args(string[] command, string address, params string[] more) => [command[0], address, .. command[1..], .. more];

    [Theory, MemberData(nameof(Commands))]
    public async Task ConnectionRefused(string[] command)
    {
        int port = ClosedPort();
        var r = await P2p.RunAsync(Args(command, $"/ip4/127.0.0.1/tcp/{port}"));
        P2p.AssertOneLineFailure(r, "refused", $"{port}");
    }

    [Theory, MemberData(nameof(Commands))]
    public async Task BadMultiaddr(string[] command)
    {
        var r = await P2p.RunAsync(Args(command, "/ip4/127.0.0.1/tpc/4001"));
        P2p.AssertOneLineFailure(r, "multiaddr", "/ip4/127.0.0.1/tpc/4001");
    }

    [Fact]
    public async Task BadListenMultiaddr()
    {
        var r = await P2p.RunAsync("listen", "--listen", "/ip4/1.2.3/tcp/0");
        P2p.AssertOneLineFailure(r, "multiaddr", "/ip4/1.2.3/tcp/0");
    }

    [Theory, MemberData(nameof(Commands))]
    public async Task PeerIdMismatchNamesBothIds(string[] command)
    {
        await using var listener = await CliListener.StartAsync();
        var r = await P2p.RunAsync(Args(command, $"{listener.TcpAddr}/p2p/{OtherId}"));
        P2p.AssertOneLineFailure(r, "mismatch", OtherId, listener.PeerId);
    }

    [Theory, MemberData(nameof(Commands))]
    public async Task TimeoutAgainstAListenerThatNeverSpeaks(string[] command)
    {
        using var silent = new SilentListener();
        var r = await P2p.RunAsync(Args(command, $"/ip4/127.0.0.1/tcp/{silent.Port}", "--timeout", "1"));
        P2p.AssertOneLineFailure(r, "timed out");
        Assert.True(silent.Accepted > 0, "the CLI never reached the silent listener");
    }

    [Fact]
    public async Task ListenOnAPortInUse()
    {
        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        int port = ((IPEndPoint)busy.LocalEndpoint).Port;
        var r = await P2p.RunAsync("listen", "--listen", $"/ip4/127.0.0.1/tcp/{port}");
        P2p.AssertOneLineFailure(r, $"{port}");
    }

    private static int ClosedPort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    /// <summary>Accepts TCP connections and holds them open without sending a byte.</summary>
    private sealed class SilentListener : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly List<TcpClient> _clients = [];
        private readonly Task _accepting;
        private int _accepted;

        public SilentListener()
        {
            _listener.Start();
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
            _accepting = AcceptAsync();
        }

        public int Port { get; }

        public int Accepted => Volatile.Read(ref _accepted);

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    var c = await _listener.AcceptTcpClientAsync();
                    lock (_clients) _clients.Add(c);
                    Interlocked.Increment(ref _accepted);
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException) { } // stopped
        }

        public void Dispose()
        {
            _listener.Stop();
            _accepting.Wait(TimeSpan.FromSeconds(10));
            lock (_clients) foreach (var c in _clients) c.Dispose();
        }
    }
}
