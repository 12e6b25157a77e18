using Libp2p.Identity;
using Libp2p.Noise;

namespace Libp2p.Fuzz;

/// <summary>
/// The handshake payload (protobuf: identity key, signature, extensions with stream muxers) and what the handshake
/// does with it: decode the identity key and check the signature. Only our exceptions may come out.
/// </summary>
internal static class NoisePayloadTarget
{
    public static readonly FuzzTarget Target = new("noise-payload", "NoiseHandshakePayload.Decode + identity key + signature", Run, Seeds);

    private static void Run(byte[] data)
    {
        NoiseHandshakePayload payload;
        try { payload = NoiseHandshakePayload.Decode(data); }
        catch (NoiseHandshakeException) { return; }
        if (payload.StreamMuxers.Count > NoiseHandshakePayload.MaxStreamMuxers)
            throw new FuzzFindingException($"{payload.StreamMuxers.Count} muxers accepted.");
        if (payload.IdentityKey.Length > data.Length || payload.IdentitySignature.Length > data.Length)
            throw new FuzzFindingException("A field is longer than the input.");
        try
        {
            var key = PublicKey.FromProtobuf(payload.IdentityKey);
            key.Verify(new byte[56], payload.IdentitySignature);
            _ = key.ToPeerId();
        }
        catch (KeyFormatException) { }
    }

    private static IEnumerable<byte[]> Seeds()
    {
        foreach (var type in new[] { KeyType.Ed25519, KeyType.Secp256k1, KeyType.Ecdsa })
        {
            var key = PrivateKey.Generate(type);
            yield return NoiseHandshake.BuildPayload(key, new byte[32], ["/yamux/1.0.0", "/mplex/6.7.0"]);
        }
        yield return NoiseHandshake.BuildPayload(PrivateKey.Generate(), new byte[32], []);
    }
}
