using System.CommandLine;
using Libp2p.Cli;

// One command per file under Commands/; each returns its exit code through CommandRunner, which turns known
// failures into one line on stderr and exit code 1.
// System.CommandLine 2.0.0 handles SIGINT/SIGTERM only when ProcessTerminationTimeout is set (it is null by
// default, so the runtime would kill `p2p listen` without its closed line); 10 s > the host's 5 s shutdown.
return await CliApp.BuildRootCommand().Parse(args)
    .InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(10) });
