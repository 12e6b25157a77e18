using Libp2p.Identity;

namespace Libp2p.Fuzz;

/// <summary>
/// The DER inside keys (RSA PKIX public keys and PKCS#1 private keys, ECDSA P-256 PKIX and SEC1): the input's first
/// byte picks the key type and side, the rest is the key data. A key or a <see cref="KeyFormatException"/>.
/// </summary>
internal static class KeyAsn1Target
{
    public static readonly FuzzTarget Target = new("key-asn1", "RSA and ECDSA key DER through the key decoders", Run, Seeds);

    private static void Run(byte[] data)
    {
        if (data.Length == 0) return;
        var type = (data[0] & 1) == 0 ? KeyType.Rsa : KeyType.Ecdsa;
        bool isPrivate = (data[0] & 2) != 0;
        byte[] encoded = KeyProtobuf.Encode(type, data.AsSpan(1));
        try
        {
            if (isPrivate) _ = PrivateKey.FromProtobuf(encoded).PublicKey;
            else
            {
                var key = PublicKey.FromProtobuf(encoded);
                key.Verify([1, 2, 3], new byte[64]);
            }
        }
        catch (KeyFormatException) { }
    }

    private static IEnumerable<byte[]> Seeds()
    {
        var rsa = PrivateKey.Generate(KeyType.Rsa);
        var ec = PrivateKey.Generate(KeyType.Ecdsa);
        yield return [0, .. rsa.PublicKey.Data];
        yield return [2, .. rsa.Data];
        yield return [1, .. ec.PublicKey.Data];
        yield return [3, .. ec.Data];
    }
}
