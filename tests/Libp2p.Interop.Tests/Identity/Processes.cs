using Libp2p.Interop.Tests.Infrastructure;

namespace Libp2p.Interop.Tests.Identity;

/// <summary>Runs the `p2p` CLI and the js key script to completion (hard timeouts via <see cref="ChildProcess"/>).</summary>
internal static class Processes
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static Task<Result> P2pAsync(params string[] args) => RunAsync("dotnet", [RepoPaths.CliDll, .. args], null);

    public static Task<Result> KeysJsAsync(params string[] args) =>
        RunAsync("node", [Path.Combine(RepoPaths.InteropJs, "keys.mjs"), .. args], RepoPaths.InteropJs);

    private static async Task<Result> RunAsync(string file, string[] args, string? workingDirectory)
    {
        await using var child = ChildProcess.Start(file, args, Timeout, workingDirectory);
        int code = await child.WaitForExitAsync(Timeout);
        return new Result(code, child.Stdout, child.Stderr);
    }
}
