namespace Libp2p.Interop.Tests.Identity;

/// <summary>A bad key file is one line on stderr and exit code 1, never a stack trace.</summary>
public sealed class CliErrorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("p2p-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static void AssertOneLineFailure(Processes.Result r, string expectedFragment)
    {
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("", r.Stdout);
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("p2p: ", lines[0]);
        Assert.Contains(expectedFragment, lines[0]);
        Assert.DoesNotContain("   at ", r.Stderr);
    }

    [Fact]
    public async Task MissingKeyFile()
    {
        var path = Path.Combine(_dir, "absent.key");
        AssertOneLineFailure(await Processes.P2pAsync("id", "--key", path), "not found");
    }

    [Fact]
    public async Task TruncatedKeyFile()
    {
        var good = Path.Combine(_dir, "good.key");
        Assert.Equal(0, (await Processes.P2pAsync("keygen", "--out", good)).ExitCode);
        var truncated = Path.Combine(_dir, "truncated.key");
        File.WriteAllBytes(truncated, File.ReadAllBytes(good)[..40]);
        AssertOneLineFailure(await Processes.P2pAsync("id", "--key", truncated), "truncated");
    }

    [Fact]
    public async Task ForeignFile()
    {
        var path = Path.Combine(_dir, "foreign.key");
        File.WriteAllText(path, "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n");
        AssertOneLineFailure(await Processes.P2pAsync("id", "--key", path), "not a libp2p private key");
    }

    [Fact]
    public async Task EmptyFile()
    {
        var path = Path.Combine(_dir, "empty.key");
        File.WriteAllBytes(path, []);
        AssertOneLineFailure(await Processes.P2pAsync("id", "--key", path), "not a libp2p private key");
    }

    [Fact]
    public async Task KeygenDoesNotOverwriteAnExistingFile()
    {
        var path = Path.Combine(_dir, "exists.key");
        File.WriteAllBytes(path, [1, 2, 3]);
        AssertOneLineFailure(await Processes.P2pAsync("keygen", "--out", path), "already exists");
        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(path));
    }

    [Fact]
    public async Task KeygenIntoMissingDirectory()
    {
        var path = Path.Combine(_dir, "no", "such", "dir.key");
        AssertOneLineFailure(await Processes.P2pAsync("keygen", "--out", path), "not found");
    }
}
