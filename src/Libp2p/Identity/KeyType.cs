namespace Libp2p.Identity;

/// <summary>Key types of the libp2p key protobuf (<c>KeyType</c> enum values are the wire values).</summary>
public enum KeyType
{
    Rsa = 0,
    Ed25519 = 1,
    Secp256k1 = 2,
    Ecdsa = 3,
}
