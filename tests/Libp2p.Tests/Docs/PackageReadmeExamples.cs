// The C# examples of the package READMEs (src/Libp2p.PubSub, .Kad, .Relay, .Daemon), compiled here so that they
// keep compiling against the real API. They are never run; PackageReadmeTests checks that each README block is
// in this file verbatim (using directives, then the statements). Global namespace, as top-level statements are.
using System.Text;
using Libp2p.Daemon;
using Libp2p.Daemon.Endpoints;
using Libp2p.Host;
using Libp2p.Identity;
using Libp2p.Kad;
using Libp2p.Kad.Network;
using Libp2p.Kad.Records;
using Libp2p.Multiformats;
using Libp2p.PubSub;
using Libp2p.Relay;
using Libp2p.Transports.Tcp;

internal static class PackageReadmeExamples
{
    // Libp2p.PubSub/README.md
    public static async Task PubSubReadme(string[] args)
    {
        var options = new HostOptions();
        options.Transports.Add(new TcpTransport());
        await using var node = new Libp2pHost(options);
        await using var pubsub = new PubSub(node, new PubSubOptions());   // gossipsub v1.2, signed messages (StrictSign)
        await node.ListenAsync(Multiaddr.Parse("/ip4/0.0.0.0/tcp/0"));

        // A validator runs before a message is delivered or forwarded; Reject also penalizes the peers that sent it.
        pubsub.AddValidator("chat", (from, message, ct) =>
            ValueTask.FromResult(message.Data.Length <= 1024 ? ValidationResult.Accept : ValidationResult.Reject));

        await using var subscription = await pubsub.SubscribeAsync("chat");
        await node.DialAsync(Multiaddr.Parse(args[0]));
        await pubsub.PublishAsync("chat", Encoding.UTF8.GetBytes("hello"));
        await foreach (var message in subscription)
            Console.WriteLine($"{message.From}: {Encoding.UTF8.GetString(message.Data.Span)}");
    }

    // Libp2p.Kad/README.md
    public static async Task KadReadme(string[] args)
    {
        var options = new HostOptions();
        options.Transports.Add(new TcpTransport());
        await using var node = new Libp2pHost(options);
        await node.ListenAsync(Multiaddr.Parse("/ip4/0.0.0.0/tcp/0"));
        await using var dht = new KadDht(node, new KadOptions { Mode = KadMode.Server });   // KadMode.Client only queries

        await dht.BootstrapAsync([Multiaddr.Parse(args[0])]);

        KadPeerInfo? peer = await dht.FindPeerAsync(PeerId.Parse(args[1]));
        Console.WriteLine(peer is null ? "not found" : string.Join(" ", peer.Addresses));

        byte[] key = RecordKey.PublicKey(node.PeerId);                  // "/pk/" + our peer id
        await dht.PutValueAsync(key, node.Identity.PublicKey.ToProtobuf());
        byte[]? value = await dht.GetValueAsync(key);

        byte[] content = ContentKey.FromCid(args[2]);
        await dht.ProvideAsync(content);
        await foreach (var provider in dht.FindProvidersAsync(content))
            Console.WriteLine($"{provider.Id} provides {args[2]}");
    }

    // Libp2p.Relay/README.md
    public static async Task RelayReadme1(string[] args)
    {
        var options = new HostOptions();
        options.Transports.Add(new TcpTransport());
        options.AddCircuitRelay();                                       // the client transport
        await using var node = new Libp2pHost(options);

        var relay = Multiaddr.Parse(args[0]);
        await node.ListenAsync(CircuitAddress.ListenAddress(relay));     // reserves: …/p2p/RELAY/p2p-circuit
        Console.WriteLine($"reachable at {string.Join(" ", node.ListenAddresses)}");

        var connection = await node.DialAsync(CircuitAddress.DialAddress(relay, PeerId.Parse(args[1])));
        Console.WriteLine($"relayed: {connection.IsLimited}, ping {await node.PingAsync(connection)}");
    }

    // Libp2p.Relay/README.md
    public static async Task RelayReadme2(string[] args)
    {
        var options = new HostOptions();
        options.Transports.Add(new TcpTransport());
        await using var node = new Libp2pHost(options);
        await node.ListenAsync(Multiaddr.Parse("/ip4/0.0.0.0/tcp/4001"));
        await using var relay = node.StartRelayService(new RelayServiceOptions { MaxReservations = 128 });
    }

    // Libp2p.Daemon/README.md
    public static async Task DaemonReadme(string[] args)
    {
        var options = new HostOptions();
        options.Transports.Add(new TcpTransport());
        await using var node = new Libp2pHost(options);
        await node.ListenAsync(Multiaddr.Parse("/ip4/127.0.0.1/tcp/0"));
        await using var pubsub = new PubSub(node);
        await using var dht = new KadDht(node, new KadOptions { Mode = KadMode.Server });

        var control = await TransportControlEndpoint.ListenAsync(new TcpTransport(), Multiaddr.Parse("/ip4/127.0.0.1/tcp/0"), default);
        await using var daemon = new P2pDaemon(node, control, new DaemonOptions()) { PubSub = pubsub, Dht = dht };
        Console.WriteLine($"control socket: {daemon.ControlAddress}");   // give it to the client

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        await daemon.RunAsync(stop.Token);
    }
}
