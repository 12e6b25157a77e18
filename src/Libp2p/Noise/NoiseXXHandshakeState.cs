using System.Security.Cryptography;
using Libp2p.Crypto;

namespace Libp2p.Noise;

/// <summary>
/// The Noise_XX_25519_ChaChaPoly_SHA256 handshake state machine (Noise spec section 5.3, pattern XX):
/// <code>
/// -> e
/// &lt;- e, ee, s, es
/// -> s, se
/// </code>
/// Pure message in, message out; framing and the libp2p payload live in NoiseHandshake.
/// Any failure leaves the state unusable.
/// </summary>
internal sealed class NoiseXXHandshakeState : IDisposable
{
    public const string ProtocolName = "Noise_XX_25519_ChaChaPoly_SHA256";
    private const int DhLength = CryptoProvider.X25519KeySize;
    private const int TagLength = ChaCha20Poly1305Cipher.TagSize;

    private readonly bool _initiator;
    private readonly CryptoProvider _crypto;
    private readonly NoiseSymmetricState _ss;
    // Key pairs from the provider (native key objects where libcrypto is used): each is imported once and
    // serves both of its agreements.
    private readonly X25519KeyPair _s;
    private X25519KeyPair? _e;
    private readonly byte[] _re = new byte[DhLength], _rs = new byte[DhLength];
    private readonly byte[]? _fixedEphemeral;
    private int _step;          // index of the next handshake message, 0..3
    private bool _failed;

    /// <summary>A fresh state; <paramref name="ephemeralPrivate"/> is only for test vectors (empty means a fresh ephemeral key).</summary>
    public NoiseXXHandshakeState(bool initiator, CryptoProvider crypto, ReadOnlySpan<byte> staticPrivate, ReadOnlySpan<byte> prologue, ReadOnlySpan<byte> ephemeralPrivate = default)
        : this(initiator, crypto, crypto.CreateX25519KeyPair(staticPrivate), prologue)
    {
        if (!ephemeralPrivate.IsEmpty) _fixedEphemeral = ephemeralPrivate.ToArray();
    }

    /// <summary>A fresh state that owns <paramref name="staticKey"/> (disposed by <see cref="Split"/> or <see cref="Dispose"/>).</summary>
    public NoiseXXHandshakeState(bool initiator, CryptoProvider crypto, X25519KeyPair staticKey, ReadOnlySpan<byte> prologue)
    {
        _initiator = initiator;
        _crypto = crypto;
        _s = staticKey;
        _ss = new NoiseSymmetricState(crypto, "Noise_XX_25519_ChaChaPoly_SHA256"u8);
        _ss.MixHash(prologue);
    }

    public bool IsComplete => _step == 3;

    public bool IsMyTurnToWrite => !IsComplete && (_step % 2 == 0) == _initiator;

    public ReadOnlySpan<byte> LocalStaticPublicKey => _s.PublicKey;

    /// <summary>The remote's static X25519 key, known after message 2 (initiator) or 3 (responder).</summary>
    public ReadOnlySpan<byte> RemoteStaticPublicKey => (_initiator ? _step >= 2 : _step >= 3) ? _rs : default;

    public ReadOnlySpan<byte> HandshakeHash => _ss.HandshakeHash;

    public byte[] WriteMessage(ReadOnlySpan<byte> payload)
    {
        if (_failed) throw new InvalidOperationException("The handshake has failed.");
        if (!IsMyTurnToWrite) throw new InvalidOperationException("It is not this side's turn to write.");
        try
        {
            byte[] message;
            switch (_step)
            {
                case 0: // -> e
                    var e0 = NewEphemeral();
                    _ss.MixHash(e0.PublicKey);
                    message = [.. e0.PublicKey, .. _ss.EncryptAndHash(payload)];
                    break;
                case 1: // <- e, ee, s, es
                    var e1 = NewEphemeral();
                    _ss.MixHash(e1.PublicKey);
                    MixDh(e1, _re);                        // ee
                    byte[] s = _ss.EncryptAndHash(_s.PublicKey);
                    MixDh(_s, _re);                        // es, from the responder's side
                    message = [.. e1.PublicKey, .. s, .. _ss.EncryptAndHash(payload)];
                    break;
                default: // -> s, se
                    byte[] s3 = _ss.EncryptAndHash(_s.PublicKey);
                    MixDh(_s, _re);                        // se, from the initiator's side
                    message = [.. s3, .. _ss.EncryptAndHash(payload)];
                    break;
            }
            _step++;
            return message;
        }
        catch
        {
            _failed = true;
            Dispose();
            throw;
        }
    }

