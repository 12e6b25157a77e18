using System.Reflection;
using System.Text.RegularExpressions;
using Libp2p.Interop.Tests.Infrastructure;

namespace Libp2p.Interop.Tests.Packaging;

/// <summary>
/// The packages of this build, packed once per test run by <c>scripts/pack --no-build</c> into a temporary folder,
/// with a <c>nuget.config</c> that sees only that folder and the global packages folder the repository's restore
/// filled (both local folders: no URL source), and an empty packages cache of its own (<c>NUGET_PACKAGES</c>) so
/// a package of the same version from an earlier run is never picked up instead of this one.
/// </summary>
public sealed partial class PackedPackages : IAsyncLifetime
{
    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(5);

    public string Root { get; } = Path.Combine(Path.GetTempPath(), $"libp2p-packages-{Guid.NewGuid():N}");

    /// <summary>The .nupkg/.snupkg files.</summary>
    public string Feed => Path.Combine(Root, "feed");

    /// <summary>The nuget.config to restore and install with.</summary>
    public string NuGetConfig => Path.Combine(Root, "nuget.config");

    /// <summary>The version scripts/pack gave the packages.</summary>
    public string Version { get; private set; } = "";

    /// <summary>Environment for every dotnet command that restores: an empty packages cache under <see cref="Root"/>.</summary>
    public IDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["NUGET_PACKAGES"] = Path.Combine(Root, "packages-cache"),
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
        ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
    };

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Feed);
        string configuration = typeof(PackedPackages).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        // --no-build: the test run has just built src/ (this assembly references every package project).
        var pack = await Run("bash", [Path.Combine(RepoPaths.Root, "scripts", "pack"), "-o", Feed, "-c", configuration, "--no-build"],
            RepoPaths.Root, PackTimeout);
        Assert.True(pack.ExitCode == 0, $"scripts/pack failed ({pack.ExitCode}):\n{pack.Stdout}\n{pack.Stderr}");
        var libp2p = Directory.GetFiles(Feed, "Libp2p.*.nupkg").Select(Path.GetFileName)
            .Select(f => PackageFile().Match(f!)).Single(m => m.Success);
        Version = libp2p.Groups[1].Value;

        string globalPackages = System.Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } env
            ? env
            : Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        await File.WriteAllTextAsync(NuGetConfig, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="packed" value="{Feed}" />
                <add key="restored" value="{globalPackages}" />
              </packageSources>
            </configuration>
            """);
    }

    public Task DisposeAsync()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return Task.CompletedTask;
    }

    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    /// <summary>Runs a command to completion under a hard timeout, with <see cref="Environment"/>.</summary>
    public async Task<Result> Run(string file, IEnumerable<string> args, string workingDirectory, TimeSpan timeout)
    {
        await using var child = ChildProcess.Start(file, args, timeout, workingDirectory, Environment);
        int code = await child.WaitForExitAsync(timeout);
        return new Result(code, child.Stdout, child.Stderr);
    }

    [GeneratedRegex(@"^Libp2p\.(\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?)\.nupkg$")]
    private static partial Regex PackageFile();
}
