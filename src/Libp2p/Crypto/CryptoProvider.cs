using System.Security.Cryptography;
using Org.BouncyCastle.Math.EC.Rfc7748;

namespace Libp2p.Crypto;

/// <summary>
/// The one seam for the primitives whose availability differs by runtime. ChaCha20-Poly1305 comes from the BCL
/// where <see cref="ChaCha20Poly1305.IsSupported"/> and from our own managed implementation where not (browser-wasm,
/// WASI: no OpenSSL; <see cref="ManagedChaCha20Poly1305Cipher"/>, several times BouncyCastle's speed there).
/// X25519 is always BouncyCastle (the BCL has no X25519); randomness is <see cref="RandomNumberGenerator"/>, and
/// SHA-256/HMAC/HKDF are used straight from the BCL, which has them everywhere, Wasm included.
/// </summary>
public abstract class CryptoProvider
{
    public const int X25519KeySize = 32;

    /// <summary>The fastest provider this runtime supports.</summary>
    public static CryptoProvider Default { get; } =
        ChaCha20Poly1305.IsSupported ? BclCryptoProvider.Instance : ManagedCryptoProvider.Instance;

    /// <summary>The fully managed provider (works everywhere; what Wasm gets).</summary>
    public static CryptoProvider Managed => ManagedCryptoProvider.Instance;

    /// <summary>BouncyCastle's ChaCha20-Poly1305: the reference the managed one is checked and measured against.</summary>
    public static CryptoProvider BouncyCastle => BouncyCastleCryptoProvider.Instance;

    /// <summary>A short name for logs and benchmarks ("bcl", "managed", "bouncycastle").</summary>
    public abstract string Name { get; }

    /// <summary>A ChaCha20-Poly1305 cipher bound to <paramref name="key"/> (32 bytes), reused for every message under that key.</summary>
    public abstract ChaCha20Poly1305Cipher CreateChaCha20Poly1305(ReadOnlySpan<byte> key);

    /// <summary>Fills <paramref name="destination"/> with cryptographically strong random bytes.</summary>
    public virtual void GetRandomBytes(Span<byte> destination) => RandomNumberGenerator.Fill(destination);

    /// <summary>A fresh X25519 key pair (RFC 7748): 32 random private bytes (clamped on use) and the public point.</summary>
    public void GenerateX25519KeyPair(Span<byte> privateKey, Span<byte> publicKey)
    {
        CheckKey(privateKey.Length, nameof(privateKey));
        GetRandomBytes(privateKey[..X25519KeySize]);
        X25519PublicKey(privateKey, publicKey);
    }

    /// <summary>The public key for an X25519 private key.</summary>
    public void X25519PublicKey(ReadOnlySpan<byte> privateKey, Span<byte> publicKey)
    {
        CheckKey(privateKey.Length, nameof(privateKey));
        CheckKey(publicKey.Length, nameof(publicKey));
        X25519.ScalarMultBase(privateKey[..X25519KeySize], publicKey[..X25519KeySize]);
    }

    /// <summary>
    /// X25519 Diffie-Hellman. Returns false when the result is all zeros (the peer sent a low-order point),
    /// which Noise allows to be treated as an error and which we always refuse.
    /// </summary>
    public bool TryX25519Agree(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> peerPublicKey, Span<byte> sharedSecret)
    {
        CheckKey(privateKey.Length, nameof(privateKey));
        CheckKey(peerPublicKey.Length, nameof(peerPublicKey));
        CheckKey(sharedSecret.Length, nameof(sharedSecret));
        return X25519.CalculateAgreement(privateKey[..X25519KeySize], peerPublicKey[..X25519KeySize], sharedSecret[..X25519KeySize]);
    }

    private static void CheckKey(int length, string name)
    {
        if (length < X25519KeySize) throw new ArgumentException("X25519 keys and secrets are 32 bytes.", name);
    }
}

internal sealed class BclCryptoProvider : CryptoProvider
{
    public static readonly BclCryptoProvider Instance = new();
    public override string Name => "bcl";
    public override ChaCha20Poly1305Cipher CreateChaCha20Poly1305(ReadOnlySpan<byte> key) => new BclChaCha20Poly1305Cipher(key);
}

internal sealed class ManagedCryptoProvider : CryptoProvider
{
    public static readonly ManagedCryptoProvider Instance = new();
    public override string Name => "managed";
    public override ChaCha20Poly1305Cipher CreateChaCha20Poly1305(ReadOnlySpan<byte> key) => new ManagedChaCha20Poly1305Cipher(key);
}

internal sealed class BouncyCastleCryptoProvider : CryptoProvider
{
    public static readonly BouncyCastleCryptoProvider Instance = new();
    public override string Name => "bouncycastle";
    public override ChaCha20Poly1305Cipher CreateChaCha20Poly1305(ReadOnlySpan<byte> key) => new BouncyCastleChaCha20Poly1305Cipher(key);
}
