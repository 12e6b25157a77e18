using Org.BouncyCastle.Math.EC.Rfc8032;
using Org.BouncyCastle.Security;

namespace Libp2p.Attacks;

/// <summary>An Ed25519 libp2p identity, built by hand: the key protobuf and signatures (BouncyCastle).</summary>
public sealed class RawIdentity
{
    private static readonly SecureRandom Random = new();
    private readonly byte[] _secret = new byte[Ed25519.SecretKeySize];

    public RawIdentity()
    {
        Ed25519.GeneratePrivateKey(Random, _secret);
        Ed25519.GeneratePublicKey(_secret, 0, PublicKey, 0);
    }

    public byte[] PublicKey { get; } = new byte[Ed25519.PublicKeySize];

    /// <summary>The libp2p PublicKey protobuf: field 1 = KeyType Ed25519 (1), field 2 = the 32 key bytes.</summary>
    public byte[] PublicKeyProtobuf => [0x08, 0x01, 0x12, 0x20, .. PublicKey];

    public byte[] Sign(ReadOnlySpan<byte> message)
    {
        var signature = new byte[Ed25519.SignatureSize];
        var m = message.ToArray();
        Ed25519.Sign(_secret, 0, PublicKey, 0, m, 0, m.Length, signature, 0);
        return signature;
    }
}
