using System.Security.Cryptography;
using Libp2p.Crypto.OpenSsl;

namespace Libp2p.Crypto;

/// <summary>
/// The one seam for the primitives whose availability differs by runtime:
/// <list type="bullet">
/// <item>ChaCha20-Poly1305: the BCL where <see cref="ChaCha20Poly1305.IsSupported"/>, our own managed implementation
/// where not (browser-wasm, WASI: no OpenSSL; <see cref="ManagedChaCha20Poly1305Cipher"/>, several times BouncyCastle's
/// speed there).</item>
/// <item>X25519 and Ed25519 (the BCL has neither): libcrypto 3 through <c>LibraryImport</c> where it loads
/// (Linux), BouncyCastle elsewhere and in Wasm.</item>
/// </list>
/// Randomness is <see cref="RandomNumberGenerator"/>; SHA-256/HMAC/HKDF come straight from the BCL, which has them
/// everywhere, Wasm included.
/// </summary>
internal abstract class CryptoProvider
{
    public const int X25519KeySize = 32;

    /// <summary>The fastest provider this runtime supports.</summary>
    public static CryptoProvider Default { get; } =
        !ChaCha20Poly1305.IsSupported ? ManagedCryptoProvider.Instance
        : LibCrypto.IsAvailable ? OpenSslCryptoProvider.Instance
        : BclCryptoProvider.Instance;

    /// <summary>The fully managed provider (works everywhere; what Wasm gets).</summary>
    public static CryptoProvider Managed => ManagedCryptoProvider.Instance;

    /// <summary>BouncyCastle for everything: the reference the managed cipher is checked and measured against.</summary>
    public static CryptoProvider BouncyCastle => BouncyCastleCryptoProvider.Instance;

    /// <summary>A short name for logs and benchmarks ("openssl", "bcl", "managed", "bouncycastle").</summary>
    public abstract string Name { get; }

    /// <summary>A ChaCha20-Poly1305 cipher bound to <paramref name="key"/> (32 bytes), reused for every message under that key.</summary>
    public abstract ChaCha20Poly1305Cipher CreateChaCha20Poly1305(ReadOnlySpan<byte> key);

    /// <summary>Fills <paramref name="destination"/> with cryptographically strong random bytes.</summary>
    public virtual void GetRandomBytes(Span<byte> destination) => RandomNumberGenerator.Fill(destination);

    /// <summary>The X25519 key pair of a 32-byte private key (clamped on use, RFC 7748).</summary>
    public virtual X25519KeyPair CreateX25519KeyPair(ReadOnlySpan<byte> privateKey)
    {
        CheckKey(privateKey.Length, nameof(privateKey));
        return new BouncyCastleX25519KeyPair(privateKey[..X25519KeySize]);
    }

    /// <summary>The signing key of a 32-byte Ed25519 seed (RFC 8032 private key).</summary>
    public virtual Ed25519Signer CreateEd25519Signer(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != Ed25519Signer.SeedLength) throw new ArgumentException("Ed25519 seeds are 32 bytes.", nameof(seed));
        return new BouncyCastleEd25519Signer(seed);
    }

    /// <summary>A verifier for a 32-byte Ed25519 public key.</summary>
    /// <exception cref="ArgumentException">Wrong length, or not a point on the curve.</exception>
    public virtual Ed25519Verifier CreateEd25519Verifier(ReadOnlySpan<byte> publicKey)
    {
        if (publicKey.Length != Ed25519Signer.PublicKeyLength) throw new ArgumentException("Ed25519 public keys are 32 bytes.", nameof(publicKey));
        return new BouncyCastleEd25519Verifier(publicKey);
    }

    /// <summary>A fresh X25519 key pair from 32 random bytes.</summary>
    public X25519KeyPair GenerateX25519KeyPair()
    {
        Span<byte> privateKey = stackalloc byte[X25519KeySize];
        GetRandomBytes(privateKey);
        try { return CreateX25519KeyPair(privateKey); }
        finally { CryptographicOperations.ZeroMemory(privateKey); }
    }

    /// <summary>A fresh X25519 key pair (RFC 7748) as bytes: 32 random private bytes (clamped on use) and the public point.</summary>
    public void GenerateX25519KeyPair(Span<byte> privateKey, Span<byte> publicKey)
    {
        CheckKey(privateKey.Length, nameof(privateKey));
        GetRandomBytes(privateKey[..X25519KeySize]);
        X25519PublicKey(privateKey, publicKey);
    }

    /// <summary>The public key for an X25519 private key.</summary>
    public void X25519PublicKey(ReadOnlySpan<byte> privateKey, Span<byte> publicKey)
    {
        CheckKey(publicKey.Length, nameof(publicKey));
        using var pair = CreateX25519KeyPair(privateKey);
        pair.PublicKey.CopyTo(publicKey);
    }

    /// <summary>
    /// X25519 Diffie-Hellman. Returns false when the result is all zeros (the peer sent a low-order point),
    /// which Noise allows to be treated as an error and which we always refuse.
    /// </summary>
    public bool TryX25519Agree(ReadOnlySpan<byte> privateKey, ReadOnlySpan<byte> peerPublicKey, Span<byte> sharedSecret)
    {
        CheckKey(peerPublicKey.Length, nameof(peerPublicKey));
        CheckKey(sharedSecret.Length, nameof(sharedSecret));
        using var pair = CreateX25519KeyPair(privateKey);
        return pair.TryAgree(peerPublicKey[..X25519KeySize], sharedSecret[..X25519KeySize]);
    }

    private static void CheckKey(int length, string name)
    {
        if (length < X25519KeySize) throw new ArgumentException("X25519 keys and secrets are 32 bytes.", name);
    }
}

/// <summary>ChaCha20-Poly1305 from the BCL; X25519 and Ed25519 from BouncyCastle (where libcrypto is missing).</summary>
internal sealed class BclCryptoProvider : CryptoProvider
{
    public static readonly BclCryptoProvider Instance = new();
    public override string Name => "bcl";
    public override ChaCha20Poly1305Cipher CreateChaCha20Poly1305(ReadOnlySpan<byte> key) => new BclChaCha20Poly1305Cipher(key);
}

/// <summary>The managed ChaCha20-Poly1305 with BouncyCastle's curves: browser-wasm and WASI.</summary>
internal sealed class ManagedCryptoProvider : CryptoProvider
{
    public static readonly ManagedCryptoProvider Instance = new();
    public override string Name => "managed";
    public override ChaCha20Poly1305Cipher CreateChaCha20Poly1305(ReadOnlySpan<byte> key) => new ManagedChaCha20Poly1305Cipher(key);
}

/// <summary>Everything from BouncyCastle: the reference implementation.</summary>
internal sealed class BouncyCastleCryptoProvider : CryptoProvider
{
    public static readonly BouncyCastleCryptoProvider Instance = new();
    public override string Name => "bouncycastle";
    public override ChaCha20Poly1305Cipher CreateChaCha20Poly1305(ReadOnlySpan<byte> key) => new BouncyCastleChaCha20Poly1305Cipher(key);
}
