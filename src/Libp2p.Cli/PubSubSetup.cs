using System.CommandLine;
using System.Text;
using Libp2p.Host;
using Libp2p.PubSub;

namespace Libp2p.Cli;

/// <summary>The pubsub options of `p2p listen` and `p2p pubsub`, and the lines they print.</summary>
internal static class PubSubSetup
{
    public static Option<string?> RouterOption(bool required) => new("--pubsub")
    {
        Description = required ? "Pubsub router: gossipsub (default) or floodsub." : "Run pubsub with this router: gossipsub or floodsub.",
        DefaultValueFactory = required ? _ => "gossipsub" : null,
    };

    /// <summary>Parses the router name; null when <paramref name="name"/> is null.</summary>
    public static PubSubRouterKind? ParseRouter(string? name) => name?.ToLowerInvariant() switch
    {
        null => null,
        "gossipsub" => PubSubRouterKind.GossipSub,
        "floodsub" => PubSubRouterKind.FloodSub,
        _ => throw new CliException($"--pubsub must be gossipsub or floodsub, got '{name}'"),
    };

    public static Libp2p.PubSub.PubSub Create(Libp2pHost host, PubSubRouterKind router) =>
        new(host, new PubSubOptions { Router = router });

    /// <summary>Prints one received message: the JSON line of the `pubsub:message` event, or "[topic] from: text".</summary>
    public static void PrintMessage(ParseResult parse, PubSubMessage m)
    {
        string? text = Utf8OrNull(m.Data.Span);
        if (Output.IsJson(parse))
        {
            Output.WriteJsonObject(parse, w =>
            {
                w.WriteString("event", "pubsub:message");
                w.WriteString("topic", m.Topic);
                if (m.From is { } from) w.WriteString("from", from.ToString()); else w.WriteNull("from");
                w.WriteString("seqno", m.SeqnoHex);
                w.WriteString("data", Convert.ToBase64String(m.Data.Span));
                if (text is null) w.WriteNull("text"); else w.WriteString("text", text);
            });
            return;
        }
        Output.WriteLine(parse, $"[{m.Topic}] {m.From?.ToString() ?? "(anonymous)"}: {text ?? $"({m.Data.Length} bytes, base64 {Convert.ToBase64String(m.Data.Span)})"}");
    }

    /// <summary>Prints a peer joining or leaving a topic.</summary>
    public static void PrintChange(ParseResult parse, SubscriptionChange c)
    {
        if (Output.IsJson(parse))
            Output.WriteJsonObject(parse, w =>
            {
                w.WriteString("event", c.Subscribed ? "pubsub:subscribed" : "pubsub:unsubscribed");
                w.WriteString("peer", c.Peer.ToString());
                w.WriteString("topic", c.Topic);
            });
        else
            Output.WriteLine(parse, $"{c.Peer} {(c.Subscribed ? "joined" : "left")} {c.Topic}");
    }

    /// <summary>Prints every message of <paramref name="subscription"/> until it ends or <paramref name="ct"/> fires.</summary>
    public static async Task PrintAllAsync(ParseResult parse, Subscription subscription, Func<PubSubMessage, bool> show, CancellationToken ct)
    {
        try
        {
            await foreach (var m in subscription.WithCancellation(ct))
                if (show(m)) PrintMessage(parse, m);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static string? Utf8OrNull(ReadOnlySpan<byte> data)
    {
        try { return StrictUtf8.GetString(data); }
        catch (DecoderFallbackException) { return null; }
    }
}
