using Libp2p.Fuzz;
using SharpFuzz;

// Libp2p.Fuzz TARGET                   run TARGET under afl-fuzz (SharpFuzz's out-of-process fork server; reads stdin)
// Libp2p.Fuzz --run TARGET FILE...     run TARGET once on each file (reproduce a finding); exit 1 on a finding
// Libp2p.Fuzz --write-seeds DIR        write every target's seeds to DIR/TARGET/seed-N
// Libp2p.Fuzz --list                   the targets
if (args.Length == 0 || args[0] == "--list")
{
    foreach (var t in FuzzTargets.All) Console.WriteLine($"{t.Name,-16} {t.Description}");
    return args.Length == 0 ? 2 : 0;
}
if (args[0] == "--write-seeds" && args.Length == 2)
{
    foreach (var t in FuzzTargets.All)
    {
        var dir = Path.Combine(args[1], t.Name);
        Directory.CreateDirectory(dir);
        int i = 0;
        foreach (var seed in t.Seeds()) File.WriteAllBytes(Path.Combine(dir, $"seed-{i++}"), seed);
    }
    return 0;
}
if (args[0] == "--run" && args.Length >= 3)
{
    var target = FuzzTargets.Find(args[1]) ?? throw new ArgumentException($"unknown target {args[1]}");
    int findings = 0;
    foreach (var file in args.Skip(2))
    {
        try { target.Run(File.ReadAllBytes(file)); }
        catch (Exception e)
        {
            findings++;
            Console.Error.WriteLine($"{file}: {e}");
        }
    }
    return findings == 0 ? 0 : 1;
}
var fuzzed = FuzzTargets.Find(args[0]);
if (fuzzed is null)
{
    Console.Error.WriteLine($"unknown target '{args[0]}'; --list shows them");
    return 2;
}
Fuzzer.OutOfProcess.Run(stream =>
{
    using var memory = new MemoryStream();
    stream.CopyTo(memory);
    fuzzed.Run(memory.ToArray());
});
return 0;
