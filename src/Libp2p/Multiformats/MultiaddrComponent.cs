using System.Net;
using Libp2p.Identity;

namespace Libp2p.Multiformats;

/// <summary>STUB SURFACE — one protocol code and its value.</summary>
public readonly struct MultiaddrComponent : IEquatable<MultiaddrComponent>
{
    public MultiaddrProtocol Protocol => throw new NotImplementedException();
    /// <summary>The binary value, without its length prefix; empty for protocols without a value.</summary>
    public ReadOnlyMemory<byte> RawValue => throw new NotImplementedException();
    /// <summary>The text value (e.g. "127.0.0.1", "4001", a base58 peer id); null for protocols without a value.</summary>
    public string? Value => throw new NotImplementedException();

    /// <exception cref="MultiaddrFormatException">The value is not valid for the protocol.</exception>
    public static MultiaddrComponent Create(MultiaddrProtocol protocol, string? value = null) => throw new NotImplementedException();
    public static MultiaddrComponent FromIPAddress(IPAddress address) => throw new NotImplementedException();
    public static MultiaddrComponent Tcp(int port) => throw new NotImplementedException();
    public static MultiaddrComponent P2p(PeerId peerId) => throw new NotImplementedException();

    /// <summary>The IP of an ip4/ip6 component; throws for other protocols.</summary>
    public IPAddress ToIPAddress() => throw new NotImplementedException();
    /// <summary>The port of a tcp/udp component; throws for other protocols.</summary>
    public int ToPort() => throw new NotImplementedException();

    public bool Equals(MultiaddrComponent other) => throw new NotImplementedException();
    public override bool Equals(object? obj) => obj is MultiaddrComponent c && Equals(c);
    public override int GetHashCode() => throw new NotImplementedException();
    public override string ToString() => throw new NotImplementedException();
}
