using Libp2p.Cli;

// One command per file under Commands/; each returns its exit code through CommandRunner, which turns known
// failures into one line on stderr and exit code 1.
return await CliApp.BuildRootCommand().Parse(args).InvokeAsync();
