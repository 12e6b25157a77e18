using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Libp2p.Identity;
using Libp2p.Multiformats;

namespace Libp2p.Tests.Multiformats;

/// <summary>
/// Decoders on hostile input: a result that round-trips, or <see cref="MultiaddrFormatException"/>; any other
/// exception fails the property (FsCheck reports it), and every run finishing is the evidence of no hang.
/// </summary>
public class MultiaddrPropertyTests
{
    private static readonly Gen<byte> AnyByte = ArbMap.Default.GeneratorFor<byte>();

    /// <summary>bytes -> addr -> bytes is the identity, and addr -> text -> addr gives the same address.</summary>
    private static bool BytesRoundTripOrFormatError(byte[] bytes)
    {
        Multiaddr addr;
        try
        {
            addr = Multiaddr.FromBytes(bytes);
        }
        catch (MultiaddrFormatException)
        {
            return !Multiaddr.TryFromBytes(bytes, out _);
        }
        return addr.ToBytes().AsSpan().SequenceEqual(bytes)
            && addr.Components.All(c => MultiaddrComponent.Create(c.Protocol, c.Value) == c)
            && (!TextCanRepresent(addr) || TextRoundTrips(addr));
    }

    /// <summary>A unix path takes the rest of the text, so only a trailing one survives text (as in go-multiaddr).</summary>
    private static bool TextCanRepresent(Multiaddr addr) =>
        addr.Components.Take(addr.Components.Count - 1).All(c => !c.Protocol.IsPath);

    private static bool TextRoundTrips(Multiaddr addr)
    {
        var text = addr.ToString();
        var again = Multiaddr.Parse(text);
        return again == addr && again.ToString() == text;
    }

    /// <summary>text -> addr -> text -> addr gives the same address and the same text.</summary>
    private static bool TextRoundTripOrFormatError(string text)
    {
        Multiaddr addr;
        try
        {
            addr = Multiaddr.Parse(text);
        }
        catch (MultiaddrFormatException)
        {
            return !Multiaddr.TryParse(text, out _);
        }
        var printed = addr.ToString();
        var again = Multiaddr.Parse(printed);
        return again == addr && again.ToString() == printed && Multiaddr.FromBytes(addr.ToBytes()) == addr;
    }

    [Property(MaxTest = 3000)]
    public bool ArbitraryBytes(byte[] bytes) => BytesRoundTripOrFormatError(bytes);

    [Property(MaxTest = 3000)]
    public Property BytesBuiltFromKnownCodesAndRandomValues() =>
        Prop.ForAll(StructuredBytes.ToArbitrary(), BytesRoundTripOrFormatError);

    [Property(MaxTest = 3000)]
    public bool ArbitraryStrings(string? text) => text is null || TextRoundTripOrFormatError(text);

    [Property(MaxTest = 3000)]
    public Property StringsBuiltFromProtocolNamesValuesAndJunk() =>
        Prop.ForAll(TokenStrings.ToArbitrary(), TextRoundTripOrFormatError);

    [Property(MaxTest = 2000)]
    public Property ValidAddressesBuiltFromComponentsRoundTrip() =>
        Prop.ForAll(ValidAddressBytes.ToArbitrary(), bytes =>
        {
            var addr = Multiaddr.FromBytes(bytes); // must not throw: every component is valid
            return addr.ToBytes().AsSpan().SequenceEqual(bytes)
                && TextRoundTrips(addr)
                && new Multiaddr(addr.Components) == addr
                && addr.Components.Where(c => c.Protocol == MultiaddrProtocol.P2p).All(c => PeerId.TryFromBytes(c.RawValue.Span, out _))
                && addr.Components.All(c => MultiaddrComponent.Create(c.Protocol, c.Value) == c);
        });

    // ---- generators ----

    private static byte[] Varint(ulong v) => Libp2p.Multiformats.Varint.Encode(v);

    private static Gen<byte[]> Bytes(int min, int max) => Gen.Choose(min, max).SelectMany(n => Gen.ArrayOf(AnyByte, n));

