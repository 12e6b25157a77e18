using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math.EC.Rfc7748;
using Org.BouncyCastle.Math.EC.Rfc8032;

namespace Libp2p.Crypto;

// BouncyCastle's managed X25519 and Ed25519: what Wasm runs, and the fallback where libcrypto is missing.

internal sealed class BouncyCastleX25519KeyPair : X25519KeyPair
{
    private readonly byte[] _privateKey;
    private bool _disposed;

    public BouncyCastleX25519KeyPair(ReadOnlySpan<byte> privateKey)
    {
        _privateKey = privateKey.ToArray();
        X25519.ScalarMultBase(_privateKey, PublicKeyDestination);
    }

    public override bool TryAgree(ReadOnlySpan<byte> peerPublicKey, Span<byte> sharedSecret)
    {
        CheckAgreeArguments(peerPublicKey, sharedSecret);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return X25519.CalculateAgreement(_privateKey, peerPublicKey, sharedSecret[..CryptoProvider.X25519KeySize]);
    }

    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        CryptographicOperations.ZeroMemory(_privateKey);
    }
}

internal sealed class BouncyCastleEd25519Signer : Ed25519Signer
{
    private readonly Ed25519PrivateKeyParameters _parameters;

    public BouncyCastleEd25519Signer(ReadOnlySpan<byte> seed)
    {
        _parameters = new Ed25519PrivateKeyParameters(seed);
        _parameters.GeneratePublicKey().Encode(PublicKeyDestination);
    }

    public override void Sign(ReadOnlySpan<byte> data, Span<byte> signature) =>
        _parameters.Sign(Ed25519.Algorithm.Ed25519, null, data, signature);
}

internal sealed class BouncyCastleEd25519Verifier : Ed25519Verifier
{
    private readonly Ed25519PublicKeyParameters _parameters;

    /// <exception cref="ArgumentException">Not a point on the curve (BouncyCastle decodes it here).</exception>
    public BouncyCastleEd25519Verifier(ReadOnlySpan<byte> publicKey) => _parameters = new Ed25519PublicKeyParameters(publicKey);

    public override bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        signature.Length == Ed25519Signer.SignatureLength && _parameters.Verify(Ed25519.Algorithm.Ed25519, null, data, signature);
}
