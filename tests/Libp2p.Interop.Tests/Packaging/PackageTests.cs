using System.IO.Compression;
using System.Xml.Linq;
using Libp2p.Interop.Tests.Infrastructure;
using Libp2p.Interop.Tests.JsPeers;
using Xunit.Abstractions;

namespace Libp2p.Interop.Tests.Packaging;

/// <summary>
/// The packages as a user gets them: a fresh console app restores <c>Libp2p</c> from the packed folder and runs
/// the README's usage example against js-libp2p; the <c>p2p</c> tool installs from the same folder and pings a js peer.
/// </summary>
public sealed class PackageTests(PackedPackages packages, ITestOutputHelper output) : IClassFixture<PackedPackages>
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task TheReadmeExampleBuiltFromThePackageTalksToJsLibp2p()
    {
        string example = ReadmeExample(Path.Combine(RepoPaths.Root, "src", "Libp2p", "README.md"));
        Assert.Contains(example, await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "README.md"))); // one example, both READMEs
        string app = Path.Combine(packages.Root, "readme-app");
        Directory.CreateDirectory(app);
        // A fence against any Directory.Build.props above the temporary folder: this is a stranger's project.
        await File.WriteAllTextAsync(Path.Combine(app, "Directory.Build.props"), "<Project />");
        await File.WriteAllTextAsync(Path.Combine(app, "ReadmeApp.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Libp2p" Version="{packages.Version}" />
              </ItemGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), example);
        File.Copy(packages.NuGetConfig, Path.Combine(app, "nuget.config"));

        var build = await packages.Run("dotnet", ["build", "-c", "Release", "-o", Path.Combine(app, "out")], app, BuildTimeout);
        Assert.True(build.ExitCode == 0, $"the README app did not build:\n{build.Stdout}\n{build.Stderr}");
        Assert.True(File.Exists(Path.Combine(packages.Root, "packages-cache", "libp2p", packages.Version, $"libp2p.{packages.Version}.nupkg")),
            "Libp2p was not restored from the packed folder");

        await using var js = await JsPeer.StartAsync();
        await using var run = ChildProcess.Start("dotnet", [Path.Combine(app, "out", "ReadmeApp.dll"), js.Addrs[0]], RunTimeout, app);
        int code = await run.WaitForExitAsync(RunTimeout);
        output.WriteLine(run.Stdout);
        Assert.True(code == 0, $"the README app exited {code}:\n{run.Stdout}\n{run.Stderr}");
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.StartsWith("listening on /ip4/127.0.0.1/tcp/", lines[0]);
        Assert.Contains("/p2p/12D3KooW", lines[0]);
        Assert.Matches($@"^{js.PeerId}: ping [0-9.]+ ms, agent libp2p-dotnet-interop-js/peer\.mjs$", lines[1]);
        Assert.Equal("echo: hello", lines[2]);
    }

    [Fact]
    public async Task TheToolInstallsFromTheFolderAndPingsAJsPeer()
    {
        string tools = Path.Combine(packages.Root, "tools");
        var install = await packages.Run("dotnet",
            ["tool", "install", "Libp2p.Cli", "--tool-path", tools, "--add-source", packages.Feed, "--configfile", packages.NuGetConfig,
                "--version", packages.Version],
            packages.Root, BuildTimeout);
        Assert.True(install.ExitCode == 0, $"dotnet tool install failed:\n{install.Stdout}\n{install.Stderr}");

        await using var js = await JsPeer.StartAsync();
        var ping = await packages.Run(Path.Combine(tools, "p2p"), ["ping", js.Addrs[0], "--count", "2", "--interval", "0", "--json"], packages.Root, RunTimeout);
        output.WriteLine(ping.Stdout);
        Assert.True(ping.ExitCode == 0, $"p2p ping exited {ping.ExitCode}:\n{ping.Stderr}");
        var lines = Cli.CliJson.Lines(ping.Stdout);
        Assert.Equal(["ping", "ping", "summary"], lines.Select(Cli.CliJson.Kind));
        Assert.All(lines.Take(2), l => Assert.Equal(js.PeerId, l.GetProperty("peer").GetString()));
    }

    [Fact]
    public void EachPackageCarriesReadmeLicenseDocsSymbolsAndTheCommit()
    {
        foreach (var id in new[] { "Libp2p", "Libp2p.Transport.WasiSockets", "Libp2p.PubSub", "Libp2p.Daemon", "Libp2p.Kad", "Libp2p.Relay", "Libp2p.Cli" })
        {
            string nupkg = Path.Combine(packages.Feed, $"{id}.{packages.Version}.nupkg");
            using var zip = ZipFile.OpenRead(nupkg);
            var names = zip.Entries.Select(e => e.FullName).ToHashSet();
            Assert.Contains("README.md", names);
            Assert.Contains("LICENSE", names);
            // Each package's own README (src/<project>/README.md), not the repository's.
            using (var readme = new StreamReader(zip.GetEntry("README.md")!.Open()))
                Assert.Equal(id == "Libp2p.Cli" ? "# p2p — a libp2p command-line tool" : $"# {id}", readme.ReadLine());
            var nuspec = XDocument.Load(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
            XNamespace ns = nuspec.Root!.Name.Namespace;
            var metadata = nuspec.Root.Element(ns + "metadata")!;
            Assert.Equal("MIT", metadata.Element(ns + "license")?.Value);
            Assert.Equal("README.md", metadata.Element(ns + "readme")?.Value);
            Assert.False(string.IsNullOrWhiteSpace(metadata.Element(ns + "description")?.Value));
            Assert.Matches("^[0-9a-f]{40}$", metadata.Element(ns + "repository")?.Attribute("commit")?.Value ?? "");
            if (id == "Libp2p.Cli")
                Assert.Contains(names, n => n.StartsWith("tools/net10.0/any/p2p.dll", StringComparison.Ordinal));
            else
                Assert.Contains($"lib/net10.0/{id}.xml", names);
            using var symbols = ZipFile.OpenRead(Path.ChangeExtension(nupkg, ".snupkg"));
            Assert.Contains(symbols.Entries, e => e.FullName.EndsWith(".pdb", StringComparison.Ordinal));
        }
    }

    /// <summary>The first C# block of a README: the usage example users copy.</summary>
    private static string ReadmeExample(string readme)
    {
        string text = File.ReadAllText(readme);
        int start = text.IndexOf("```csharp\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"{readme} has no C# example");
        start += "```csharp\n".Length;
        int end = text.IndexOf("```", start, StringComparison.Ordinal);
        return text[start..end];
    }
}
