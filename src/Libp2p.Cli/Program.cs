using System.CommandLine;
using Libp2p.Cli.Commands;

// One command per file under Commands/; each returns its exit code through CommandRunner, which turns known
// failures into one line on stderr and exit code 1.
var root = new RootCommand("p2p — a libp2p peer for .NET")
{
    KeygenCommand.Create(),
    IdCommand.Create(),
    ListenCommand.Create(),
    PingCommand.Create(),
    IdentifyCommand.Create(),
    PerfCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
