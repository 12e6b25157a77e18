using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using BcChaCha20Poly1305 = Org.BouncyCastle.Crypto.Modes.ChaCha20Poly1305;

namespace Libp2p.Crypto;

/// <summary>
/// BouncyCastle's managed ChaCha20-Poly1305, for runtimes without a native one (browser-wasm, WASI).
/// Re-keying per message with a null key keeps the expanded key; BouncyCastle's Init still makes a few
/// small objects per call (its parameter object and nonce copies) — the price of its API.
/// </summary>
internal sealed class BouncyCastleChaCha20Poly1305Cipher : ChaCha20Poly1305Cipher
{
    private readonly BcChaCha20Poly1305 _seal = new();
    private readonly BcChaCha20Poly1305 _open = new();
    private readonly byte[] _nonce = new byte[NonceSize];

    public BouncyCastleChaCha20Poly1305Cipher(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeySize) throw new ArgumentException("ChaCha20-Poly1305 keys are 32 bytes.", nameof(key));
        // Bind the key once with a nonce no message uses (the counter's reserved maximum); later Inits pass a null key.
        var keyParameter = new KeyParameter(key);
        WriteNoiseNonce(ulong.MaxValue, _nonce);
        _seal.Init(true, new ParametersWithIV(keyParameter, _nonce));
        _open.Init(false, new ParametersWithIV(keyParameter, _nonce));
    }

    public override void Seal(ulong nonce, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> plaintext, Span<byte> destination)
    {
        CheckSeal(plaintext, destination);
        WriteNoiseNonce(nonce, _nonce);
        _seal.Init(true, new ParametersWithIV(null, _nonce));
        if (!associatedData.IsEmpty) _seal.ProcessAadBytes(associatedData);
        int n = _seal.ProcessBytes(plaintext, destination);
        _seal.DoFinal(destination[n..]);
    }

    public override bool TryOpen(ulong nonce, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> ciphertext, Span<byte> destination)
    {
        CheckOpen(ciphertext, destination);
        WriteNoiseNonce(nonce, _nonce);
        _open.Init(false, new ParametersWithIV(null, _nonce));
        if (!associatedData.IsEmpty) _open.ProcessAadBytes(associatedData);
        try
        {
            int n = _open.ProcessBytes(ciphertext, destination);
            _open.DoFinal(destination[n..]);
            return true;
        }
        catch (InvalidCipherTextException)
        {
            _open.Reset();
            return false;
        }
    }

    public override void Dispose() { }
}
