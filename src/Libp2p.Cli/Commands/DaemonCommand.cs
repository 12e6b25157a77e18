using System.CommandLine;
using Libp2p.Daemon;
using Libp2p.Daemon.Endpoints;
using Libp2p.Multiformats;
using Libp2p.Relay;
using Libp2p.Security.Tls;

namespace Libp2p.Cli.Commands;

/// <summary>
/// <c>p2p daemon --control MA [--listen MA]... [--no-listen] [--key FILE] [--security noise|tls|plaintext]...
/// [--muxer yamux] [--dht | --dht-client] [--pubsub gossipsub|floodsub] [--relay]</c>: a libp2p node driven through
/// go-libp2p-daemon's control protocol (p2pd) on <c>--control</c>, until SIGINT/SIGTERM. When ready it prints one
/// JSON line: <c>{"event":"daemon","control":MA,"peerId":ID,"addrs":[...]}</c>. An option this build cannot honour
/// makes it exit with code 2 before it opens anything, with a message that says "unsupported" (a test harness skips).
/// </summary>
internal static class DaemonCommand
{
    /// <summary>Exit code for an option this build does not support.</summary>
    public const int Unsupported = 2;

    /// <summary>Security protocols this build can negotiate (no TLS inside WebAssembly: docs/security.md).</summary>
    public static IReadOnlyList<string> SupportedSecurity =>
        TlsSecurity.IsSupported ? ["noise", "tls", "plaintext"] : ["noise", "plaintext"];

    public static Command Create()
    {
        var control = new Option<string>("--control") { Description = "Control socket: /ip4/127.0.0.1/tcp/0 (a free port) or, natively, /unix/PATH.", Required = true };
        var listen = new Option<string[]>("--listen") { Description = "Address the libp2p node listens on (repeatable; default /ip4/127.0.0.1/tcp/0).", AllowMultipleArgumentsPerToken = false };
        var noListen = new Option<bool>("--no-listen") { Description = "Do not listen: the node only dials." };
        var muxer = new Option<string[]>("--muxer") { Description = "Stream muxer (repeatable; yamux only).", AllowMultipleArgumentsPerToken = false };
        var dht = new Option<bool>("--dht") { Description = "Run the Kademlia DHT in server mode (DHT requests are served by it)." };
        var dhtClient = new Option<bool>("--dht-client") { Description = "Run the Kademlia DHT in client mode (queries only)." };
        var pubsub = new Option<string?>("--pubsub") { Description = "Run pubsub with this router: gossipsub or floodsub (the suite's pubsubRouter)." };
        var relay = new Option<bool>("--relay") { Description = "Serve circuit relay v2 (the hop protocol): other peers may reserve slots here and be reached through this node." };
        var command = new Command("daemon", "Run a libp2p node controlled through the libp2p daemon protocol (p2pd).")
        {
            control, listen, noListen, NodeSetup.KeyOption, NodeSetup.SecurityOption, muxer, dht, dhtClient, pubsub, relay, NodeSetup.TimeoutOption,
        };
        command.SetRunner(async (parse, ct) =>
        {
            // Everything is checked before anything is opened: an unsupported option must leave no trace.
            string? unsupported = FirstUnsupported(parse.GetValue(dht), parse.GetValue(dhtClient), parse.GetValue(pubsub),
                parse.GetValue(NodeSetup.SecurityOption) ?? [], parse.GetValue(muxer) ?? []);
            var controlAddress = NodeSetup.ParseAddress(parse.GetValue(control), "--control address");
            bool unix = UnixControlEndpoint.IsUnix(controlAddress);
            if (unix && (OperatingSystem.IsBrowser() || OperatingSystem.IsWasi()))
                unsupported ??= $"--control {controlAddress}: there are no unix sockets inside WebAssembly (use /ip4/127.0.0.1/tcp/0)";
            if (unsupported is not null)
            {
                parse.InvocationConfiguration.Error.WriteLine($"p2p: unsupported: {unsupported}");
                return Unsupported;
            }
            var listenAddresses = ListenAddresses(parse.GetValue(listen) ?? [], parse.GetValue(noListen));

            await using var host = NodeSetup.CreateHost(parse);
            foreach (var a in listenAddresses)
                await host.ListenAsync(a, ct);
            await using var relayService = parse.GetValue(relay) ? host.StartRelayService() : null;
            var router = PubSubSetup.ParseRouter(parse.GetValue(pubsub));
            await using var pubSub = router is { } kind ? PubSubSetup.Create(host, kind) : null;
            IControlEndpoint endpoint = unix
                ? UnixControlEndpoint.Listen(controlAddress, NodeSetup.TransportFactory())
                : await TransportControlEndpoint.ListenAsync(NodeSetup.TransportFactory(), controlAddress, ct);
            var daemon = new P2pDaemon(host, endpoint) { PubSub = pubSub };
            await using var kad = parse.GetValue(dht) || parse.GetValue(dhtClient)
                ? new Kad.KadDht(host, new Kad.KadOptions { Mode = parse.GetValue(dht) ? Kad.KadMode.Server : Kad.KadMode.Client })
                : null;
            daemon.Dht = kad;
            await using (daemon)
            {
                var serving = daemon.RunAsync(ct);
                Output.WriteJsonObject(parse, w =>
                {
                    w.WriteString("event", "daemon");
                    w.WriteString("control", daemon.ControlAddress.ToString());
                    w.WriteString("peerId", host.PeerId.ToString());
                    w.WriteStartArray("addrs");
                    foreach (var a in host.ListenAddresses) w.WriteStringValue(a.ToString());
                    w.WriteEndArray();
                });
                await serving; // until SIGINT/SIGTERM (ct) or the control endpoint closes
            }
            if (pubSub is not null) await pubSub.DisposeAsync();
            await host.DisposeAsync();
            Output.WriteJsonObject(parse, w => w.WriteString("event", "closed"));
            return CommandRunner.Ok;
        });
        return command;
    }

    /// <summary>The first option this build cannot honour, said for the user; null when all are supported.</summary>
    public static string? FirstUnsupported(bool dht, bool dhtClient, string? pubsub, IReadOnlyList<string> security, IReadOnlyList<string> muxers)
    {
        if (dht && dhtClient) return "--dht and --dht-client exclude each other";
        if (pubsub is not null && pubsub.ToLowerInvariant() is not ("gossipsub" or "floodsub"))
            return $"--pubsub {pubsub}: this build has the gossipsub and floodsub routers";
        foreach (var s in security)
        {
            if (!SupportedSecurity.Contains(s.ToLowerInvariant()))
                return $"--security {s}: this build negotiates {string.Join(", ", SupportedSecurity)}";
        }
        foreach (var m in muxers)
        {
            if (m != "yamux")
                return $"--muxer {m}: this build has yamux only";
        }
        return null;
    }

    private static List<Multiaddr> ListenAddresses(string[] given, bool noListen)
    {
        if (noListen && given.Length > 0)
            throw new CliException("--listen and --no-listen cannot be used together");
        if (noListen) return [];
        if (given.Length == 0) given = ["/ip4/127.0.0.1/tcp/0"];
        return [.. given.Select(a => NodeSetup.ParseAddress(a, "--listen address"))];
    }
}
