using Libp2p.Transport.WasiSockets;
using Libp2p.Transport.WasiSockets.Scheduling;
using Libp2p.Transports;

namespace Libp2p.WasmApp;

/// <summary>A command of the Wasm app: gets the shared context and its own arguments, returns the exit code.</summary>
public delegate Task<int> WasmCommand(WasmContext context, string[] args);

/// <summary>
/// The command table. To add a command (e.g. the host's listen/ping/identify/perf), add one line to
/// <see cref="Commands"/> pointing at a static <c>Task&lt;int&gt; RunAsync(WasmContext, string[])</c>.
/// </summary>
public static class WasmCommands
{
    public static readonly Dictionary<string, (WasmCommand Run, string Usage)> Commands = new(StringComparer.Ordinal)
    {
        ["raw-echo-server"] = (RawCommands.EchoServerAsync, "raw-echo-server --listen MA [--listen MA]...  echo every raw connection"),
        ["raw-dial"] = (RawCommands.DialAsync, "raw-dial MA [--bytes N] [--chunk C]  send N bytes, check the echo, half-close"),
        ["raw-ping"] = (RawCommands.PingAsync, "raw-ping MA [--count K] [--size S]  ping-pong over a raw echo, report RTT"),
        ["lifecycle"] = (RawCommands.LifecycleAsync, "lifecycle  two listeners, self-dial echo, remove the second"),
        ["resolve"] = (RawCommands.ResolveAsync, "resolve /dns|dns4|dns6/NAME  resolve through wasi:sockets/ip-name-lookup"),
        ["bench-setup"] = (BenchCommands.SetupAsync, "bench-setup MA [--count N] [--warmup W] [--security noise|tls]  dial, first ping, close; set-up latency"),
        ["bench-perf"] = (BenchCommands.PerfAsync, "bench-perf MA [--bytes N] [--runs R]  /perf as the dialer, after a warm-up"),
        ["bench-cipher"] = (BenchCommands.CipherAsync, "bench-cipher [--mib N]  ChaCha20-Poly1305 seal speed per implementation"),
        ["bench-handshake"] = (BenchCommands.HandshakeAsync, "bench-handshake [--iterations N]  X25519/Ed25519 cost of one Noise handshake"),
    };

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || !Commands.TryGetValue(args[0], out var command))
        {
            Console.Error.WriteLine(args.Length == 0 ? "usage: p2p <command> [args]" : $"unknown command '{args[0]}'");
            foreach (var (name, c) in Commands) Console.Error.WriteLine($"  {c.Usage}");
            return 2;
        }
        var context = new WasmContext(WasmContext.HostEnvironment());
        try
        {
            return await command.Run(context, args[1..]);
        }
        catch (Exception e)
        {
            JsonLine.Error(e);
            return 1;
        }
    }
}

/// <summary>What every command gets: the WASI environment (backend + loop) and a way to make the transport.</summary>
public sealed class WasmContext(WasiEnvironment environment)
{
    /// <summary>
    /// The environment wasm/host/main.mjs set up: <c>--abi js</c> (JSImport glue) or <c>--abi canonical</c> (the
    /// canonical-ABI backend over jco's lowered imports), passed as LIBP2P_WASM_ABI.
    /// </summary>
    public static WasiEnvironment HostEnvironment() =>
        WasiEnvironment.NodeJsHost(System.Environment.GetEnvironmentVariable("LIBP2P_WASM_ABI") == "canonical" ? NodeHostAbi.Canonical : NodeHostAbi.JsGlue);

    public WasiEnvironment Environment { get; } = environment;

    /// <summary>The loop's clock (monotonic-clock); give it to everything that needs time.</summary>
    public TimeProvider TimeProvider => Environment.TimeProvider;

    public WasiTcpTransport CreateTransport(WasiTcpTransportOptions? options = null) => new(Environment, options);

    /// <summary>Completes on SIGINT/SIGTERM is not available in browser-wasm; commands that serve run until killed.</summary>
    public Task RunForeverAsync(CancellationToken cancellationToken = default) =>
        Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider, cancellationToken);
}
