using System.Security.Cryptography;
using Libp2p.Crypto;

namespace Libp2p.Identity;

/// <summary>
/// An Ed25519 private key. Data is <c>seed || public</c> (64 bytes), the form the peer-ids spec prefers and
/// js-libp2p writes; the legacy 96-byte <c>seed || public || public</c> form is accepted on input as the spec asks.
/// Signing goes through <see cref="CryptoProvider.Default"/> (libcrypto natively, BouncyCastle in Wasm), with the
/// key expanded once.
/// </summary>
public sealed class Ed25519PrivateKey : PrivateKey
{
    /// <summary>Length of an Ed25519 private key seed in bytes.</summary>
    public const int SeedLength = 32;
    private const int DataLength = SeedLength + Ed25519PublicKey.Length;
    private const int LegacyDataLength = DataLength + Ed25519PublicKey.Length;

    private readonly byte[] _data; // seed || public
    private readonly Ed25519Signer _signer;
    private readonly Ed25519PublicKey _publicKey;

    private Ed25519PrivateKey(ReadOnlySpan<byte> seed)
    {
        _signer = CryptoProvider.Default.CreateEd25519Signer(seed);
        _publicKey = new Ed25519PublicKey(_signer.PublicKey.ToArray());
        _data = new byte[DataLength];
        seed.CopyTo(_data);
        _publicKey.Data.CopyTo(_data.AsSpan(SeedLength));
    }

    /// <inheritdoc/>
    public override KeyType Type => KeyType.Ed25519;

    /// <inheritdoc/>
    public override PublicKey PublicKey => _publicKey;

    /// <inheritdoc/>
    public override ReadOnlySpan<byte> Data => _data;

    /// <summary>The 32-byte RFC 8032 private key (seed).</summary>
    public ReadOnlySpan<byte> Seed => _data.AsSpan(0, SeedLength);

    /// <summary>A fresh random key.</summary>
    public static Ed25519PrivateKey Generate()
    {
        Span<byte> seed = stackalloc byte[SeedLength];
        RandomNumberGenerator.Fill(seed);
        try { return new Ed25519PrivateKey(seed); }
        finally { CryptographicOperations.ZeroMemory(seed); }
    }

    /// <summary>The key with this 32-byte seed (same as js-libp2p's generateKeyPairFromSeed('Ed25519', seed)).</summary>
    public static Ed25519PrivateKey FromSeed(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedLength)
            throw new KeyFormatException($"Ed25519 seed must be {SeedLength} bytes, got {seed.Length}.");
        return new Ed25519PrivateKey(seed);
    }

    /// <summary>Parses the protobuf Data field (64-byte, or legacy 96-byte form).</summary>
    /// <exception cref="KeyFormatException">Wrong length, or the embedded public key does not belong to the seed.</exception>
    public static Ed25519PrivateKey FromData(ReadOnlySpan<byte> data)
    {
        if (data.Length == LegacyDataLength)
        {
            if (!data.Slice(SeedLength, Ed25519PublicKey.Length).SequenceEqual(data[DataLength..]))
                throw new KeyFormatException("Legacy 96-byte Ed25519 private key has two different public keys.");
            data = data[..DataLength];
        }
        else if (data.Length != DataLength)
        {
            throw new KeyFormatException($"Ed25519 private key must be {DataLength} bytes (or legacy {LegacyDataLength}), got {data.Length}.");
        }
        var key = new Ed25519PrivateKey(data[..SeedLength]);
        // js and go trust the stored half; we check it so a corrupted file cannot yield a peer id we cannot sign for.
        if (!key._publicKey.Data.SequenceEqual(data[SeedLength..]))
            throw new KeyFormatException("Ed25519 private key's public half does not match its seed.");
        return key;
    }

    /// <inheritdoc/>
    public override byte[] Sign(ReadOnlySpan<byte> data)
    {
        var signature = new byte[Ed25519PublicKey.SignatureLength];
        _signer.Sign(data, signature);
        return signature;
    }
}
