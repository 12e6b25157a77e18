using System.Security.Cryptography;
using BcEd25519 = Org.BouncyCastle.Math.EC.Rfc8032.Ed25519;

namespace Libp2p.Crypto.OpenSsl;

// X25519 and Ed25519 through libcrypto's EVP_PKEY API. Each key is imported once into an EVP_PKEY (which also
// derives its public half); agreements, signatures and verifications reuse it. A failed call leaves entries on
// OpenSSL's thread-local error queue, which is cleared so that nothing else on the thread (the BCL uses the same
// libcrypto) sees stale errors.

internal sealed unsafe class OpenSslX25519KeyPair : X25519KeyPair
{
    private readonly EvpPKeyHandle _key;

    public OpenSslX25519KeyPair(ReadOnlySpan<byte> privateKey)
    {
        _key = OpenSslKeys.ImportPrivate(LibCrypto.EVP_PKEY_X25519, privateKey);
        OpenSslKeys.ExportPublic(_key, PublicKeyDestination);
    }

    public override bool TryAgree(ReadOnlySpan<byte> peerPublicKey, Span<byte> sharedSecret)
    {
        CheckAgreeArguments(peerPublicKey, sharedSecret);
        bool added = false;
        nint peer = 0, ctx = 0;
        try
        {
            _key.DangerousAddRef(ref added);
            fixed (byte* p = peerPublicKey)
                peer = LibCrypto.EVP_PKEY_new_raw_public_key(LibCrypto.EVP_PKEY_X25519, 0, p, (nuint)peerPublicKey.Length);
            if (peer == 0) return OpenSslKeys.Fail();
            ctx = LibCrypto.EVP_PKEY_CTX_new(_key.DangerousGetHandle(), 0);
            if (ctx == 0) return OpenSslKeys.Fail();
            nuint length = CryptoProvider.X25519KeySize;
            int ok;
            fixed (byte* s = sharedSecret)
            {
                // The peer key is only a u-coordinate: nothing to validate (validate 0 skips a check context).
                // libcrypto refuses (derive fails) when the result is all zeros, i.e. a low-order point.
                ok = LibCrypto.EVP_PKEY_derive_init(ctx) == 1
                    && LibCrypto.EVP_PKEY_derive_set_peer_ex(ctx, peer, 0) == 1
                    && LibCrypto.EVP_PKEY_derive(ctx, s, &length) == 1 ? 1 : 0;
            }
            if (ok == 0 || length != CryptoProvider.X25519KeySize)
            {
                CryptographicOperations.ZeroMemory(sharedSecret[..CryptoProvider.X25519KeySize]);
                return OpenSslKeys.Fail();
            }
            return true;
        }
        finally
        {
            if (ctx != 0) LibCrypto.EVP_PKEY_CTX_free(ctx);
            if (peer != 0) LibCrypto.EVP_PKEY_free(peer);
            if (added) _key.DangerousRelease();
        }
    }

    protected override void Dispose(bool disposing) => _key.Dispose();
}

internal sealed unsafe class OpenSslEd25519Signer : Ed25519Signer
{
    private readonly EvpPKeyHandle _key;

    public OpenSslEd25519Signer(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedLength) throw new ArgumentException("Ed25519 seeds are 32 bytes.", nameof(seed));
        _key = OpenSslKeys.ImportPrivate(LibCrypto.EVP_PKEY_ED25519, seed);
        OpenSslKeys.ExportPublic(_key, PublicKeyDestination);
    }

    public override void Sign(ReadOnlySpan<byte> data, Span<byte> signature)
    {
        if (signature.Length < SignatureLength) throw new ArgumentException("Ed25519 signatures are 64 bytes.", nameof(signature));
        bool added = false;
        nint md = 0;
        try
        {
            _key.DangerousAddRef(ref added);
            md = LibCrypto.EVP_MD_CTX_new();
            nuint length = SignatureLength;
            bool ok;
            fixed (byte* d = data)
            fixed (byte* s = signature)
            {
                // No digest: Ed25519 hashes internally (pure EdDSA), so it is one-shot only.
                ok = md != 0
                    && LibCrypto.EVP_DigestSignInit(md, 0, 0, 0, _key.DangerousGetHandle()) == 1
                    && LibCrypto.EVP_DigestSign(md, s, &length, d, (nuint)data.Length) == 1;
            }
            if (!ok || length != SignatureLength)
            {
                LibCrypto.ERR_clear_error();
                throw new CryptographicException("libcrypto failed to make an Ed25519 signature.");
            }
        }
        finally
        {
            if (md != 0) LibCrypto.EVP_MD_CTX_free(md);
            if (added) _key.DangerousRelease();
        }
    }
}

