using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Libp2p.Bench;

/// <summary>
/// A child process (the `p2p` listener, a js peer) with a hard deadline: killed by its own PID (and
/// its tree) when the deadline passes or it is disposed, so a stuck peer never outlives the bench.
/// Stdout lines are queued; stderr is kept for error messages.
/// </summary>
public sealed class Child : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>(new() { SingleReader = true });
    private readonly StringBuilder _stderr = new();
    private readonly StringBuilder _stdout = new();
    private readonly CancellationTokenSource _deadline;
    private readonly string _name;
    private int _connectionOpens;

    private Child(Process process, string name, TimeSpan hardTimeout)
    {
        _process = process;
        _name = name;
        _deadline = new CancellationTokenSource(hardTimeout);
        _deadline.Token.Register(Kill);
    }

    public int Pid => _process.Id;

    /// <summary>How many {"event":"connection:open"} lines the child printed so far.</summary>
    public int ConnectionOpens => Volatile.Read(ref _connectionOpens);

    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    /// <summary>Stdout so far (the first 256 KiB), except connection:open lines when lines are not kept.</summary>
    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }

    public bool HasExited => _process.HasExited;

    public static Child Start(string name, string fileName, IEnumerable<string> args, TimeSpan hardTimeout,
        string? workingDirectory = null, bool keepLines = true)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // js peers stop when stdin closes
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        var p = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var child = new Child(p, name, hardTimeout);
        p.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) { child._lines.Writer.TryComplete(); return; }
            if (e.Data.Contains("\"connection:open\"", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref child._connectionOpens);
                if (!keepLines) return;
            }
            lock (child._stdout) if (child._stdout.Length < 256 * 1024) child._stdout.AppendLine(e.Data);
            child._lines.Writer.TryWrite(e.Data);
        };
        p.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (child._stderr) if (child._stderr.Length < 64 * 1024) child._stderr.AppendLine(e.Data);
        };
        if (!p.Start()) throw new InvalidOperationException($"Could not start {fileName}.");
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return child;
    }

    /// <summary>
    /// Reads stdout until a JSON line whose "event" is <paramref name="eventName"/> (null: the first JSON line without
    /// an "event"); an "error" event or exit fails.
    /// </summary>
    public async Task<JsonElement> WaitForEventAsync(string? eventName, TimeSpan timeout)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(_deadline.Token);
        cts.CancelAfter(timeout);
        try
        {
            while (await _lines.Reader.WaitToReadAsync(cts.Token))
            {
                while (_lines.Reader.TryRead(out var line))
                {
                    if (!line.StartsWith('{')) continue;
                    using var doc = JsonDocument.Parse(line);
                    var name = doc.RootElement.TryGetProperty("event", out var ev) ? ev.GetString() : null;
                    if (name == eventName) return doc.RootElement.Clone();
                    if (name == "error" || (eventName is null && doc.RootElement.TryGetProperty("error", out _))) throw new InvalidOperationException($"{_name}: {line}");
                }
            }
        }
        catch (OperationCanceledException) { throw new TimeoutException($"{_name}: no \"{eventName}\" event within {timeout}. stderr:\n{Stderr}"); }
        throw new InvalidOperationException($"{_name} exited before its \"{eventName}\" event. stderr:\n{Stderr}");
    }

    /// <summary>Waits for exit (killing it after <paramref name="timeout"/>); returns the exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try { await _process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { Kill(); throw new TimeoutException($"{_name} did not exit within {timeout}."); }
        return _process.ExitCode;
    }

    /// <summary>Resident set size in bytes (VmRSS of /proc/PID/status), or -1 when unreadable.</summary>
    public long ReadRssBytes() => ProcStatus.RssBytes(Pid);

    private void Kill()
    {
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try { await _process.WaitForExitAsync(cts.Token); } catch (OperationCanceledException) { }
        _deadline.Dispose();
        _process.Dispose();
    }
}

/// <summary>/proc readers (Linux only; -1 elsewhere).</summary>
public static class ProcStatus
{
    public static long RssBytes(int pid) => Field(pid, "VmRSS:");

    public static long Field(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (!line.StartsWith(field, StringComparison.Ordinal)) continue;
                var parts = line[field.Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture) * 1024; // kB
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return -1;
    }

    /// <summary>Open file descriptors of a process (entries of /proc/PID/fd), or -1.</summary>
    public static int OpenFds(int pid)
    {
        try { return Directory.GetFiles($"/proc/{pid}/fd").Length; }
        catch (IOException) { return -1; }
        catch (UnauthorizedAccessException) { return -1; }
    }