    /// <summary>Processes the remote's next message and returns its payload.</summary>
    /// <exception cref="NoiseHandshakeException">Too short, failed authentication, or a low-order key.</exception>
    public byte[] ReadMessage(ReadOnlySpan<byte> message)
    {
        if (_failed) throw new InvalidOperationException("The handshake has failed.");
        if (IsComplete || IsMyTurnToWrite) throw new InvalidOperationException("It is not this side's turn to read.");
        try
        {
            byte[] payload;
            switch (_step)
            {
                case 0: // -> e
                    Require(message, DhLength, 1);
                    message[..DhLength].CopyTo(_re);
                    _ss.MixHash(_re);
                    payload = _ss.DecryptAndHash(message[DhLength..]);
                    break;
                case 1: // <- e, ee, s, es
                    Require(message, DhLength + DhLength + TagLength + TagLength, 2);
                    message[..DhLength].CopyTo(_re);
                    _ss.MixHash(_re);
                    MixDh(_e!, _re);                       // ee
                    _ss.DecryptAndHash(message.Slice(DhLength, DhLength + TagLength)).CopyTo(_rs, 0);
                    MixDh(_e!, _rs);                       // es, from the initiator's side
                    payload = _ss.DecryptAndHash(message[(2 * DhLength + TagLength)..]);
                    break;
                default: // -> s, se
                    Require(message, DhLength + TagLength + TagLength, 3);
                    _ss.DecryptAndHash(message[..(DhLength + TagLength)]).CopyTo(_rs, 0);
                    MixDh(_e!, _rs);                       // se, from the responder's side
                    payload = _ss.DecryptAndHash(message[(DhLength + TagLength)..]);
                    break;
            }
            _step++;
            return payload;
        }
        catch
        {
            _failed = true;
            Dispose();
            throw;
        }
    }

    /// <summary>Transport cipher states after the last message: (send, receive) for this side.</summary>
    public (NoiseCipherState Send, NoiseCipherState Receive) Split()
    {
        if (!IsComplete) throw new InvalidOperationException("The handshake is not complete.");
        var (c1, c2) = _ss.Split();
        Dispose();
        return _initiator ? (c1, c2) : (c2, c1);
    }

    /// <summary>Forgets both private keys (also done by <see cref="Split"/>).</summary>
    public void Dispose()
    {
        _e?.Dispose();
        _s.Dispose();
    }

    private X25519KeyPair NewEphemeral() =>
        _e = _fixedEphemeral is { } fixedKey ? _crypto.CreateX25519KeyPair(fixedKey) : _crypto.GenerateX25519KeyPair();

    private void MixDh(X25519KeyPair local, ReadOnlySpan<byte> remotePublicKey)
    {
        Span<byte> shared = stackalloc byte[DhLength];
        if (!local.TryAgree(remotePublicKey, shared))
            throw new NoiseHandshakeException("The remote sent a low-order X25519 key.");
        _ss.MixKey(shared);
        CryptographicOperations.ZeroMemory(shared);
    }

    private static void Require(ReadOnlySpan<byte> message, int minimum, int number)
    {
        if (message.Length < minimum)
            throw new NoiseHandshakeException($"Handshake message {number} is {message.Length} bytes; at least {minimum} are needed.");
    }
}
