using Libp2p.Cli;
using Libp2p.WasmApp;

// Entry point of the browser-wasm app (run by wasm/host/main.mjs under Node).
// `wasm/p2p listen|ping|identify|perf|keygen|id ...` runs the same commands as the native `p2p` tool, with
// the same output, over the WASI sockets transport and the event loop's clock. The raw transport
// scenarios (raw-echo-server, raw-dial, raw-ping, lifecycle, resolve) are this app's own.
if (args.Length > 0 && WasmCommands.Commands.ContainsKey(args[0]))
    return await WasmCommands.RunAsync(args);

var context = new WasmContext(WasmContext.HostEnvironment());
NodeSetup.TransportFactory = () => context.CreateTransport();
NodeSetup.TimeProvider = context.TimeProvider;
NodeSetup.AgentVersion = "p2p-dotnet-wasm/0.1.0";
Libp2p.Cli.Commands.PubSubCommand.InputLines = ct => StdinLines.ReadAsync(context.TimeProvider, ct);
// No ProcessTerminationTimeout: browser-wasm has no POSIX signals; the Node host is stopped by killing it.
return await CliApp.BuildRootCommand().Parse(args).InvokeAsync();
