using System.Net;
using Libp2p.Identity;

namespace Libp2p.Multiformats;

/// <summary>STUB SURFACE — the multiformats work implements the bodies; the public members are the contract others code against.</summary>
public sealed class Multiaddr : IEquatable<Multiaddr>
{
    public Multiaddr(IEnumerable<MultiaddrComponent> components) => throw new NotImplementedException();

    public IReadOnlyList<MultiaddrComponent> Components => throw new NotImplementedException();

    /// <exception cref="MultiaddrFormatException">Names the bad component.</exception>
    public static Multiaddr Parse(string text) => throw new NotImplementedException();
    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Multiaddr? addr) => throw new NotImplementedException();
    /// <exception cref="MultiaddrFormatException">Names the bad component.</exception>
    public static Multiaddr FromBytes(ReadOnlySpan<byte> bytes) => throw new NotImplementedException();

    public byte[] ToBytes() => throw new NotImplementedException();
    public override string ToString() => throw new NotImplementedException();

    public Multiaddr Encapsulate(Multiaddr inner) => throw new NotImplementedException();
    public Multiaddr Encapsulate(MultiaddrComponent component) => throw new NotImplementedException();
    /// <summary>Removes the last occurrence of <paramref name="suffix"/> and everything after it (as js-multiaddr).</summary>
    public Multiaddr Decapsulate(Multiaddr suffix) => throw new NotImplementedException();
    /// <summary>Removes the last component of <paramref name="protocol"/> and everything after it.</summary>
    public Multiaddr Decapsulate(MultiaddrProtocol protocol) => throw new NotImplementedException();

    /// <summary>The peer id of the last <c>/p2p</c> component, or null.</summary>
    public PeerId? PeerId => throw new NotImplementedException();
    /// <summary>This address without a trailing <c>/p2p/…</c> component.</summary>
    public Multiaddr WithoutPeerId() => throw new NotImplementedException();
    /// <summary>This address with <c>/p2p/<paramref name="peerId"/></c> appended (replacing a trailing one).</summary>
    public Multiaddr WithPeerId(PeerId peerId) => throw new NotImplementedException();

    /// <summary><c>/ip4/A/tcp/P</c> or <c>/ip6/A/tcp/P</c> (with <c>/ip6zone</c> when the address has a scope id).</summary>
    public static Multiaddr FromTcpEndPoint(IPEndPoint endPoint) => throw new NotImplementedException();

    public bool Equals(Multiaddr? other) => throw new NotImplementedException();
    public override bool Equals(object? obj) => Equals(obj as Multiaddr);
    public override int GetHashCode() => throw new NotImplementedException();
    public static bool operator ==(Multiaddr? a, Multiaddr? b) => a is null ? b is null : a.Equals(b);
    public static bool operator !=(Multiaddr? a, Multiaddr? b) => !(a == b);
}
