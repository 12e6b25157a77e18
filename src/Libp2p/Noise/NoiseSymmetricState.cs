using System.Security.Cryptography;
using Libp2p.Crypto;

namespace Libp2p.Noise;

/// <summary>Noise's SymmetricState (spec section 5.2) for SHA-256: chaining key, handshake hash and a CipherState.</summary>
internal sealed class NoiseSymmetricState
{
    public const int HashLength = 32;

    private readonly CryptoProvider _crypto;
    private readonly byte[] _ck = new byte[HashLength];
    private readonly byte[] _h = new byte[HashLength];
    private readonly NoiseCipherState _cs = new();

    public NoiseSymmetricState(CryptoProvider crypto, ReadOnlySpan<byte> protocolName)
    {
        _crypto = crypto;
        if (protocolName.Length <= HashLength) protocolName.CopyTo(_h); // zero-padded
        else SHA256.HashData(protocolName, _h);
        _h.CopyTo(_ck, 0);
    }

    public ReadOnlySpan<byte> HandshakeHash => _h;

    public bool HasKey => _cs.HasKey;

    public void MixKey(ReadOnlySpan<byte> inputKeyMaterial)
    {
        Span<byte> output = stackalloc byte[2 * HashLength];
        Hkdf(inputKeyMaterial, output);
        output[..HashLength].CopyTo(_ck);
        _cs.InitializeKey(_crypto, output[HashLength..]);
        CryptographicOperations.ZeroMemory(output);
    }

    public void MixHash(ReadOnlySpan<byte> data)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(_h);
        hash.AppendData(data);
        hash.GetHashAndReset(_h);
    }

    public byte[] EncryptAndHash(ReadOnlySpan<byte> plaintext)
    {
        var ciphertext = new byte[plaintext.Length + (_cs.HasKey ? ChaCha20Poly1305Cipher.TagSize : 0)];
        _cs.EncryptWithAd(_h, plaintext, ciphertext);
        MixHash(ciphertext);
        return ciphertext;
    }

    /// <exception cref="NoiseHandshakeException">Authentication failed.</exception>
    public byte[] DecryptAndHash(ReadOnlySpan<byte> ciphertext)
    {
        if (_cs.HasKey && ciphertext.Length < ChaCha20Poly1305Cipher.TagSize)
            throw new NoiseHandshakeException("A handshake field is shorter than its authentication tag.");
        var plaintext = new byte[ciphertext.Length - (_cs.HasKey ? ChaCha20Poly1305Cipher.TagSize : 0)];
        if (!_cs.TryDecryptWithAd(_h, ciphertext, plaintext, out _))
            throw new NoiseHandshakeException("A handshake message failed authentication.");
        MixHash(ciphertext);
        return plaintext;
    }

    /// <summary>The two transport cipher states: the first for initiator-to-responder, the second for the reverse.</summary>
    public (NoiseCipherState First, NoiseCipherState Second) Split()
    {
        Span<byte> output = stackalloc byte[2 * HashLength];
        Hkdf(ReadOnlySpan<byte>.Empty, output);
        var c1 = new NoiseCipherState();
        var c2 = new NoiseCipherState();
        c1.InitializeKey(_crypto, output[..HashLength]);
        c2.InitializeKey(_crypto, output[HashLength..]);
        CryptographicOperations.ZeroMemory(output);
        _cs.Dispose();
        return (c1, c2);
    }

    // Noise's HKDF (spec section 4.3) with two outputs, spelled out with HMAC-SHA256: the BCL's HKDF.DeriveKey
    // refuses the empty input key material that Split() uses.
    private void Hkdf(ReadOnlySpan<byte> inputKeyMaterial, Span<byte> output)
    {
        Span<byte> tempKey = stackalloc byte[HashLength];
        Span<byte> block = stackalloc byte[HashLength + 1];
        HMACSHA256.HashData(_ck, inputKeyMaterial, tempKey);
        block[0] = 0x01;
        HMACSHA256.HashData(tempKey, block[..1], output[..HashLength]);
        output[..HashLength].CopyTo(block);
        block[HashLength] = 0x02;
        HMACSHA256.HashData(tempKey, block, output[HashLength..]);
        CryptographicOperations.ZeroMemory(tempKey);
        CryptographicOperations.ZeroMemory(block);
    }
}