    /// <summary>Components with known (and some unknown) codes, mostly the right value length, random value bytes.</summary>
    internal static readonly Gen<byte[]> StructuredBytes =
        Gen.Choose(1, 6).SelectMany(count => Gen.ArrayOf(
            from p in Gen.Elements(MultiaddrProtocol.All.ToArray())
            from unknownCode in Gen.Frequency((12, Gen.Constant(-1)), (1, Gen.Choose(0, 1000)))
            from shape in Gen.Frequency((8, Gen.Constant(0)), (1, Gen.Constant(1)), (1, Gen.Constant(2)))
            from value in p.Size >= 0 && shape == 0 ? Bytes(p.Size / 8, p.Size / 8) : Bytes(0, 40)
            let code = Varint((ulong)(unknownCode >= 0 ? unknownCode : p.Code))
            select shape switch
            {
                0 when p.Size >= 0 => [.. code, .. value], // right fixed length (or none)
                0 or 1 => [.. code, .. Varint((ulong)value.Length), .. value], // length-prefixed
                _ => (byte[])[.. code, .. Varint((ulong)value.Length + 5), .. value], // a length that lies
            }, count)).Select(parts => parts.SelectMany(p => p).ToArray());

    private static readonly string[] Tokens =
    [
        "ip4", "ip6", "tcp", "udp", "p2p", "ipfs", "unix", "dns", "dns4", "ip6zone", "certhash", "onion", "onion3",
        "memory", "quic-v1", "ws", "wss", "tls", "sni", "noise", "p2p-circuit", "webtransport", "ipcidr",
        "127.0.0.1", "0.0.0.0", "::1", "::ffff:1.2.3.4", "fe80::1", "1:2:3:4:5:6:7:8", "12345", "65535", "65536", "0",
        "-1", "01", "QmbHVEEepCi7rn7VL7Exxpd2Ci9NNB6ifvqwhsrbRMgQFP", "12D3KooWCryG7Mon9orvQxcS1rYZjotPgpwoJNHHKcLLfE4Hf5mV",
        "bafzbeigvf25ytwc3akrijfecaotc74udrhcxzh2cx3we5qqnw5vgrei4bm", "k2k4r8oqamigqdo6o7hsbfwd45y70oyynp98usk7zmyfrzpqxh1pohl7",
        "uEiDDq4_xNyDorZBH3TlGazyJdOWSwvo4PUo5YHFMrvDE8g", "zQmbWTwYGcmdyK9CYfNBcfs9nhZs17a6FQ4Y8oea278xx41",
        "timaq4ygg2iegci7:80", "example.com", "€", "", "%", "b", "z", "k", "u", "Q", "1",
    ];

    /// <summary>Values that fit each protocol (and, via <see cref="Tokens"/>, many that do not).</summary>
    private static string[] GoodValues(MultiaddrProtocol p) => p.Name switch
    {
        "ip4" => ["127.0.0.1", "0.0.0.0", "255.255.255.255"],
        "ip6" => ["::1", "::", "::ffff:1.2.3.4", "fe80::1", "1:2:3:4:5:6:7:8", "2001:DB8::1:0:0:1"],
        "tcp" or "udp" or "dccp" or "sctp" => ["0", "65535", "4001", "080"],
        "ipcidr" => ["0", "24", "255"],
        "memory" => ["0", "18446744073709551615"],
        "unix" => ["a/b", "stdio", "€/x%y"],
        "p2p" => ["QmbHVEEepCi7rn7VL7Exxpd2Ci9NNB6ifvqwhsrbRMgQFP", "12D3KooWCryG7Mon9orvQxcS1rYZjotPgpwoJNHHKcLLfE4Hf5mV",
                  "bafzbeigvf25ytwc3akrijfecaotc74udrhcxzh2cx3we5qqnw5vgrei4bm", "k51qzi5uqu5dhb6l8spkdx7yxafegfkee5by8h7lmjh2ehc2sgg34z7c15vzqs"],
        "certhash" => ["uEiDDq4_xNyDorZBH3TlGazyJdOWSwvo4PUo5YHFMrvDE8g", "zQmbWTwYGcmdyK9CYfNBcfs9nhZs17a6FQ4Y8oea278xx41", "b2uaraocy6yrdblb4sfptaddgimjmmpy", "f0000"],
        "onion" => ["timaq4ygg2iegci7:80", "TIMAQ4YGG2IEGCI7:1"],
        "onion3" => ["vww6ybal4bd7szmgncyruucpgfkqahzddi37ktceo3ah7ngmcopnpyyd:1234"],
        _ => ["example.com", "€", "x%y", "a:b"],
    };

