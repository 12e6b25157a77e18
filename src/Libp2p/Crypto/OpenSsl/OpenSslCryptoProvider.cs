namespace Libp2p.Crypto.OpenSsl;

/// <summary>
/// Natively on Linux: ChaCha20-Poly1305 from the BCL (itself OpenSSL there), X25519 and Ed25519 from libcrypto 3
/// (several times faster than BouncyCastle: this is most of a handshake's CPU). Used only when
/// <see cref="LibCrypto.IsAvailable"/>.
/// </summary>
internal sealed class OpenSslCryptoProvider : CryptoProvider
{
    public static readonly OpenSslCryptoProvider Instance = new();

    public override string Name => "openssl";

    public override ChaCha20Poly1305Cipher CreateChaCha20Poly1305(ReadOnlySpan<byte> key) => new BclChaCha20Poly1305Cipher(key);

    public override X25519KeyPair CreateX25519KeyPair(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length < X25519KeySize) throw new ArgumentException("X25519 keys are 32 bytes.", nameof(privateKey));
        return new OpenSslX25519KeyPair(privateKey[..X25519KeySize]);
    }

    public override Ed25519Signer CreateEd25519Signer(ReadOnlySpan<byte> seed) => new OpenSslEd25519Signer(seed);

    public override Ed25519Verifier CreateEd25519Verifier(ReadOnlySpan<byte> publicKey) => new OpenSslEd25519Verifier(publicKey);
}
