using System.Text.Json;
using Libp2p.Interop.Tests.Infrastructure;

namespace Libp2p.Interop.Tests.Cli;

/// <summary>
/// A running <c>p2p listen --json</c> with a hard timeout. <see cref="StartAsync"/> returns once the first
/// stdout line (which must be the "listening" event) arrived; later lines are read as events.
/// </summary>
internal sealed class CliListener : IAsyncDisposable
{
    public static readonly TimeSpan HardTimeout = TimeSpan.FromMinutes(3);
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly List<JsonElement> _events = [];

    private CliListener(ChildProcess process, JsonElement listening)
    {
        Process = process;
        Listening = listening;
        PeerId = listening.GetProperty("peerId").GetString()!;
        Addrs = [.. listening.GetProperty("addrs").EnumerateArray().Select(a => a.GetString()!)];
    }

    public ChildProcess Process { get; }

    /// <summary>The first stdout line, parsed.</summary>
    public JsonElement Listening { get; }

    public string PeerId { get; }

    /// <summary>The printed addresses, each ending in <c>/p2p/&lt;PeerId&gt;</c>.</summary>
    public IReadOnlyList<string> Addrs { get; }

    /// <summary>The first address without its /p2p suffix.</summary>
    public string TcpAddr => Addrs[0][..Addrs[0].IndexOf("/p2p/", StringComparison.Ordinal)];

    /// <summary>Events read by <see cref="WaitForEventAsync"/> so far (after "listening").</summary>
    public IReadOnlyList<JsonElement> Events => _events;

    /// <summary>Starts <c>p2p listen --json</c> with <paramref name="args"/> and reads its first line.</summary>
    public static async Task<CliListener> StartAsync(params string[] args)
    {
        var process = ChildProcess.Start("dotnet", [RepoPaths.CliDll, "listen", "--json", .. args], HardTimeout);
        try
        {
            var first = await process.ReadLineAsync(StartTimeout);
            var e = CliJson.Parse(first);
            if (CliJson.Kind(e) != "listening")
                throw new InvalidOperationException($"p2p listen printed {first} first. stderr:\n{process.Stderr}");
            return new CliListener(process, e);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>Reads events until one named <paramref name="name"/> satisfies <paramref name="match"/>.</summary>
    public async Task<JsonElement> WaitForEventAsync(string name, Func<JsonElement, bool>? match = null, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(60);
        var until = DateTime.UtcNow + limit;
        while (true)
        {
            var left = until - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"No '{name}' event within {limit}. stdout:\n{Process.Stdout}\nstderr:\n{Process.Stderr}");
            var e = CliJson.Parse(await Process.ReadLineAsync(left));
            _events.Add(e);
            if (CliJson.Kind(e) == name && (match is null || match(e))) return e;
        }
    }

    /// <summary>SIGTERM, then the exit code and every stdout line (all must be JSON objects).</summary>
    public async Task<(int ExitCode, IReadOnlyList<JsonElement> Lines)> TerminateAsync(TimeSpan timeout)
    {
        Process.Terminate();
        int code = await Process.WaitForExitAsync(timeout);
        return (code, CliJson.Lines(Process.Stdout));
    }

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
