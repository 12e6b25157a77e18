using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace Libp2p.Multiformats;

/// <summary>
/// An immutable multiaddr: a list of components with a binary form (used on the wire and for equality) and a text
/// form. Parsing is bounded (<see cref="MaxLength"/>) and every malformed input ends in <see cref="MultiaddrFormatException"/>.
/// </summary>
public sealed class Multiaddr : IEquatable<Multiaddr>
{
    /// <summary>Largest binary form, and longest text, accepted (real addresses are well under 300 bytes).</summary>
    public const int MaxLength = 4096;

    private readonly MultiaddrComponent[] _components;
    private readonly byte[] _bytes;
    private string? _text;

    /// <exception cref="ArgumentException">A component is <c>default</c>.</exception>
    /// <exception cref="MultiaddrFormatException">The binary form would be longer than <see cref="MaxLength"/>.</exception>
    public Multiaddr(IEnumerable<MultiaddrComponent> components)
    {
        ArgumentNullException.ThrowIfNull(components);
        _components = components.ToArray();
        int total = 0;
        foreach (var c in _components)
        {
            if (c.IsDefault)
                throw new ArgumentException("default(MultiaddrComponent) is not a component.", nameof(components));
            total += c.EncodedLength;
            if (total > MaxLength)
                throw new MultiaddrFormatException($"multiaddr longer than {MaxLength} bytes");
        }
        _bytes = MultiaddrBinaryCodec.Encode(_components);
    }

    private Multiaddr(MultiaddrComponent[] components, byte[] bytes)
    {
        _components = components;
        _bytes = bytes;
    }

    /// <summary>The components, outermost first.</summary>
    public IReadOnlyList<MultiaddrComponent> Components => _components;

    /// <exception cref="MultiaddrFormatException">Names the bad component.</exception>
    public static Multiaddr Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!MultiaddrTextCodec.TryParse(text, out var components, out string error))
            throw new MultiaddrFormatException(error);
        return new Multiaddr(components);
    }

    /// <summary>Parses the text form; false (and null) when <paramref name="text"/> is not a valid multiaddr.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out Multiaddr? addr)
    {
        addr = null;
        if (text is null || !MultiaddrTextCodec.TryParse(text, out var components, out _))
            return false;
        try
        {
            addr = new Multiaddr(components);
            return true;
        }
        catch (MultiaddrFormatException)
        {
            return false; // the binary form is over MaxLength (possible with multi-byte UTF-8 values)
        }
    }

    /// <exception cref="MultiaddrFormatException">Names the bad component.</exception>
    public static Multiaddr FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (!MultiaddrBinaryCodec.TryDecode(bytes, out var components, out string error))
            throw new MultiaddrFormatException(error);
        return new Multiaddr([.. components], bytes.ToArray());
    }

    /// <summary>Reads the binary form; false (and null) when <paramref name="bytes"/> are not a valid multiaddr.</summary>
    public static bool TryFromBytes(ReadOnlySpan<byte> bytes, [NotNullWhen(true)] out Multiaddr? addr)
    {
        addr = MultiaddrBinaryCodec.TryDecode(bytes, out var components, out _)
            ? new Multiaddr([.. components], bytes.ToArray())
            : null;
        return addr is not null;
    }

    /// <summary>A copy of the binary form.</summary>
    public byte[] ToBytes() => (byte[])_bytes.Clone();

    /// <summary>The binary form without a copy.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>
    /// The text form. A unix path takes the rest of the text, so an address with a unix component that is not last
    /// (possible only from bytes) prints text that parses differently, as in go-multiaddr; its bytes are exact.
    /// </summary>
    public override string ToString() => _text ??= MultiaddrTextCodec.Format(_components);

    /// <summary>This address followed by <paramref name="inner"/>'s components.</summary>
    public Multiaddr Encapsulate(Multiaddr inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        return new Multiaddr(_components.Concat(inner._components));
    }

    /// <summary>This address followed by <paramref name="component"/>.</summary>
    public Multiaddr Encapsulate(MultiaddrComponent component) => new(_components.Append(component));

    /// <summary>
    /// Removes the last occurrence of <paramref name="suffix"/> and everything after it (as js-multiaddr), matching
    /// whole components (js matches text, so "/tcp/80" would also cut "/tcp/8080"). Returns this address unchanged
    /// when <paramref name="suffix"/> does not occur (as go-multiaddr; js throws), and an empty address when it
    /// occurs at the start.
    /// </summary>
    public Multiaddr Decapsulate(Multiaddr suffix)
    {
        ArgumentNullException.ThrowIfNull(suffix);
        var s = suffix._components;
        if (s.Length == 0)
            return this;
        for (int i = _components.Length - s.Length; i >= 0; i--)
        {
            if (_components.AsSpan(i, s.Length).SequenceEqual(s))
                return new Multiaddr(_components.AsSpan(0, i).ToArray());
        }
        return this;
    }

    /// <summary>Removes the last component of <paramref name="protocol"/> and everything after it; unchanged when absent.</summary>
    public Multiaddr Decapsulate(MultiaddrProtocol protocol)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        int i = LastIndexOf(protocol.Code);
        return i < 0 ? this : new Multiaddr(_components.AsSpan(0, i).ToArray());
    }

    /// <summary>This address without a trailing <c>/p2p/…</c> component.</summary>
    public Multiaddr WithoutPeerId() =>
        _components.Length > 0 && _components[^1].Protocol == MultiaddrProtocol.P2p
            ? new Multiaddr(_components[..^1])
            : this;

    /// <summary>
    /// <c>/ip4/A/tcp/P</c> or <c>/ip6/A/tcp/P</c>, with <c>/ip6zone/&lt;scope id&gt;</c> first when the address has a
    /// scope id. An IPv4-mapped IPv6 address (from a dual-mode socket) becomes /ip4, as go's manet.FromNetAddr does.
    /// </summary>
    public static Multiaddr FromTcpEndPoint(IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        var ip = endPoint.Address.IsIPv4MappedToIPv6 ? endPoint.Address.MapToIPv4() : endPoint.Address;
        var tcp = MultiaddrComponent.Tcp(endPoint.Port);
        if (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && ip.ScopeId != 0)
        {
            var zone = MultiaddrComponent.Create(MultiaddrProtocol.Ip6Zone,
                ip.ScopeId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return new Multiaddr([zone, MultiaddrComponent.FromIPAddress(ip), tcp]);
        }
        return new Multiaddr([MultiaddrComponent.FromIPAddress(ip), tcp]);
    }

    private int LastIndexOf(int code)
    {
        for (int i = _components.Length - 1; i >= 0; i--)
        {
            if (_components[i].Protocol.Code == code)
                return i;
        }
        return -1;
    }

    /// <summary>Binary equality (so "/ipfs/Qm…" equals "/p2p/Qm…", and a CID-form p2p equals its base58 form).</summary>
    public bool Equals(Multiaddr? other) => other is not null && _bytes.AsSpan().SequenceEqual(other._bytes);
    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Multiaddr);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var h = new HashCode();
        h.AddBytes(_bytes);
        return h.ToHashCode();
    }

    /// <summary>True when both are null or equal.</summary>
    public static bool operator ==(Multiaddr? a, Multiaddr? b) => a is null ? b is null : a.Equals(b);
    /// <summary>True when they are not equal.</summary>
    public static bool operator !=(Multiaddr? a, Multiaddr? b) => !(a == b);
}
