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

    /// <summary>Starts <c>wasm/p2p args…</c> in its own Node process, killed by PID after <paramref name="hardTimeout"/>.</summary>
    public ChildProcess Start(TimeSpan hardTimeout, params string[] args) =>
        ChildProcess.Start(Script, args, hardTimeout, RepoPaths.Root);

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