    /// <summary>
    /// CPU seconds the live threads of a process have run (sum of /proc/PID/task/*/schedstat, in ns),
    /// or -1. Finer than /proc/PID/stat's 10 ms ticks; threads that exited in between are missed,
    /// which over a few seconds of steady transfer is noise.
    /// </summary>
    public static double CpuSeconds(int pid)
    {
        try
        {
            long ns = 0;
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                try
                {
                    string text = File.ReadAllText(Path.Combine(task, "schedstat"));
                    ns += long.Parse(text.AsSpan(0, text.IndexOf(' ')), System.Globalization.CultureInfo.InvariantCulture);
                }
                catch (IOException) { } // the thread exited meanwhile
            }
            return ns / 1e9;
        }
        catch (IOException) { return -1; }
    }

    /// <summary>CPU seconds (user + system) of this process's children that have exited and been reaped.</summary>
    public static double ChildrenCpuSeconds()
    {
        if (getrusage(RusageChildren, out var usage) != 0) return double.NaN;
        return usage.UserSeconds + usage.UserMicroseconds / 1e6 + usage.SystemSeconds + usage.SystemMicroseconds / 1e6;
    }

    private const int RusageChildren = -1;

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UserSeconds, UserMicroseconds, SystemSeconds, SystemMicroseconds;
        public long MaxRss, Ixrss, Idrss, Isrss, Minflt, Majflt, Nswap, Inblock, Oublock, Msgsnd, Msgrcv, Nsignals, Nvcsw, Nivcsw;
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int getrusage(int who, out RUsage usage);

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    /// <summary>
    /// Sends SIGUSR2 (Linux's number 12) to <paramref name="pid"/> if it catches that signal (SigCgt of /proc/PID/status:
    /// a process that does not would be terminated by it, an older Wasm host for one); false when it was not sent.
    /// </summary>
    public static bool SendUsr2(int pid)
    {
        const int usr2 = 12;
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (!line.StartsWith("SigCgt:", StringComparison.Ordinal)) continue;
                ulong caught = ulong.Parse(line.AsSpan(7).Trim(), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
                return (caught & (1UL << (usr2 - 1))) != 0 && kill(pid, usr2) == 0;
            }
        }
        catch (IOException) { }
        return false;
    }

    /// <summary>
    /// Resident bytes of a WebAssembly linear memory in a Node process (/proc/PID/smaps), or -1: V8 reserves each
    /// memory as one large region (8 GiB and guard pages) of which the part in use is read-write and the rest
    /// inaccessible, so the memory is the read-write mapping that directly precedes an inaccessible mapping of more
    /// than 4 GiB. Everything else in the process (V8 heaps of both threads, Node's sockets, malloc) is the rest.
    /// </summary>
    public static long WasmMemoryRssBytes(int pid)
    {
        try
        {
            var maps = new List<(ulong Start, ulong End, string Perms, long RssKb)>();
            foreach (var line in File.ReadLines($"/proc/{pid}/smaps"))
            {
                if (line.StartsWith("Rss:", StringComparison.Ordinal) && maps.Count > 0)
                {
                    var m = maps[^1];
                    maps[^1] = m with { RssKb = long.Parse(line.AsSpan(4).Trim().ToString().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) };
                    continue;
                }
                int dash = line.IndexOf('-');
                int space = line.IndexOf(' ');
                if (dash <= 0 || space <= dash || !ulong.TryParse(line.AsSpan(0, dash), System.Globalization.NumberStyles.HexNumber, null, out ulong start)
                    || !ulong.TryParse(line.AsSpan(dash + 1, space - dash - 1), System.Globalization.NumberStyles.HexNumber, null, out ulong end)) continue;
                maps.Add((start, end, line.Substring(space + 1, 4), 0));
            }
            maps.Sort((a, b) => a.Start.CompareTo(b.Start));
            long total = 0;
            bool found = false;
            for (int i = 0; i + 1 < maps.Count; i++)
            {
                var (m, next) = (maps[i], maps[i + 1]);
                if (m.Perms.StartsWith("rw", StringComparison.Ordinal) && next.Start == m.End && next.Perms.StartsWith("---", StringComparison.Ordinal)
                    && next.End - next.Start > (4UL << 30))
                {
                    total += m.RssKb * 1024;
                    found = true;
                }
            }
            return found ? total : -1;
        }
        catch (IOException) { return -1; }
        catch (UnauthorizedAccessException) { return -1; }
    }

    public static string LoadAverage()
    {
        try { return File.ReadAllText("/proc/loadavg").Trim(); }
        catch (IOException) { return "n/a"; }
    }
}
