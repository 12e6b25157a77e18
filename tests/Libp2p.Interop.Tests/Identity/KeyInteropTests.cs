using System.Text.Json;
using Libp2p.Identity;

namespace Libp2p.Interop.Tests.Identity;

/// <summary>
/// Key files and peer ids agree with js-libp2p (@libp2p/crypto 5.1.23, @libp2p/peer-id 6.0.15) in both directions:
/// js writes a key and `p2p id` prints js's peer id; `p2p keygen` writes a key and js loads it to the same peer id
/// and re-encodes it to the same bytes. ECDSA: js has no ECDSA peer id and a non-spec public key encoding, so the
/// private key bytes and the curve point are compared instead.
/// </summary>
public sealed class KeyInteropTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("p2p-keys-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("Ed25519")]
    [InlineData("secp256k1")]
    [InlineData("ECDSA")]
    [InlineData("RSA")]
    public async Task KeyWrittenByJsGivesJsPeerIdInP2pId(string jsType)
    {
        var file = Path.Combine(_dir, "js.key");
        var js = await Processes.KeysJsAsync("generate", jsType, file);
        Assert.True(js.ExitCode == 0, js.Stderr);
        using var jsOut = JsonDocument.Parse(js.Stdout);

        var cli = await Processes.P2pAsync("id", "--key", file, "--json");
        Assert.True(cli.ExitCode == 0, cli.Stderr);
        using var cliOut = JsonDocument.Parse(cli.Stdout);
        var publicKey = PublicKey.FromProtobuf(Convert.FromBase64String(cliOut.RootElement.GetProperty("publicKey").GetString()!));

        // The file js wrote is byte for byte what we would write for that key.
        var loaded = PrivateKey.FromProtobuf(File.ReadAllBytes(file));
        Assert.Equal(jsOut.RootElement.GetProperty("privateKey").GetString(), Convert.ToHexStringLower(loaded.ToProtobuf()));

        if (jsType == "ECDSA")
        {
            Assert.Equal(jsOut.RootElement.GetProperty("point").GetString(), Convert.ToHexStringLower(((EcdsaPublicKey)publicKey).GetUncompressedPoint()));
            Assert.Equal(publicKey.ToPeerId().ToString(), cliOut.RootElement.GetProperty("peerId").GetString());
        }
        else
        {
            var jsPeerId = jsOut.RootElement.GetProperty("peerId").GetString();
            Assert.Equal(jsPeerId, cliOut.RootElement.GetProperty("peerId").GetString());
            Assert.Equal(jsOut.RootElement.GetProperty("publicKey").GetString(), Convert.ToHexStringLower(publicKey.ToProtobuf()));
            var plain = await Processes.P2pAsync("id", "--key", file);
            Assert.Equal(jsPeerId, plain.Stdout.Trim());
        }
    }

    [Theory]
    [InlineData("ed25519")]
    [InlineData("secp256k1")]
    [InlineData("ecdsa")]
    [InlineData("rsa")]
    public async Task KeyWrittenByP2pKeygenLoadsInJsWithTheSamePeerId(string type)
    {
        var file = Path.Combine(_dir, "p2p.key");
        var cli = await Processes.P2pAsync("keygen", "--type", type, "--out", file);
        Assert.True(cli.ExitCode == 0, cli.Stderr);
        var printedId = cli.Stdout.Trim();
        var written = File.ReadAllBytes(file);
        var key = PrivateKey.FromProtobuf(written);
        Assert.Equal(printedId, key.ToPeerId().ToString());

        var js = await Processes.KeysJsAsync("load", file);
        Assert.True(js.ExitCode == 0, js.Stderr);
        using var jsOut = JsonDocument.Parse(js.Stdout);
        // js re-encodes the key it loaded to exactly the bytes we wrote.
        Assert.Equal(Convert.ToHexStringLower(written), jsOut.RootElement.GetProperty("privateKey").GetString());
        if (type == "ecdsa")
            Assert.Equal(Convert.ToHexStringLower(((EcdsaPublicKey)key.PublicKey).GetUncompressedPoint()), jsOut.RootElement.GetProperty("point").GetString());
        else
            Assert.Equal(printedId, jsOut.RootElement.GetProperty("peerId").GetString());
    }
}
