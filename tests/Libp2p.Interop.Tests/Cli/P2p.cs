using Libp2p.Interop.Tests.Identity;

namespace Libp2p.Interop.Tests.Cli;

/// <summary>Runs <c>p2p</c> to completion (hard timeout in <see cref="Processes"/>) and checks the failure contract.</summary>
internal static class P2p
{
    public static Task<Processes.Result> RunAsync(params string[] args) => Processes.P2pAsync(args);

    /// <summary>Keygen into <paramref name="dir"/>; returns the file and the printed peer id.</summary>
    public static async Task<(string Path, string PeerId)> KeygenAsync(string dir, string name)
    {
        var path = System.IO.Path.Combine(dir, name);
        var r = await RunAsync("keygen", "--out", path);
        Assert.True(r.ExitCode == 0, $"keygen exited {r.ExitCode}: {r.Stderr}");
        return (path, r.Stdout.Trim());
    }

    /// <summary>
    /// The contract for every failure: exit code 1, nothing on stdout, exactly one line on stderr that starts
    /// with "p2p: ", carries no stack trace and no "unexpected error" label, and names the problem
    /// (each of <paramref name="fragments"/>, case-insensitive).
    /// </summary>
    public static string AssertOneLineFailure(Processes.Result r, params string[] fragments)
    {
        Assert.True(r.ExitCode == 1, $"exit {r.ExitCode}, expected 1. stdout:\n{r.Stdout}\nstderr:\n{r.Stderr}");
        Assert.Equal("", r.Stdout);
        Assert.DoesNotContain("   at ", r.Stderr);
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("p2p: ", line);
        Assert.DoesNotContain("unexpected error", line);
        foreach (var f in fragments)
            Assert.True(line.Contains(f, StringComparison.OrdinalIgnoreCase), $"'{f}' not in: {line}");
        return line;
    }
}
