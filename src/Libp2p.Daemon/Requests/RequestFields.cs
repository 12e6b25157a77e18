using Google.Protobuf;
using Libp2p.Identity;
using Libp2p.Multiformats;

namespace Libp2p.Daemon.Requests;

/// <summary>A well-formed request whose content the daemon refuses; answered with an ERROR response.</summary>
internal sealed class BadRequestException(string message) : Libp2pException(Libp2pError.ProtocolViolation, message);

/// <summary>Parsing of request fields into our types; bad content becomes a <see cref="BadRequestException"/>.</summary>
internal static class RequestFields
{
    public static T Require<T>(T? part, string name) where T : class =>
        part ?? throw new BadRequestException($"Malformed request; missing parameters ({name})");

    public static PeerId Peer(ByteString bytes, string field = "peer") =>
        PeerId.TryFromBytes(bytes.Span, out var id) ? id : throw new BadRequestException($"invalid {field}: not a peer id ({bytes.Length} bytes)");

    public static Multiaddr Address(ByteString bytes, string field = "addr") =>
        Multiaddr.TryFromBytes(bytes.Span, out var a) ? a : throw new BadRequestException($"invalid {field}: not a binary multiaddr ({bytes.Length} bytes)");

    public static List<string> Protocols(IEnumerable<string> protocols)
    {
        var list = protocols.ToList();
        if (list.Count == 0) throw new BadRequestException("no protocol given");
        if (list.Count > 64) throw new BadRequestException($"{list.Count} protocols given; at most 64 are accepted");
        foreach (var p in list)
        {
            if (p.Length == 0 || p.Length > 1024 || p.Contains('\n'))
                throw new BadRequestException($"invalid protocol id '{(p.Length > 64 ? p[..64] + "…" : p)}'");
        }
        return list;
    }

    /// <summary>The time a request may take: its own timeout (seconds, as go reads it) or the daemon's default, bounded.</summary>
    public static TimeSpan Timeout(bool has, long seconds, DaemonOptions options)
    {
        if (!has || seconds <= 0) return options.RequestTimeout;
        return seconds >= options.MaxRequestTimeout.TotalSeconds ? options.MaxRequestTimeout : TimeSpan.FromSeconds(seconds);
    }
}
