using System.Diagnostics;
using System.Text;
using System.Threading.Channels;

namespace Libp2p.Interop.Tests.Infrastructure;

/// <summary>
/// A child process (Node peer, the CLI, the Wasm app) with a hard timeout: it is killed by its own
/// PID (with its tree) when the timeout passes or the test disposes it, so nothing can hang CI.
/// Stdout lines are queued for the test to read; stderr is kept for failure messages.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly StringBuilder _stderr = new();
    private readonly StringBuilder _stdout = new();
    private readonly CancellationTokenSource _deadline;

    private ChildProcess(Process process, TimeSpan hardTimeout)
    {
        _process = process;
        _deadline = new CancellationTokenSource(hardTimeout);
        _deadline.Token.Register(Kill);
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public static ChildProcess Start(string fileName, IEnumerable<string> args, TimeSpan hardTimeout, string? workingDirectory = null, IDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (environment is not null)
            foreach (var (k, v) in environment) psi.Environment[k] = v;
        var p = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var child = new ChildProcess(p, hardTimeout);
        p.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) { child._lines.Writer.TryComplete(); return; }
            lock (child._stdout) child._stdout.AppendLine(e.Data);
            child._lines.Writer.TryWrite(e.Data);
        };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (child._stderr) child._stderr.AppendLine(e.Data); };
        if (!p.Start()) throw new InvalidOperationException($"Could not start {fileName}.");
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return child;
    }

    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }
    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }

    /// <summary>The next stdout line, or an exception with the process's stderr when it ended or the wait timed out.</summary>
    public async Task<string> ReadLineAsync(TimeSpan timeout)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(_deadline.Token);
        cts.CancelAfter(timeout);
        try
        {
            if (await _lines.Reader.WaitToReadAsync(cts.Token) && _lines.Reader.TryRead(out var line))
                return line;
        }
        catch (OperationCanceledException) { }
        throw new TimeoutException($"No output line from '{_process.StartInfo.FileName}' within {timeout}. stderr:\n{Stderr}");
    }

    /// <summary>Reads lines until one satisfies <paramref name="match"/>.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (true)
        {
            var left = until - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"No matching line within {timeout}. stdout:\n{Stdout}\nstderr:\n{Stderr}");
            var line = await ReadLineAsync(left);
            if (match(line)) return line;
        }
    }

    /// <summary>Waits for exit (killing the process if it outlives <paramref name="timeout"/>) and returns the exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(_deadline.Token);
        cts.CancelAfter(timeout);
        try { await _process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"'{_process.StartInfo.FileName}' did not exit within {timeout}. stderr:\n{Stderr}");
        }
        _process.WaitForExit(); // drains the redirected streams
        return _process.ExitCode;
    }

    /// <summary>Writes one line to the process's standard input.</summary>
    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Closes the process's standard input (EOF).</summary>
    public void CloseInput() => _process.StandardInput.Close();

    /// <summary>Sends SIGINT-like termination: SIGTERM through kill(1), for graceful-shutdown tests.</summary>
    public void Terminate()
    {
        if (_process.HasExited) return;
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString() }, UseShellExecute = false });
        kill?.WaitForExit(5000);
    }

    private void Kill()
    {
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        try { await _process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token); } catch (OperationCanceledException) { }
        _deadline.Dispose();
        _process.Dispose();
    }
}