    private static readonly Gen<string> Segment =
        from p in Gen.Elements(MultiaddrProtocol.All.ToArray())
        from good in Gen.Elements(GoodValues(p))
        from junk in Gen.Elements(Tokens)
        from pickGood in Gen.Frequency((5, Gen.Constant(true)), (1, Gen.Constant(false)))
        select p.HasValue ? p.Name + "/" + (pickGood ? good : junk) : p.Name;

    internal static readonly Gen<string> TokenStrings =
        Gen.Choose(1, 6).SelectMany(n => Gen.ArrayOf(Gen.Frequency(
                (16, Segment),
                (2, Gen.Elements(Tokens)),
                (1, ArbMap.Default.GeneratorFor<string>().Select(s => s ?? "")),
                (1, Gen.ArrayOf(Gen.Elements("abcQ1/:.%€\ud800".ToCharArray())).Select(cs => new string(cs)))), n))
            .Select(parts => (parts.Length % 5 == 0 ? "" : "/") + string.Join("/", parts) + (parts.Length % 4 == 0 ? "/" : ""));

    private static readonly Gen<string> Name =
        Gen.NonEmptyListOf(Gen.Elements("abcxyz019.-_%:€ü\u00e9".ToCharArray())).Select(cs => new string(cs.ToArray()));

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private static byte[] Prefixed(byte[] v) => [.. Varint((ulong)v.Length), .. v];

    private static Gen<byte[]> Port(int min) => Gen.Choose(min, 65535).Select(p => new[] { (byte)(p >> 8), (byte)p });

    /// <summary>A valid value (with its length prefix where the protocol has one) for each protocol.</summary>
    private static Gen<byte[]> ValidValue(MultiaddrProtocol p) => p.Name switch
    {
        "ip4" => Bytes(4, 4),
        "ip6" => Gen.Frequency((3, Bytes(16, 16)), (1, Bytes(4, 4).Select(v => (byte[])[.. new byte[10], 0xff, 0xff, .. v])), (1, Bytes(2, 2).Select(v => (byte[])[.. new byte[14], .. v]))),
        "tcp" or "udp" or "dccp" or "sctp" => Port(0),
        "ipcidr" => Bytes(1, 1),
        "memory" => Bytes(8, 8),
        "onion" => from a in Bytes(10, 10) from port in Port(1) select (byte[])[.. a, .. port],
        "onion3" => from a in Bytes(35, 35) from port in Port(1) select (byte[])[.. a, .. port],
        "dns" or "dns4" or "dns6" or "dnsaddr" or "sni" or "ip6zone" => Name.Select(n => Prefixed(Utf8(n))),
        "unix" => Gen.NonEmptyListOf(Name).Select(segs => Prefixed(Utf8("/" + string.Join("/", segs)))),
        "p2p" => Gen.OneOf(
            Bytes(0, 42).Select(k => Prefixed([0x00, (byte)k.Length, .. k])),
            Bytes(32, 32).Select(d => Prefixed([0x12, 0x20, .. d]))),
        "certhash" => from code in Gen.Choose(0, 20000) from d in Bytes(0, 64)
                      select Prefixed([.. Varint((ulong)code), .. Varint((ulong)d.Length), .. d]),
        _ when !p.HasValue => Gen.Constant(Array.Empty<byte>()),
        _ => throw new InvalidOperationException($"no generator for /{p.Name}: add one"),
    };

    private static Gen<byte[]> ComponentBytes(MultiaddrProtocol p) => ValidValue(p).Select(v => (byte[])[.. Varint((ulong)p.Code), .. v]);

    private static readonly Gen<byte[]> ValidComponent =
        Gen.Elements(MultiaddrProtocol.All.Where(p => !p.IsPath).ToArray()).SelectMany(ComponentBytes);

    /// <summary>Up to 8 valid components; a path protocol (unix) only last, where text can carry it.</summary>
    private static readonly Gen<byte[]> ValidAddressBytes =
        from n in Gen.Choose(0, 8)
        from parts in Gen.ArrayOf(ValidComponent, n)
        from last in Gen.Frequency((4, ValidComponent), (1, ComponentBytes(MultiaddrProtocol.Unix)))
        select parts.SelectMany(x => x).Concat(last).ToArray();
}
