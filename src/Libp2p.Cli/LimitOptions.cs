using System.CommandLine;
using System.Globalization;
using Libp2p.Host.Resources;

namespace Libp2p.Cli;

/// <summary>
/// <c>--limit NAME=VALUE</c> (repeatable): sets one limit of the host's resource manager, NAME being a property of
/// <see cref="ResourceLimits"/> (case-insensitive), VALUE a number (memory may end in KiB, MiB or GiB) or
/// <c>unlimited</c>; <c>--limit all=unlimited</c> lifts every limit (benchmarks that open thousands of connections
/// from one address). Hand-written (no reflection: the tool is AOT-safe).
/// </summary>
internal static class LimitOptions
{
    public static readonly Option<string[]> Option = new("--limit")
    {
        Description = "Set a resource limit, NAME=VALUE (repeatable; see docs/limits.md), e.g. --limit ConnectionsInboundPerAddress=64, --limit all=unlimited.",
        AllowMultipleArgumentsPerToken = false,
    };

    public static ResourceLimits Apply(ParseResult parse, ResourceLimits limits)
    {
        foreach (var entry in parse.GetValue(Option) ?? [])
        {
            int eq = entry.IndexOf('=');
            if (eq <= 0) throw new CliException($"--limit expects NAME=VALUE, got '{entry}'");
            Set(limits, entry[..eq].Trim(), entry[(eq + 1)..].Trim());
        }
        return limits;
    }

    public static void Set(ResourceLimits l, string name, string value)
    {
        if (name.Equals("all", StringComparison.OrdinalIgnoreCase))
        {
            if (!value.Equals("unlimited", StringComparison.OrdinalIgnoreCase))
                throw new CliException("--limit all= only takes 'unlimited'");
            foreach (var n in Names) Set(l, n, "unlimited");
            return;
        }
        long v = Parse(name, value);
        int i = (int)Math.Min(v, int.MaxValue);
        switch (name.ToLowerInvariant())
        {
            case "pendinginbound": l.PendingInbound = i; break;
            case "connectionsinbound": l.ConnectionsInbound = i; break;
            case "connectionsoutbound": l.ConnectionsOutbound = i; break;
            case "connections": l.Connections = i; break;
            case "streamsinbound": l.StreamsInbound = i; break;
            case "streamsoutbound": l.StreamsOutbound = i; break;
            case "memory": l.Memory = v; break;
            case "pendinginboundperaddress": l.PendingInboundPerAddress = i; break;
            case "connectionsinboundperaddress": l.ConnectionsInboundPerAddress = i; break;
            case "connectionsoutboundperaddress": l.ConnectionsOutboundPerAddress = i; break;
            case "memoryperaddress": l.MemoryPerAddress = v; break;
            case "inboundupgradefailuresperaddress": l.InboundUpgradeFailuresPerAddress = i; break;
            case "connectionsinboundperpeer": l.ConnectionsInboundPerPeer = i; break;
            case "connectionsoutboundperpeer": l.ConnectionsOutboundPerPeer = i; break;
            case "streamsinboundperpeer": l.StreamsInboundPerPeer = i; break;
            case "streamsoutboundperpeer": l.StreamsOutboundPerPeer = i; break;
            case "memoryperpeer": l.MemoryPerPeer = v; break;
            case "streamsinboundperconnection": l.StreamsInboundPerConnection = i; break;
            case "streamsoutboundperconnection": l.StreamsOutboundPerConnection = i; break;
            case "memoryperconnection": l.MemoryPerConnection = v; break;
            case "memoryperstream": l.MemoryPerStream = v; break;
            case "streamsinboundperprotocol": l.StreamsInboundPerProtocol = i; break;
            case "streamsoutboundperprotocol": l.StreamsOutboundPerProtocol = i; break;
            case "memoryperprotocol": l.MemoryPerProtocol = v; break;
            default: throw new CliException($"unknown limit '{name}' (one of: {string.Join(", ", Names)})");
        }
    }

    private static readonly string[] Names =
    [
        nameof(ResourceLimits.PendingInbound), nameof(ResourceLimits.ConnectionsInbound), nameof(ResourceLimits.ConnectionsOutbound),
        nameof(ResourceLimits.Connections), nameof(ResourceLimits.StreamsInbound), nameof(ResourceLimits.StreamsOutbound),
        nameof(ResourceLimits.Memory), nameof(ResourceLimits.PendingInboundPerAddress), nameof(ResourceLimits.ConnectionsInboundPerAddress),
        nameof(ResourceLimits.ConnectionsOutboundPerAddress), nameof(ResourceLimits.MemoryPerAddress), nameof(ResourceLimits.InboundUpgradeFailuresPerAddress), nameof(ResourceLimits.ConnectionsInboundPerPeer),
        nameof(ResourceLimits.ConnectionsOutboundPerPeer), nameof(ResourceLimits.StreamsInboundPerPeer), nameof(ResourceLimits.StreamsOutboundPerPeer),
        nameof(ResourceLimits.MemoryPerPeer), nameof(ResourceLimits.StreamsInboundPerConnection), nameof(ResourceLimits.StreamsOutboundPerConnection),
        nameof(ResourceLimits.MemoryPerConnection), nameof(ResourceLimits.MemoryPerStream), nameof(ResourceLimits.StreamsInboundPerProtocol),
        nameof(ResourceLimits.StreamsOutboundPerProtocol), nameof(ResourceLimits.MemoryPerProtocol),
    ];

    private static long Parse(string name, string value)
    {
        if (value.Equals("unlimited", StringComparison.OrdinalIgnoreCase)) return long.MaxValue;
        long unit = 1;
        foreach (var (suffix, factor) in new[] { ("KiB", 1L << 10), ("MiB", 1L << 20), ("GiB", 1L << 30) })
        {
            if (value.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                unit = factor;
                value = value[..^suffix.Length];
                break;
            }
        }
        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long n) || n > long.MaxValue / unit)
            throw new CliException($"--limit {name}: '{value}' is not a non-negative number");
        return n * unit;
    }
}
