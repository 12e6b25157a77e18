namespace Libp2p.Multiformats;

/// <summary>A row of the multiaddr protocol table (multiformats/multiaddr protocols.csv); the rows are in MultiaddrProtocol.Table.cs.</summary>
public sealed partial class MultiaddrProtocol
{
    private MultiaddrProtocol(int code, string name, ValueCodec? codec = null, bool isPath = false)
    {
        Code = code;
        Name = name;
        Codec = codec;
        IsPath = isPath;
    }

    /// <summary>The multicodec code (what the binary form carries).</summary>
    public int Code { get; }
    /// <summary>The name in the text form (<c>ip4</c>, <c>tcp</c>, ...).</summary>
    public string Name { get; }

    /// <summary>True when a component of this protocol carries a value (e.g. ip4, tcp, p2p), false for ws, tls, quic-v1, ….</summary>
    public bool HasValue => Codec is not null;

    /// <summary>True for unix: in text its value is the whole rest of the address.</summary>
    public bool IsPath { get; }

    /// <summary>The value size in bits as in protocols.csv: 0 for none, -1 for a varint-length-prefixed value.</summary>
    public int Size => Codec is null ? 0 : Codec.FixedLength == ValueCodec.VariableLength ? -1 : Codec.FixedLength * 8;

    internal ValueCodec? Codec { get; }

    /// <summary>The protocol with this code, or null when this implementation does not know it.</summary>
    public static MultiaddrProtocol? FromCode(int code) => s_byCode.GetValueOrDefault(code);

    /// <summary>The protocol with this name (case-sensitive; "ipfs" is an alias of p2p), or null.</summary>
    public static MultiaddrProtocol? FromName(string name) => name is null ? null : s_byName.GetValueOrDefault(name);

    /// <inheritdoc/>
    public override string ToString() => Name;
}
