using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Math.EC.Rfc7748;
using Org.BouncyCastle.Security;

namespace Libp2p.Attacks;

/// <summary>How the attacker's handshake payload lies (or not).</summary>
public enum HandshakeForgery
{
    None,
    /// <summary>A valid key, a signature over the wrong bytes.</summary>
    BadSignature,
    /// <summary>An identity key the node cannot decode.</summary>
    GarbageKey,
}

/// <summary>
/// The initiator side of Noise_XX_25519_ChaChaPoly_SHA256 with the libp2p payload, written for the attacker from the
/// Noise spec (X25519 from BouncyCastle, ChaCha20-Poly1305 and SHA-256 from the BCL), and then the transport: frames
/// of a 2-byte length and sealed bytes. Nothing of the stack's own Noise is used.
/// </summary>
public sealed class RawNoise
{
    private static readonly SecureRandom Random = new();
    private byte[] _ck;
    private byte[] _h;
    private byte[]? _k;
    private ulong _n;
    private ChaCha20Poly1305? _send, _receive;
    private ulong _sendNonce, _receiveNonce;

    private RawNoise()
    {
        _h = Encoding.ASCII.GetBytes("Noise_XX_25519_ChaChaPoly_SHA256"); // exactly 32 bytes: used as is
        _ck = (byte[])_h.Clone();
        MixHash([]); // empty prologue
    }

    /// <summary>
    /// Negotiates /noise with multistream-select and runs the handshake over <paramref name="socket"/>; returns the
    /// transport, or throws when the node refuses (it closes the connection).
    /// </summary>
    public static async Task<RawNoise> HandshakeAsync(RawSocket socket, RawIdentity identity, HandshakeForgery forgery, CancellationToken ct)
    {
        var noise = new RawNoise();
        // multistream header + /noise + message 1 in one write, as the stack's lazy dialer does.
        var e = NewKeyPair();
        noise.MixHash(e.Public);
        noise.MixHash([]); // empty payload, no key yet
        await socket.WriteAsync([.. RawMultistream.Propose("/noise"), 0, 32, .. e.Public], ct).ConfigureAwait(false);
        for (int i = 0; i < 2; i++)
            await RawMultistream.ReadAsync((m, c) => socket.ReadExactlyAsync(m, c), ct).ConfigureAwait(false);

        // message 2: e, ee, s, es, payload
        var prefix = new byte[2];
        await socket.ReadExactlyAsync(prefix, ct).ConfigureAwait(false);
        var message2 = new byte[BinaryPrimitives.ReadUInt16BigEndian(prefix)];
        await socket.ReadExactlyAsync(message2, ct).ConfigureAwait(false);
        var re = message2[..32];
        noise.MixHash(re);
        noise.MixKey(Dh(e.Private, re));
        var rs = noise.DecryptAndHash(message2.AsSpan(32, 48));
        noise.MixKey(Dh(e.Private, rs));
        noise.DecryptAndHash(message2.AsSpan(80)); // the node's payload: not checked by the attacker

        // message 3: s, se, payload
        var s = NewKeyPair();
        var sealedStatic = noise.EncryptAndHash(s.Public);
        noise.MixKey(Dh(s.Private, re));
        var payload = noise.EncryptAndHash(Payload(identity, s.Public, forgery));
        byte[] message3 = [.. sealedStatic, .. payload];
        await socket.WriteAsync([(byte)(message3.Length >> 8), (byte)message3.Length, .. message3], ct).ConfigureAwait(false);

        var (k1, k2) = Hkdf(noise._ck, []);
        noise._send = new ChaCha20Poly1305(k1);
        noise._receive = new ChaCha20Poly1305(k2);
        return noise;
    }

    /// <summary>One transport frame (at most 65519 bytes of plaintext).</summary>
    public byte[] Seal(ReadOnlySpan<byte> plaintext)
    {
        var frame = new byte[2 + plaintext.Length + 16];
        BinaryPrimitives.WriteUInt16BigEndian(frame, (ushort)(plaintext.Length + 16));
        _send!.Encrypt(Nonce(_sendNonce++), plaintext, frame.AsSpan(2, plaintext.Length), frame.AsSpan(2 + plaintext.Length, 16));
        return frame;
    }

