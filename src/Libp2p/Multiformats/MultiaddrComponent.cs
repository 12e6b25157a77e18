using System.Net;

namespace Libp2p.Multiformats;

/// <summary>One protocol code and its value. The value bytes are validated on construction and never change.</summary>
public readonly struct MultiaddrComponent : IEquatable<MultiaddrComponent>
{
    private readonly MultiaddrProtocol? _protocol;
    private readonly byte[]? _value;

    private MultiaddrComponent(MultiaddrProtocol protocol, byte[] value)
    {
        _protocol = protocol;
        _value = value;
    }

    /// <summary>Wraps bytes the caller has already validated with the protocol's codec (and does not keep).</summary>
    internal static MultiaddrComponent FromValidated(MultiaddrProtocol protocol, byte[] value) => new(protocol, value);

    internal bool IsDefault => _protocol is null;
    internal ReadOnlySpan<byte> ValueSpan => _value;

    /// <exception cref="InvalidOperationException">This is <c>default(MultiaddrComponent)</c>.</exception>
    public MultiaddrProtocol Protocol => _protocol ?? throw new InvalidOperationException("default(MultiaddrComponent) has no protocol.");

    /// <summary>The binary value, without its length prefix; empty for protocols without a value.</summary>
    public ReadOnlyMemory<byte> RawValue => _value;

    /// <summary>The text value (e.g. "127.0.0.1", "4001", a base58 peer id); null for protocols without a value.</summary>
    public string? Value => _protocol?.Codec?.Format(_value);

    /// <summary>Bytes this component takes in a binary multiaddr: code varint, length varint if variable, value.</summary>
    internal int EncodedLength
    {
        get
        {
            int n = Varint.GetLength((ulong)Protocol.Code) + _value!.Length;
            if (Protocol.Codec?.FixedLength == ValueCodec.VariableLength)
                n += Varint.GetLength((ulong)_value.Length);
            return n;
        }
    }

    internal int WriteTo(Span<byte> destination)
    {
        int n = Varint.Write((ulong)Protocol.Code, destination);
        if (Protocol.Codec?.FixedLength == ValueCodec.VariableLength)
            n += Varint.Write((ulong)_value!.Length, destination[n..]);
        _value.AsSpan().CopyTo(destination[n..]);
        return n + _value!.Length;
    }

    /// <summary>A component from its protocol and text value (null for protocols without a value).</summary>
    /// <exception cref="MultiaddrFormatException">The value is missing, superfluous or not valid for the protocol.</exception>
    public static MultiaddrComponent Create(MultiaddrProtocol protocol, string? value = null)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        if (!TryCreate(protocol, value, out var component, out string error))
            throw new MultiaddrFormatException(error);
        return component;
    }

    internal static bool TryCreate(MultiaddrProtocol protocol, string? value, out MultiaddrComponent component, out string error)
    {
        component = default;
        if (protocol.Codec is null)
        {
            if (value is not null)
            {
                error = $"/{protocol.Name} takes no value";
                return false;
            }
            component = new MultiaddrComponent(protocol, []);
            error = "";
            return true;
        }
        if (value is null)
        {
            error = $"missing value for /{protocol.Name}";
            return false;
        }
        if (value.Length > Multiaddr.MaxLength)
        {
            error = $"invalid value '{Shorten(value)}' for /{protocol.Name}: longer than {Multiaddr.MaxLength} characters";
            return false;
        }
        if (!protocol.Codec.TryParse(value, out var bytes, out string why))
        {
            error = $"invalid value '{Shorten(value)}' for /{protocol.Name}: {why}";
            return false;
        }
        component = new MultiaddrComponent(protocol, bytes);
        error = "";
        return true;
    }

    /// <summary>/ip4 or /ip6 (any scope id is dropped: it belongs in a preceding /ip6zone).</summary>
    public static MultiaddrComponent FromIPAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.AddressFamily switch
        {
            System.Net.Sockets.AddressFamily.InterNetwork => new(MultiaddrProtocol.Ip4, address.GetAddressBytes()),
            System.Net.Sockets.AddressFamily.InterNetworkV6 => new(MultiaddrProtocol.Ip6, address.GetAddressBytes()),
            _ => throw new ArgumentException($"Address family {address.AddressFamily} has no multiaddr protocol.", nameof(address)),
        };
    }

    /// <exception cref="ArgumentOutOfRangeException">Not a port number 0-65535.</exception>
    public static MultiaddrComponent Tcp(int port) => Port(MultiaddrProtocol.Tcp, port);

    /// <exception cref="ArgumentOutOfRangeException">Not a port number 0-65535.</exception>
    public static MultiaddrComponent Udp(int port) => Port(MultiaddrProtocol.Udp, port);

    private static MultiaddrComponent Port(MultiaddrProtocol protocol, int port)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        return new(protocol, [(byte)(port >> 8), (byte)port]);
    }

    /// <summary>The IP of an ip4/ip6 component.</summary>
    /// <exception cref="InvalidOperationException">Not an ip4 or ip6 component.</exception>
    public IPAddress ToIPAddress() =>
        _protocol == MultiaddrProtocol.Ip4 || _protocol == MultiaddrProtocol.Ip6
            ? new IPAddress(_value!)
            : throw new InvalidOperationException($"/{_protocol?.Name} is not an IP address component.");

    /// <summary>The port of a tcp, udp, dccp or sctp component.</summary>
    /// <exception cref="InvalidOperationException">Not a port component.</exception>
    public int ToPort() =>
        _protocol?.Codec == PortValueCodec.Instance
            ? _value![0] << 8 | _value[1]
            : throw new InvalidOperationException($"/{_protocol?.Name} is not a port component.");

    /// <summary>True when both have the same protocol and value bytes.</summary>
    public bool Equals(MultiaddrComponent other) =>
        _protocol?.Code == other._protocol?.Code && ValueSpan.SequenceEqual(other.ValueSpan);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is MultiaddrComponent c && Equals(c);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var h = new HashCode();
        h.Add(_protocol?.Code ?? -1);
        h.AddBytes(ValueSpan);
        return h.ToHashCode();
    }

    /// <summary>True when the components are equal.</summary>
    public static bool operator ==(MultiaddrComponent a, MultiaddrComponent b) => a.Equals(b);
    /// <summary>True when the components differ.</summary>
    public static bool operator !=(MultiaddrComponent a, MultiaddrComponent b) => !a.Equals(b);

    /// <summary>"/name" or "/name/value"; a path value (unix) carries its own leading '/'.</summary>
    public override string ToString()
    {
        if (_protocol is null)
            return "";
        string? value = Value;
        return value is null ? "/" + _protocol.Name
            : _protocol.IsPath ? "/" + _protocol.Name + value
            : "/" + _protocol.Name + "/" + value;
    }

    internal static string Shorten(string s) => s.Length <= 64 ? s : s[..64] + "…";
}
