using System.Text.RegularExpressions;

namespace Libp2p.Tests.Docs;

/// <summary>
/// The C# examples in the package READMEs compile against the real API: each README block (its using directives and
/// its statements) must appear verbatim in <c>PackageReadmeExamples.cs</c>, which this project compiles. The
/// <c>Libp2p</c> README's example is built and run from the packed package by tests/Libp2p.Interop.Tests/Packaging.
/// </summary>
public partial class PackageReadmeTests
{
    [Theory]
    [InlineData("Libp2p.PubSub")]
    [InlineData("Libp2p.Kad")]
    [InlineData("Libp2p.Relay")]
    [InlineData("Libp2p.Daemon")]
    public void EveryCSharpExampleOfThePackageReadmeIsCompiledByTheTests(string package)
    {
        var readme = File.ReadAllText(Path.Combine(RepoRoot(), "src", package, "README.md"));
        var compiled = Lines(File.ReadAllText(Path.Combine(RepoRoot(), "tests", "Libp2p.Tests", "Docs", "PackageReadmeExamples.cs")));
        var blocks = CSharpBlock().Matches(readme).Select(m => Lines(m.Groups[1].Value)).ToList();
        Assert.NotEmpty(blocks);

        foreach (var block in blocks)
        {
            var usings = block.TakeWhile(l => UsingDirective().IsMatch(l)).ToList();
            var statements = block.Skip(usings.Count).ToList();
            Assert.All(usings, u => Assert.Contains(u, compiled));
            Assert.True(IndexOfRun(compiled, statements) >= 0,
                $"{package}/README.md: this example is not in PackageReadmeExamples.cs:\n{string.Join("\n", statements)}");
        }
    }

    [Fact]
    public void AnExampleThatDiffersFromTheCompiledOneIsNotFound()
    {
        string[] compiled = ["var a = 1;", "var b = a + 1;", "Console.WriteLine(b);"];
        Assert.Equal(1, IndexOfRun(compiled, ["var b = a + 1;", "Console.WriteLine(b);"]));
        Assert.Equal(-1, IndexOfRun(compiled, ["var b = a + 2;", "Console.WriteLine(b);"]));
        Assert.Equal(-1, IndexOfRun(compiled, ["var a = 1;", "Console.WriteLine(b);"]));
    }

    /// <summary>Trimmed, non-empty lines: indentation differs between a README and a method body.</summary>
    private static List<string> Lines(string text) =>
        text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();

    private static int IndexOfRun(IReadOnlyList<string> haystack, IReadOnlyList<string> run)
    {
        for (int i = 0; i + run.Count <= haystack.Count; i++)
        {
            int j = 0;
            while (j < run.Count && haystack[i + j] == run[j]) j++;
            if (j == run.Count) return i;
        }
        return -1;
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Libp2p.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Repository root (Libp2p.slnx) not found.");
    }

    [GeneratedRegex(@"```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    [GeneratedRegex(@"^using [\w.]+;$")]
    private static partial Regex UsingDirective();
}
