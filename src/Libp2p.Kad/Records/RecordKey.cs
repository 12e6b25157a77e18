using System.Text;
using Libp2p.Identity;

namespace Libp2p.Kad.Records;

/// <summary>Record keys: <c>/NAMESPACE/REST</c>, where REST is raw bytes (for <c>/pk/</c> and <c>/ipns/</c>, a peer id's multihash).</summary>
public static class RecordKey
{
    /// <summary>Longest record key we accept or send (go refuses keys over 80 bytes for providers; record keys are a little freer).</summary>
    public const int MaxLength = 512;

    /// <summary>The key of the public-key record of <paramref name="peer"/>: <c>/pk/</c> + its multihash.</summary>
    public static byte[] PublicKey(PeerId peer) => WithNamespace("pk", peer.Bytes);

    /// <summary>The key of the IPNS record named by <paramref name="peer"/>: <c>/ipns/</c> + its multihash.</summary>
    public static byte[] Ipns(PeerId peer) => WithNamespace("ipns", peer.Bytes);

    /// <summary>The key <c>/ns/</c> followed by <paramref name="rest"/>.</summary>
    public static byte[] WithNamespace(string ns, ReadOnlySpan<byte> rest)
    {
        ArgumentException.ThrowIfNullOrEmpty(ns);
        if (ns.Contains('/')) throw new ArgumentException("A namespace has no '/'.", nameof(ns));
        var prefix = Encoding.UTF8.GetBytes($"/{ns}/");
        var key = new byte[prefix.Length + rest.Length];
        prefix.CopyTo(key, 0);
        rest.CopyTo(key.AsSpan(prefix.Length));
        return key;
    }

    /// <summary>Splits <c>/NAMESPACE/REST</c> (go-libp2p-record's <c>SplitKey</c>): false when there is no namespace.</summary>
    public static bool TrySplit(ReadOnlySpan<byte> key, out string ns, out ReadOnlySpan<byte> rest)
    {
        ns = "";
        rest = default;
        if (key.Length < 3 || key[0] != (byte)'/') return false;
        int slash = key[1..].IndexOf((byte)'/');
        if (slash <= 0) return false;
        var nsBytes = key.Slice(1, slash);
        foreach (byte b in nsBytes)
            if (b < 0x21 || b > 0x7e) return false; // printable ASCII only: no surprise in a dictionary lookup or a log
        ns = Encoding.ASCII.GetString(nsBytes);
        rest = key[(slash + 2)..];
        return true;
    }

    /// <summary>
    /// The text form used by the command line: <c>/pk/&lt;peer id&gt;</c> and <c>/ipns/&lt;peer id&gt;</c> name the peer in
    /// base58 (or as a CID); any other key is taken as UTF-8.
    /// </summary>
    public static byte[] Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var ns in new[] { "pk", "ipns" })
        {
            string prefix = $"/{ns}/";
            if (text.StartsWith(prefix, StringComparison.Ordinal))
            {
                if (!PeerId.TryParse(text[prefix.Length..], out var peer))
                    throw new FormatException($"'{text}' does not name a peer id after {prefix}.");
                return WithNamespace(ns, peer.Bytes);
            }
        }
        return Encoding.UTF8.GetBytes(text);
    }

    /// <summary>Inverse of <see cref="Parse"/> for display.</summary>
    public static string Format(ReadOnlySpan<byte> key)
    {
        if (TrySplit(key, out var ns, out var rest) && ns is "pk" or "ipns" && PeerId.TryFromBytes(rest, out var peer))
            return $"/{ns}/{peer}";
        try { return new UTF8Encoding(false, true).GetString(key); }
        catch (DecoderFallbackException) { return "0x" + Convert.ToHexStringLower(key); }
    }
}
