using System.Text.Json;
using Libp2p.Interop.Tests.Infrastructure;

namespace Libp2p.Interop.Tests.JsPeers;

/// <summary>
/// A running <c>interop/js/peer.mjs</c> (js-libp2p): started with a hard timeout, its JSON-line
/// events parsed. <see cref="StartAsync"/> returns once the peer printed its "listening" line.
/// </summary>
public sealed class JsPeer : IAsyncDisposable
{
    public static readonly TimeSpan DefaultHardTimeout = TimeSpan.FromMinutes(2);
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly SemaphoreSlim s_install = new(1, 1);

    private readonly List<JsonElement> _events = [];

    private JsPeer(ChildProcess process, JsonElement listening)
    {
        Process = process;
        PeerId = listening.GetProperty("peerId").GetString()!;
        Addrs = [.. listening.GetProperty("addrs").EnumerateArray().Select(a => a.GetString()!)];
        _events.Add(listening);
    }

    public ChildProcess Process { get; }

    /// <summary>The peer id (base58btc) the peer printed.</summary>
    public string PeerId { get; }

    /// <summary>The listen addresses as printed, each ending in <c>/p2p/&lt;PeerId&gt;</c>.</summary>
    public IReadOnlyList<string> Addrs { get; }

    /// <summary>The first address, as a TCP multiaddr string without the /p2p suffix.</summary>
    public string TcpAddr => Addrs[0][..Addrs[0].IndexOf("/p2p/", StringComparison.Ordinal)];

    /// <summary>Every event read so far, in order (starting with "listening").</summary>
    public IReadOnlyList<JsonElement> Events => _events;

    /// <summary>
    /// Starts <c>node peer.mjs</c> with <paramref name="args"/> (see peer.mjs for the options) and
    /// waits for its "listening" line. Installs interop/js/node_modules with <c>npm ci</c> when missing.
    /// </summary>
    public static async Task<JsPeer> StartAsync(IEnumerable<string> args, TimeSpan? hardTimeout = null)
    {
        await EnsureInstalledAsync();
        var process = ChildProcess.Start("node", ["peer.mjs", .. args], hardTimeout ?? DefaultHardTimeout, RepoPaths.InteropJs);
        try
        {
            var line = await process.WaitForLineAsync(l => l.StartsWith('{'), StartTimeout);
            var e = Parse(line);
            if (e.GetProperty("event").GetString() != "listening")
                throw new InvalidOperationException($"peer.mjs printed {line} before listening. stderr:\n{process.Stderr}");
            return new JsPeer(process, e);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    public static Task<JsPeer> StartAsync(params string[] args) => StartAsync((IEnumerable<string>)args);

    /// <summary>
    /// Reads events until one named <paramref name="name"/>; an "error" event on the way fails
    /// (unless that is what is awaited).
    /// </summary>
    public async Task<JsonElement> WaitForEventAsync(string name, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var left = until - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"No '{name}' event within {timeout}. stdout:\n{Process.Stdout}\nstderr:\n{Process.Stderr}");
            var line = await Process.ReadLineAsync(left);
            if (!line.StartsWith('{')) continue;
            var e = Parse(line);
            _events.Add(e);
            string? kind = e.GetProperty("event").GetString();
            if (kind == name) return e;
            if (kind == "error") throw new InvalidOperationException($"peer.mjs reported an error while waiting for '{name}': {line}\nstderr:\n{Process.Stderr}");
        }
    }

    /// <summary>Reads events until one named <paramref name="name"/> satisfies <paramref name="match"/>.</summary>
    public async Task<JsonElement> WaitForEventAsync(string name, Func<JsonElement, bool> match, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var left = until - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"No matching '{name}' event within {timeout}. stdout:\n{Process.Stdout}\nstderr:\n{Process.Stderr}");
            var e = await WaitForEventAsync(name, left);
            if (match(e)) return e;
        }
    }

    /// <summary>
    /// Reads events until <paramref name="condition"/> holds over all events read so far (earlier ones included), so
    /// nothing that arrived while the test waited for something else is missed.
    /// </summary>
    public async Task WaitUntilAsync(Func<IReadOnlyList<JsonElement>, bool> condition, string what, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (!condition(_events))
        {
            var left = until - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"js peer: not {what} within {timeout}. stdout:\n{Process.Stdout}\nstderr:\n{Process.Stderr}");
            string line;
            try { line = await Process.ReadLineAsync(left); }
            catch (TimeoutException) { continue; }
            if (line.StartsWith('{')) _events.Add(Parse(line));
        }
    }

    /// <summary>Sends a command line (a JSON object) to the peer's standard input (see interop/js/pubsub.mjs).</summary>
    public Task SendAsync(string json) => Process.WriteLineAsync(json);

    /// <summary>
    /// Publishes <paramref name="text"/> on <paramref name="topic"/> until js sends it to at least one peer; returns
    /// the recipients. js-gossipsub reports a remote subscription as soon as the remote's stream tells it, but sends
    /// only over its own outbound stream to that peer, which may still be opening: a publish at that moment reaches
    /// nobody (recipients []). Each retry is a new message, so at most one copy reaches anyone.
    /// </summary>
    public async Task<IReadOnlyList<string>> PublishUntilSentAsync(string topic, string text, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        string command = JsonSerializer.Serialize(new Dictionary<string, string> { ["cmd"] = "publish", ["topic"] = topic, ["text"] = text });
        while (true)
        {
            await SendAsync(command);
            var published = await WaitForEventAsync("pubsub:published", e => e.GetProperty("topic").GetString() == topic, until - DateTime.UtcNow);
            var recipients = published.GetProperty("recipients").EnumerateArray().Select(r => r.GetString()!).ToList();
            if (recipients.Count > 0) return recipients;
            if (DateTime.UtcNow >= until) throw new TimeoutException($"js published '{text}' to nobody for {timeout}. stdout:\n{Process.Stdout}");
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }

    /// <summary>Waits for the process to exit; returns its exit code and every event it printed.</summary>
    public async Task<(int ExitCode, IReadOnlyList<JsonElement> Events)> WaitForExitAsync(TimeSpan timeout)
    {
        int code = await Process.WaitForExitAsync(timeout);
        var all = Process.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.StartsWith('{')).Select(Parse).ToList();
        return (code, all);
    }

    /// <summary>SIGTERM: the peer stops libp2p and exits 0.</summary>
    public void Terminate() => Process.Terminate();

    public ValueTask DisposeAsync() => Process.DisposeAsync();

    private static JsonElement Parse(string line)
    {
        using var doc = JsonDocument.Parse(line);
        return doc.RootElement.Clone();
    }

    private static async Task EnsureInstalledAsync()
    {
        if (Directory.Exists(Path.Combine(RepoPaths.InteropJs, "node_modules", "libp2p"))) return;
        await s_install.WaitAsync();
        try
        {
            if (Directory.Exists(Path.Combine(RepoPaths.InteropJs, "node_modules", "libp2p"))) return;
            await using var npm = ChildProcess.Start("npm", ["ci", "--no-audit", "--no-fund"], TimeSpan.FromMinutes(5), RepoPaths.InteropJs);
            int code = await npm.WaitForExitAsync(TimeSpan.FromMinutes(5));
            if (code != 0) throw new InvalidOperationException($"npm ci in {RepoPaths.InteropJs} failed ({code}):\n{npm.Stderr}");
        }
        finally
        {
            s_install.Release();
        }
    }
}
