using Libp2p.Fuzz;

namespace Libp2p.Tests.Fuzz;

/// <summary>
/// Replays every input of the fuzz corpora (fuzz/corpus/TARGET: the seeds, what afl found interesting, and every
/// crash or hang found so far, kept as regression inputs) through its target: each must pass. Fuzzing itself is
/// scripts/fuzz, outside CI.
/// </summary>
public class CorpusReplayTests
{
    public static TheoryData<string> Targets()
    {
        var data = new TheoryData<string>();
        foreach (var t in FuzzTargets.All) data.Add(t.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void EveryCorpusInputPasses(string name)
    {
        var target = FuzzTargets.Find(name)!;
        var dir = Path.Combine(RepoRoot(), "fuzz", "corpus", name);
        var files = Directory.GetFiles(dir);
        Assert.NotEmpty(files);
        var failures = new List<string>();
        foreach (var file in files)
        {
            try { target.Run(File.ReadAllBytes(file)); }
            catch (Exception e) { failures.Add($"{Path.GetFileName(file)}: {e.GetType().Name}: {e.Message}"); }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void EveryTargetHasACorpus()
    {
        var root = Path.Combine(RepoRoot(), "fuzz", "corpus");
        Assert.Equal(FuzzTargets.All.Select(t => t.Name).Order(), Directory.GetDirectories(root).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void SeedsPass()
    {
        foreach (var t in FuzzTargets.All)
            foreach (var seed in t.Seeds())
                t.Run(seed);
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Libp2p.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Libp2p.slnx not found above the test binaries.");
    }
}
