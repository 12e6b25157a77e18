using Libp2p.Identity;

namespace Libp2p.Interop.Tests.Wasm;

/// <summary>
/// Security protocols inside WebAssembly: <c>/tls/1.0.0</c> needs the platform's TLS (SslStream on OpenSSL), which
/// browser-wasm and WASI do not have, so the tool refuses it up front with one clear line (docs/security.md).
/// </summary>
[Collection(WasmAppCollection.Name)]
public sealed class WasmSecurityTests(WasmAppFixture app)
{
    private static readonly TimeSpan Hard = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan T = TimeSpan.FromSeconds(60);

    [Theory]
    [MemberData(nameof(WasmAppFixture.Abis), MemberType = typeof(WasmAppFixture))]
    public async Task TlsIsRefusedInsideWasmWithOneLineThatSaysWhy(string abi)
    {
        await using var ping = app.Start(abi, Hard, "ping", "/ip4/127.0.0.1/tcp/9/p2p/" + PrivateKey.Generate().ToPeerId(), "--count", "1", "--security", "tls");
        Assert.Equal(1, await ping.WaitForExitAsync(T));
        var line = Assert.Single(ping.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("p2p: ", line);
        Assert.Contains("--security tls is not available inside WebAssembly", line);
        Assert.DoesNotContain("   at ", ping.Stderr);
    }
}
