using System.Security.Cryptography;

namespace Libp2p.Crypto;

/// <summary>The BCL's ChaCha20-Poly1305 (OpenSSL/CNG/Apple): fast, and allocation-free per call.</summary>
internal sealed class BclChaCha20Poly1305Cipher(ReadOnlySpan<byte> key) : ChaCha20Poly1305Cipher
{
    private readonly ChaCha20Poly1305 _aead = new(key);

    public override void Seal(ulong nonce, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> plaintext, Span<byte> destination)
    {
        CheckSeal(plaintext, destination);
        Span<byte> n = stackalloc byte[NonceSize];
        WriteNoiseNonce(nonce, n);
        _aead.Encrypt(n, plaintext, destination[..plaintext.Length], destination.Slice(plaintext.Length, TagSize), associatedData);
    }

    public override bool TryOpen(ulong nonce, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> ciphertext, Span<byte> destination)
    {
        CheckOpen(ciphertext, destination);
        Span<byte> n = stackalloc byte[NonceSize];
        WriteNoiseNonce(nonce, n);
        int length = ciphertext.Length - TagSize;
        try
        {
            _aead.Decrypt(n, ciphertext[..length], ciphertext[length..], destination[..length], associatedData);
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
    }

    public override void Dispose() => _aead.Dispose();
}
