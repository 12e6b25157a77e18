using System.CommandLine;
using Libp2p.Cli.Commands;

namespace Libp2p.Cli;

/// <summary>
/// The `p2p` command tree. Shared by the native tool (Program.cs) and the Wasm build (wasm/app), which
/// compiles these sources with its own entry point and transport (see <see cref="NodeSetup.TransportFactory"/>).
/// </summary>
internal static class CliApp
{
    public static RootCommand BuildRootCommand() => new("p2p — a libp2p peer for .NET")
    {
        KeygenCommand.Create(),
        IdCommand.Create(),
        ListenCommand.Create(),
        PingCommand.Create(),
        IdentifyCommand.Create(),
        PerfCommand.Create(),
        DhtCommand.Create(),
        DaemonCommand.Create(),
        PubSubCommand.Create(),
    };
}