internal sealed unsafe class OpenSslEd25519Verifier : Ed25519Verifier
{
    private readonly EvpPKeyHandle _key;

    /// <exception cref="ArgumentException">Wrong length, or not a point on the curve.</exception>
    public OpenSslEd25519Verifier(ReadOnlySpan<byte> publicKey)
    {
        if (publicKey.Length != Ed25519Signer.PublicKeyLength) throw new ArgumentException("Ed25519 public keys are 32 bytes.", nameof(publicKey));
        // libcrypto checks the encoding only when it verifies; refuse bad points when the key is made, as the
        // managed provider does (BouncyCastle's point decoding, no scalar multiplication).
        if (!BcEd25519.ValidatePublicKeyPartial(publicKey.ToArray(), 0))
            throw new ArgumentException("The Ed25519 public key is not a point on the curve.", nameof(publicKey));
        _key = OpenSslKeys.ImportPublic(LibCrypto.EVP_PKEY_ED25519, publicKey);
    }

    public override bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != Ed25519Signer.SignatureLength) return false;
        bool added = false;
        nint md = 0;
        try
        {
            _key.DangerousAddRef(ref added);
            md = LibCrypto.EVP_MD_CTX_new();
            if (md == 0) return OpenSslKeys.Fail();
            int result;
            fixed (byte* d = data)
            fixed (byte* s = signature)
            {
                result = LibCrypto.EVP_DigestVerifyInit(md, 0, 0, 0, _key.DangerousGetHandle()) == 1
                    ? LibCrypto.EVP_DigestVerify(md, s, (nuint)signature.Length, d, (nuint)data.Length)
                    : -1;
            }
            return result == 1 || OpenSslKeys.Fail();
        }
        finally
        {
            if (md != 0) LibCrypto.EVP_MD_CTX_free(md);
            if (added) _key.DangerousRelease();
        }
    }
}

internal static unsafe class OpenSslKeys
{
    public static EvpPKeyHandle ImportPrivate(int type, ReadOnlySpan<byte> key)
    {
        if (key.Length != 32) throw new ArgumentException("The private key must be 32 bytes.", nameof(key));
        nint pkey;
        fixed (byte* k = key) pkey = LibCrypto.EVP_PKEY_new_raw_private_key(type, 0, k, (nuint)key.Length);
        if (pkey == 0)
        {
            LibCrypto.ERR_clear_error();
            throw new CryptographicException("libcrypto refused the private key.");
        }
        return new EvpPKeyHandle(pkey);
    }

    public static EvpPKeyHandle ImportPublic(int type, ReadOnlySpan<byte> key)
    {
        nint pkey;
        fixed (byte* k = key) pkey = LibCrypto.EVP_PKEY_new_raw_public_key(type, 0, k, (nuint)key.Length);
        if (pkey == 0)
        {
            LibCrypto.ERR_clear_error();
            throw new ArgumentException("libcrypto refused the public key.", nameof(key));
        }
        return new EvpPKeyHandle(pkey);
    }

    public static void ExportPublic(EvpPKeyHandle key, Span<byte> destination)
    {
        nuint length = (nuint)destination.Length;
        int ok;
        fixed (byte* d = destination) ok = LibCrypto.EVP_PKEY_get_raw_public_key(key.DangerousGetHandle(), d, &length);
        if (ok != 1 || length != (nuint)destination.Length)
        {
            LibCrypto.ERR_clear_error();
            key.Dispose();
            throw new CryptographicException("libcrypto could not export the public key.");
        }
    }

    /// <summary>Clears libcrypto's error queue after a refused operation; returns false for the caller to pass on.</summary>
    public static bool Fail()
    {
        LibCrypto.ERR_clear_error();
        return false;
    }
}
