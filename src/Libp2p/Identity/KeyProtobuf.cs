namespace Libp2p.Identity;

/// <summary>STUB — the identity work replaces this. Encodes/decodes <c>{ required KeyType Type = 1; required bytes Data = 2; }</c>.</summary>
internal static class KeyProtobuf
{
    public static byte[] Encode(KeyType type, ReadOnlySpan<byte> data) => throw new NotImplementedException();
}
