namespace Libp2p.Multiformats;

/// <summary>
/// Converts one protocol's value between text and bytes. <see cref="TryParse"/> and <see cref="IsValid"/> accept
/// exactly the values <see cref="Format"/> can print and read back to the same bytes, so text and binary round-trip.
/// </summary>
internal abstract class ValueCodec
{
    /// <summary>The value's length in bytes, or <see cref="VariableLength"/> when it is varint-length-prefixed.</summary>
    public abstract int FixedLength { get; }
    public const int VariableLength = -1;

    /// <summary>Text to bytes; <paramref name="error"/> says why the text is not a value of this protocol.</summary>
    public abstract bool TryParse(string text, out byte[] value, out string error);

    /// <summary>Checks bytes read off the wire (the length already matches <see cref="FixedLength"/>).</summary>
    public abstract bool IsValid(ReadOnlySpan<byte> value, out string error);

    /// <summary>Bytes (already valid) to text.</summary>
    public abstract string Format(ReadOnlySpan<byte> value);

    protected static bool Fail(string message, out byte[] value, out string error)
    {
        value = [];
        error = message;
        return false;
    }

    protected static bool Ok(byte[] bytes, out byte[] value, out string error)
    {
        value = bytes;
        error = "";
        return true;
    }
}
