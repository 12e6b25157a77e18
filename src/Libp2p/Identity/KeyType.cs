namespace Libp2p.Identity;

/// <summary>Key types of the libp2p key protobuf (<c>KeyType</c> enum values are the wire values).</summary>
public enum KeyType
{
    /// <summary>RSA (PKCS#1 / PKIX DER).</summary>
    Rsa = 0,
    /// <summary>Ed25519, the default.</summary>
    Ed25519 = 1,
    /// <summary>secp256k1 ECDSA (compressed point).</summary>
    Secp256k1 = 2,
    /// <summary>ECDSA over P-256 (PKIX DER).</summary>
    Ecdsa = 3,
}
