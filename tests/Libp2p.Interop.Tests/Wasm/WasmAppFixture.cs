using System.Text.Json;
using Libp2p.Interop.Tests.Infrastructure;

namespace Libp2p.Interop.Tests.Wasm;

/// <summary>Builds the Wasm app once per test run (wasm/p2p builds only when stale) and starts it per test.</summary>
public sealed class WasmAppFixture : IAsyncLifetime
{
    /// <summary>First build of the browser-wasm app on a busy 2-core machine takes a few minutes.</summary>
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(8);

    public static string Script => Path.Combine(RepoPaths.Root, "wasm", "p2p");

    public async Task InitializeAsync()
    {
        await using var build = ChildProcess.Start(Script, ["--build-only"], BuildTimeout, RepoPaths.Root);
        int code = await build.WaitForExitAsync(BuildTimeout);
        if (code != 0) throw new InvalidOperationException($"wasm/p2p --build-only failed ({code}):\n{build.Stderr}");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>The two backends every Wasm scenario runs with: the JSImport glue and the canonical ABI through jco.</summary>
    public static TheoryData<string> Abis => new() { "js", "canonical" };

    /// <summary>
    /// Starts <c>wasm/p2p --abi ABI args…</c> in its own Node process, killed by PID after <paramref name="hardTimeout"/>.
    /// </summary>
    public ChildProcess Start(string abi, TimeSpan hardTimeout, params string[] args) =>
        ChildProcess.Start(Script, ["--abi", abi, .. args], hardTimeout, RepoPaths.Root, NoRebuild);

    /// <summary>The fixture built the app once: a source edited meanwhile must not make each test's wasm/p2p republish it.</summary>
    private static readonly Dictionary<string, string> NoRebuild = new() { ["LIBP2P_WASM_NO_REBUILD"] = "1" };

    public static JsonElement Parse(string line)
    {
        using var doc = JsonDocument.Parse(line);
        return doc.RootElement.Clone();
    }

    public static bool IsEvent(string line, string name) =>
        line.StartsWith('{') && Parse(line).TryGetProperty("event", out var e) && e.GetString() == name;
}

[CollectionDefinition(Name)]
public sealed class WasmAppCollection : ICollectionFixture<WasmAppFixture>
{
    public const string Name = "wasm-app";
}
