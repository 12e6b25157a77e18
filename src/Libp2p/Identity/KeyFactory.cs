namespace Libp2p.Identity;

/// <summary>STUB — the identity work replaces this with the per-type implementations.</summary>
internal static class KeyFactory
{
    public static PublicKey PublicKeyFromProtobuf(ReadOnlySpan<byte> encoded) => throw new NotImplementedException();
    public static PrivateKey PrivateKeyFromProtobuf(ReadOnlySpan<byte> encoded) => throw new NotImplementedException();
    public static PrivateKey Generate(KeyType type) => throw new NotImplementedException();
}
