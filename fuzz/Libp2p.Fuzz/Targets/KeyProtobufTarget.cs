using Libp2p.Identity;

namespace Libp2p.Fuzz;

/// <summary>
/// The key protobuf (type + data) for public and private keys of every type: a key or a
/// <see cref="KeyFormatException"/>; a decoded public key re-encodes to something that decodes to the same key.
/// </summary>
internal static class KeyProtobufTarget
{
    public static readonly FuzzTarget Target = new("key-protobuf", "PublicKey/PrivateKey.FromProtobuf", Run, Seeds);

    private static void Run(byte[] data)
    {
        try
        {
            var key = PublicKey.FromProtobuf(data);
            if (!PublicKey.FromProtobuf(key.ToProtobuf()).Equals(key))
                throw new FuzzFindingException($"A {key.Type} public key does not survive re-encoding.");
            _ = key.ToPeerId();
        }
        catch (KeyFormatException) { }
        try
        {
            var key = PrivateKey.FromProtobuf(data);
            _ = key.PublicKey.ToProtobuf();
        }
        catch (KeyFormatException) { }
    }

    private static IEnumerable<byte[]> Seeds()
    {
        foreach (var type in new[] { KeyType.Ed25519, KeyType.Secp256k1, KeyType.Ecdsa, KeyType.Rsa })
        {
            var key = PrivateKey.Generate(type);
            yield return key.PublicKey.ToProtobuf();
            yield return key.ToProtobuf();
        }
    }
}
