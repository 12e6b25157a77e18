using System.CommandLine;
using Libp2p.Host;
using Libp2p.Identity;
using Libp2p.Multiformats;
using Libp2p.Relay;
using Libp2p.Security;
using Libp2p.Security.Noise;
using Libp2p.Security.Plaintext;
using Libp2p.Security.Tls;
using Libp2p.Transports;
using Libp2p.Transports.Tcp;

namespace Libp2p.Cli;

/// <summary>
/// What every networking command shares: the key option, the transport and the host. The transport is
/// a factory so that the same commands run natively (TCP on System.Net.Sockets) and inside Wasm
/// (the WASI sockets transport; the Wasm app swaps <see cref="TransportFactory"/>).
/// </summary>
internal static class NodeSetup
{
    public static readonly Option<string?> KeyOption = new("--key") { Description = "Private key file (libp2p protobuf); a fresh Ed25519 key when omitted." };

    public static readonly Option<double> TimeoutOption = new("--timeout")
    {
        Description = "Seconds to wait for the dial (and each operation) before giving up.",
        DefaultValueFactory = _ => 15,
    };

    public static readonly Option<string[]> SecurityOption = new("--security")
    {
        Description = "Security protocol: noise, tls or plaintext (repeatable; the order is the preference). Default: noise, then tls.",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>Creates the transport the commands use; the Wasm app replaces it with the WASI transport.</summary>
    public static Func<ITransport> TransportFactory { get; set; } = static () => new TcpTransport(new TcpTransportOptions());

    /// <summary>The clock of the host; the Wasm app sets its event loop's clock (wasi:clocks/monotonic-clock).</summary>
    public static TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Name shown in identify's agent version.</summary>
    public static string AgentVersion { get; set; } = "p2p-dotnet/0.1.0";

    /// <summary>
    /// The host of a command. A listener (<paramref name="listener"/>) closes idle connections after the host's default
    /// idle timeout, applies <c>--limit</c> options and reports refusals and other warnings on stderr; a one-shot
    /// command (ping, identify, perf) keeps its one connection until it exits.
    /// </summary>
    public static Libp2pHost CreateHost(ParseResult parse, bool enablePerf = false, bool listener = false)
    {
        var keyPath = parse.GetValue(KeyOption);
        var options = new HostOptions
        {
            Identity = keyPath is null ? PrivateKey.Generate() : KeyFiles.Load(keyPath),
            AgentVersion = AgentVersion,
            EnablePerf = enablePerf,
            DialTimeout = TimeoutFrom(parse),
            TimeProvider = TimeProvider,
            LoggerFactory = Logging.FromEnvironment(),
        };
        if (listener)
        {
            LimitOptions.Apply(parse, options.Limits);
            options.LoggerFactory = new StderrLoggerFactory(parse.InvocationConfiguration.Error);
        }
        else
        {
            options.IdleTimeout = null;
        }
        options.Transports.Add(TransportFactory());
        // Circuit relay v2 client on every node (as go-libp2p enables it by default): dial …/p2p-circuit/p2p/TARGET,
        // listen via a relay (`listen --via`), and accept relayed connections a relay brings (the interop suite
        // reserves by hand, without a listener). Relayed connections are limited (Connection.Limit).
        options.AddCircuitRelay();
        if (SecurityFrom(parse) is { } security)
        {
            options.SecurityProtocols.Clear();
            foreach (var s in security) options.SecurityProtocols.Add(s);
        }
        return new Libp2pHost(options);
    }

    /// <summary>The protocols named by <c>--security</c>, in order, or null when the option is absent (the host's default).</summary>
    public static IReadOnlyList<ISecurityProtocol>? SecurityFrom(ParseResult parse)
    {
        var names = parse.GetValue(SecurityOption);
        if (names is null || names.Length == 0) return null;
        var list = new List<ISecurityProtocol>();
        foreach (var name in names)
        {
            ISecurityProtocol protocol = name.ToLowerInvariant() switch
            {
                "noise" => new NoiseSecurity(),
                "tls" => TlsSecurity.IsSupported ? new TlsSecurity()
                    : throw new CliException("--security tls is not available inside WebAssembly (no platform TLS there; see docs/security.md): use noise"),
                "plaintext" => new PlaintextSecurity(),
                _ => throw new CliException($"--security must be noise, tls or plaintext, got '{name}'"),
            };
            if (list.Any(p => p.ProtocolId == protocol.ProtocolId))
                throw new CliException($"--security names {name} twice");
            list.Add(protocol);
        }
        return list;
    }

    public static TimeSpan TimeoutFrom(ParseResult parse)
    {
        double s = parse.GetValue(TimeoutOption);
        if (!(s > 0) || s > 86_400) throw new CliException($"--timeout must be between 0 and 86400 seconds, got {s}");
        return TimeSpan.FromSeconds(s);
    }

    public static Multiaddr ParseAddress(string? text, string what = "address")
    {
        if (string.IsNullOrWhiteSpace(text)) throw new CliException($"missing {what}");
        try { return Multiaddr.Parse(text); }
        catch (MultiaddrFormatException e) { throw new CliException($"bad multiaddr '{text}': {e.Message}", e); }
    }
}
