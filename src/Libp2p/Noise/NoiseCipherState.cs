using Libp2p.Crypto;

namespace Libp2p.Noise;

/// <summary>Noise's CipherState (spec section 5.1): a key, or none, and the 64-bit nonce counter.</summary>
internal sealed class NoiseCipherState : IDisposable
{
    /// <summary>2^64-1 is reserved by the Noise spec: a cipher state must stop before it would use it.</summary>
    public const ulong ReservedNonce = ulong.MaxValue;

    private ChaCha20Poly1305Cipher? _cipher;

    public bool HasKey => _cipher is not null;

    public ulong Nonce { get; internal set; }

    public bool NonceExhausted => Nonce == ReservedNonce;

    public void InitializeKey(CryptoProvider crypto, ReadOnlySpan<byte> key)
    {
        _cipher?.Dispose();
        _cipher = crypto.CreateChaCha20Poly1305(key);
        Nonce = 0;
    }

    /// <summary>Encrypts into <paramref name="destination"/> (may be where <paramref name="plaintext"/> is); returns bytes written.</summary>
    public int EncryptWithAd(ReadOnlySpan<byte> ad, ReadOnlySpan<byte> plaintext, Span<byte> destination)
    {
        if (_cipher is null)
        {
            plaintext.CopyTo(destination);
            return plaintext.Length;
        }
        if (NonceExhausted) throw new InvalidOperationException("The Noise nonce space is exhausted.");
        _cipher.Seal(Nonce, ad, plaintext, destination);
        Nonce++;
        return plaintext.Length + ChaCha20Poly1305Cipher.TagSize;
    }

    /// <summary>Authenticates and decrypts; on failure returns false and the nonce is not advanced.</summary>
    public bool TryDecryptWithAd(ReadOnlySpan<byte> ad, ReadOnlySpan<byte> ciphertext, Span<byte> destination, out int written)
    {
        if (_cipher is null)
        {
            ciphertext.CopyTo(destination);
            written = ciphertext.Length;
            return true;
        }
        written = 0;
        if (NonceExhausted || ciphertext.Length < ChaCha20Poly1305Cipher.TagSize) return false;
        if (!_cipher.TryOpen(Nonce, ad, ciphertext, destination)) return false;
        Nonce++;
        written = ciphertext.Length - ChaCha20Poly1305Cipher.TagSize;
        return true;
    }

    public void Dispose() => _cipher?.Dispose();
}
