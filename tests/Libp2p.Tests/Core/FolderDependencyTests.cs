using System.Text.RegularExpressions;

namespace Libp2p.Tests.Core;

/// <summary>
/// The folders of src/Libp2p (one namespace each) depend on each other in one direction only: a layer can be read
/// and tested without the ones above it. Multiformats and Identity once imported each other.
/// </summary>
public partial class FolderDependencyTests
{
    [Fact]
    public void TheFoldersOfTheStackImportEachOtherWithoutACycle()
    {
        var graph = ImportGraph(Path.Combine(RepoRoot(), "src", "Libp2p"));
        Assert.Contains("Multiformats", graph["Identity"]); // the scan sees imports: identity builds on multiformats
        Assert.DoesNotContain("Identity", graph["Multiformats"]);

        var cycle = FindCycle(graph);

        Assert.True(cycle is null, $"import cycle: {string.Join(" -> ", cycle ?? [])}");
    }

    [Fact]
    public void TheCycleFinderFindsACycle()
    {
        var graph = new Dictionary<string, HashSet<string>>
        {
            ["A"] = ["B"],
            ["B"] = ["C"],
            ["C"] = ["A"],
            ["D"] = ["A"],
        };
        Assert.Equal(["A", "B", "C", "A"], FindCycle(graph));
        graph["C"].Clear();
        Assert.Null(FindCycle(graph));
    }

    /// <summary>Folder → folders it names in a <c>using Libp2p.X</c> or a qualified <c>Libp2p.X.</c> reference.</summary>
    private static Dictionary<string, HashSet<string>> ImportGraph(string stackRoot)
    {
        var folders = Directory.GetDirectories(stackRoot).Select(Path.GetFileName)
            .Where(n => n is not ("bin" or "obj")).Select(n => n!).ToHashSet();
        var graph = folders.ToDictionary(f => f, _ => new HashSet<string>());
        foreach (var folder in folders)
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(stackRoot, folder), "*.cs", SearchOption.AllDirectories))
            {
                foreach (Match m in Reference().Matches(File.ReadAllText(file)))
                {
                    string target = m.Groups[1].Value;
                    if (target != folder && folders.Contains(target)) graph[folder].Add(target);
                }
            }
        }
        return graph;
    }

    private static List<string>? FindCycle(Dictionary<string, HashSet<string>> graph)
    {
        var done = new HashSet<string>();
        var path = new List<string>();
        foreach (var start in graph.Keys.Order())
        {
            if (Visit(start) is { } cycle) return cycle;
        }
        return null;

        List<string>? Visit(string node)
        {
            int onPath = path.IndexOf(node);
            if (onPath >= 0) return [.. path[onPath..], node];
            if (!done.Add(node)) return null;
            path.Add(node);
            foreach (var next in graph.GetValueOrDefault(node, []).Order())
                if (Visit(next) is { } cycle) return cycle;
            path.RemoveAt(path.Count - 1);
            return null;
        }
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Libp2p.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Repository root (Libp2p.slnx) not found.");
    }

    [GeneratedRegex(@"\bLibp2p\.([A-Z][A-Za-z]*)\b")]
    private static partial Regex Reference();
}
