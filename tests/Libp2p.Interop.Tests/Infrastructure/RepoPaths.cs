namespace Libp2p.Interop.Tests.Infrastructure;

/// <summary>Locates the repository and the built artifacts the interop tests start.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string InteropJs => Path.Combine(Root, "interop", "js");

    /// <summary>The `p2p` CLI assembly built next to this test assembly (run with `dotnet p2p.dll`).</summary>
    public static string CliDll => Path.Combine(AppContext.BaseDirectory, "p2p.dll");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Libp2p.slnx")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Repository root (Libp2p.slnx) not found.");
    }
}