    /// <summary>Seals any amount of plaintext into as many frames as needed, in one buffer.</summary>
    public byte[] SealAll(ReadOnlySpan<byte> plaintext)
    {
        var output = new List<byte>(plaintext.Length + plaintext.Length / 65519 * 18 + 18);
        do
        {
            int chunk = Math.Min(plaintext.Length, 65519);
            output.AddRange(Seal(plaintext[..chunk]));
            plaintext = plaintext[chunk..];
        }
        while (!plaintext.IsEmpty);
        return [.. output];
    }

    /// <summary>Opens one transport frame body (ciphertext and tag).</summary>
    public byte[] Open(ReadOnlySpan<byte> body)
    {
        var plaintext = new byte[body.Length - 16];
        _receive!.Decrypt(Nonce(_receiveNonce++), body[..^16], body[^16..], plaintext);
        return plaintext;
    }

    private static byte[] Payload(RawIdentity identity, byte[] staticPublic, HandshakeForgery forgery)
    {
        byte[] key = forgery == HandshakeForgery.GarbageKey ? [0x08, 0x01, 0x12, 0x05, 1, 2, 3, 4, 5] : identity.PublicKeyProtobuf;
        byte[] signed = [.. "noise-libp2p-static-key:"u8, .. staticPublic];
        if (forgery == HandshakeForgery.BadSignature) signed[^1] ^= 0xFF;
        byte[] signature = identity.Sign(signed);
        byte[] muxer = Encoding.ASCII.GetBytes("/yamux/1.0.0");
        byte[] extensions = [0x12, (byte)muxer.Length, .. muxer];
        return [0x0A, .. RawMultistream.Varint(key.Length), .. key, 0x12, .. RawMultistream.Varint(signature.Length), .. signature,
            0x22, .. RawMultistream.Varint(extensions.Length), .. extensions];
    }

    private static (byte[] Private, byte[] Public) NewKeyPair()
    {
        var priv = new byte[X25519.ScalarSize];
        var pub = new byte[X25519.PointSize];
        X25519.GeneratePrivateKey(Random, priv);
        X25519.GeneratePublicKey(priv, 0, pub, 0);
        return (priv, pub);
    }

    private static byte[] Dh(byte[] priv, byte[] pub)
    {
        var shared = new byte[X25519.PointSize];
        if (!X25519.CalculateAgreement(priv, 0, pub, 0, shared, 0)) throw new InvalidDataException("low-order point from the node");
        return shared;
    }

    private void MixHash(ReadOnlySpan<byte> data) => _h = SHA256.HashData([.. _h, .. data]);

    private void MixKey(byte[] ikm)
    {
        (_ck, _k) = Hkdf(_ck, ikm);
        _n = 0;
    }

    private byte[] EncryptAndHash(ReadOnlySpan<byte> plaintext)
    {
        var output = new byte[plaintext.Length + 16];
        using (var aead = new ChaCha20Poly1305(_k!))
            aead.Encrypt(Nonce(_n++), plaintext, output.AsSpan(0, plaintext.Length), output.AsSpan(plaintext.Length), _h);
        MixHash(output);
        return output;
    }

    private byte[] DecryptAndHash(ReadOnlySpan<byte> ciphertext)
    {
        var output = new byte[ciphertext.Length - 16];
        using (var aead = new ChaCha20Poly1305(_k!))
            aead.Decrypt(Nonce(_n++), ciphertext[..^16], ciphertext[^16..], output, _h);
        MixHash(ciphertext);
        return output;
    }

    private static byte[] Nonce(ulong n)
    {
        var nonce = new byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(nonce.AsSpan(4), n);
        return nonce;
    }

    private static (byte[], byte[]) Hkdf(byte[] chainingKey, byte[] ikm)
    {
        var temp = HMACSHA256.HashData(chainingKey, ikm);
        var out1 = HMACSHA256.HashData(temp, new byte[] { 1 });
        var out2 = HMACSHA256.HashData(temp, out1.Append((byte)2).ToArray());
        return (out1, out2);
    }
}
