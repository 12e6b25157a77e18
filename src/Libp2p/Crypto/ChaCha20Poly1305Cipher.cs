using System.Buffers.Binary;

namespace Libp2p.Crypto;

/// <summary>
/// ChaCha20-Poly1305 (RFC 8439) bound to one key, with Noise's nonce: 4 zero bytes then the 64-bit counter
/// little-endian. Encrypts and decrypts into caller buffers; the source and destination may be the same
/// memory (in place) but must not otherwise overlap. Not thread-safe: one operation at a time.
/// </summary>
internal abstract class ChaCha20Poly1305Cipher : IDisposable
{
    public const int KeySize = 32;
    public const int TagSize = 16;
    public const int NonceSize = 12;

    /// <summary>Writes <paramref name="plaintext"/>.Length + <see cref="TagSize"/> bytes (ciphertext then tag) to <paramref name="destination"/>.</summary>
    public abstract void Seal(ulong nonce, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> plaintext, Span<byte> destination);

    /// <summary>
    /// Authenticates and decrypts <paramref name="ciphertext"/> (ciphertext then tag) into <paramref name="destination"/>
    /// (<paramref name="ciphertext"/>.Length - <see cref="TagSize"/> bytes). Returns false, and leaves
    /// <paramref name="destination"/> with meaningless bytes, when the tag does not match.
    /// </summary>
    public abstract bool TryOpen(ulong nonce, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> ciphertext, Span<byte> destination);

    public abstract void Dispose();

    /// <summary>Noise's ChaChaPoly nonce: 32 bits of zeros followed by the little-endian encoding of n.</summary>
    public static void WriteNoiseNonce(ulong n, Span<byte> nonce)
    {
        nonce[..4].Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(nonce[4..], n);
    }

    protected static void CheckSeal(ReadOnlySpan<byte> plaintext, Span<byte> destination)
    {
        if (destination.Length < plaintext.Length + TagSize)
            throw new ArgumentException("The destination is shorter than plaintext + tag.", nameof(destination));
    }

    protected static void CheckOpen(ReadOnlySpan<byte> ciphertext, Span<byte> destination)
    {
        if (ciphertext.Length < TagSize)
            throw new ArgumentException("The ciphertext is shorter than the tag.", nameof(ciphertext));
        if (destination.Length < ciphertext.Length - TagSize)
            throw new ArgumentException("The destination is shorter than the plaintext.", nameof(destination));
    }
}
