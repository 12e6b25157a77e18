using System.CommandLine;
using Libp2p.Host;
using Libp2p.Identity;
using Libp2p.Kad;
using Libp2p.Kad.Network;
using Libp2p.Kad.Records;
using Libp2p.Multiformats;

namespace Libp2p.Cli;

/// <summary>The DHT options the commands share (<c>--bootstrap</c>, <c>--dht-protocol</c>) and how a DHT is attached to a host.</summary>
internal static class DhtSetup
{
    public static readonly Option<string[]> BootstrapOption = new("--bootstrap")
    {
        Description = "DHT peer(s) to join through, each ending in /p2p/<peer id> (several may follow one --bootstrap).",
        AllowMultipleArgumentsPerToken = true,
        DefaultValueFactory = _ => [],
    };

    public static readonly Option<string> ProtocolOption = new("--dht-protocol")
    {
        Description = "The DHT protocol id (a private network uses its own).",
        DefaultValueFactory = _ => KadOptions.DefaultProtocolId,
    };

    public static IReadOnlyList<Multiaddr> BootstrapAddresses(ParseResult parse)
    {
        var list = parse.GetValue(BootstrapOption)!.Select(a => NodeSetup.ParseAddress(a, "--bootstrap address")).ToList();
        foreach (var a in list)
            if (a.PeerId is null) throw new CliException($"--bootstrap address {a} needs /p2p/<peer id>");
        return list;
    }

    /// <summary>A DHT on <paramref name="host"/>, joined through the --bootstrap peers (if any); fails when none answered.</summary>
    public static async Task<KadDht> StartAsync(ParseResult parse, Libp2pHost host, KadMode mode, CancellationToken ct)
    {
        var options = new KadOptions { Mode = mode, ProtocolId = parse.GetValue(ProtocolOption)! };
        foreach (var a in BootstrapAddresses(parse)) options.BootstrapPeers.Add(a);
        var dht = new KadDht(host, options);
        if (options.BootstrapPeers.Count > 0)
        {
            int reached = await dht.BootstrapAsync(ct);
            if (reached == 0)
            {
                await dht.DisposeAsync();
                throw new CliException($"none of the {options.BootstrapPeers.Count} --bootstrap peer(s) answered on {options.ProtocolId}");
            }
        }
        return dht;
    }

    public static void WritePeer(System.Text.Json.Utf8JsonWriter w, KadPeerInfo peer)
    {
        w.WriteString("peer", peer.Id.ToString());
        w.WriteStartArray("addrs");
        foreach (var a in peer.Addresses) w.WriteStringValue(a.ToString());
        w.WriteEndArray();
    }

    /// <summary>A record key from the command line: <c>/pk/&lt;peer id&gt;</c>, <c>/ipns/&lt;peer id&gt;</c>, or UTF-8 text.</summary>
    public static byte[] ParseRecordKey(string? text)
    {
        if (string.IsNullOrEmpty(text)) throw new CliException("missing key");
        try { return RecordKey.Parse(text); }
        catch (FormatException e) { throw new CliException(e.Message, e); }
    }

    /// <summary>A provider key from the command line: a CID (its multihash is what the DHT stores).</summary>
    public static byte[] ParseContentKey(string? text)
    {
        if (string.IsNullOrEmpty(text)) throw new CliException("missing CID");
        try { return ContentKey.FromCid(text); }
        catch (FormatException e) { throw new CliException($"bad CID '{text}': {e.Message}", e); }
    }
}
