using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;

namespace Libp2p.Security.Tls.Managed;

/// <summary>
/// What the managed engine offers and accepts, both roles alike: TLS 1.3 only, its three AEAD suites, the usual key
/// exchange groups, and the signature schemes of the certificate keys <see cref="TlsCertificateVerifier"/> accepts.
/// </summary>
internal static class ManagedTlsParameters
{
    public static ProtocolVersion[] Versions => [ProtocolVersion.TLSv13];

    /// <summary>
    /// ChaCha20-Poly1305 first where the CPU has no AES instructions (inside Wasm BouncyCastle's AES is table-driven
    /// software, slower than ChaCha20), AES-GCM first where it has them. The server takes the client's order.
    /// </summary>
    public static int[] CipherSuites(TlsCrypto crypto)
    {
        bool aesInHardware = System.Runtime.Intrinsics.X86.Aes.IsSupported || System.Runtime.Intrinsics.Arm.Aes.IsSupported;
        int[] suites = aesInHardware
            ? [CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_CHACHA20_POLY1305_SHA256, CipherSuite.TLS_AES_256_GCM_SHA384]
            : [CipherSuite.TLS_CHACHA20_POLY1305_SHA256, CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_AES_256_GCM_SHA384];
        return TlsUtilities.GetSupportedCipherSuites(crypto, suites);
    }

    /// <summary>X25519 first (the key share a client sends at once), then the NIST curves go, rust and OpenSSL also offer.</summary>
    public static int[] Groups => [NamedGroup.x25519, NamedGroup.secp256r1, NamedGroup.secp384r1];

    /// <summary>
    /// The schemes a remote may sign its CertificateVerify with: ECDSA on P-256/P-384/P-521, Ed25519 and RSA-PSS (the
    /// certificate keys the verifier accepts). Ours is always <see cref="OurScheme"/>.
    /// </summary>
    public static IList<SignatureAndHashAlgorithm> SignatureAlgorithms =>
    [
        SignatureScheme.GetSignatureAndHashAlgorithm(SignatureScheme.ecdsa_secp256r1_sha256),
        SignatureScheme.GetSignatureAndHashAlgorithm(SignatureScheme.ecdsa_secp384r1_sha384),
        SignatureScheme.GetSignatureAndHashAlgorithm(SignatureScheme.ecdsa_secp521r1_sha512),
        SignatureScheme.GetSignatureAndHashAlgorithm(SignatureScheme.ed25519),
        SignatureScheme.GetSignatureAndHashAlgorithm(SignatureScheme.rsa_pss_rsae_sha256),
        SignatureScheme.GetSignatureAndHashAlgorithm(SignatureScheme.rsa_pss_rsae_sha384),
        SignatureScheme.GetSignatureAndHashAlgorithm(SignatureScheme.rsa_pss_rsae_sha512),
    ];

    /// <summary>Our certificate key is ECDSA P-256 (<see cref="TlsCertificate.Generate"/>).</summary>
    public static SignatureAndHashAlgorithm OurScheme => SignatureScheme.GetSignatureAndHashAlgorithm(SignatureScheme.ecdsa_secp256r1_sha256);

    /// <summary>The ALPN list: the muxers in our order of preference, then <c>libp2p</c> (libp2p/specs connections/inlined-muxer-negotiation.md).</summary>
    public static IList<ProtocolName> Alpn(IReadOnlyList<string> muxers)
    {
        var names = new List<ProtocolName>(muxers.Count + 1);
        foreach (var m in muxers) names.Add(ProtocolName.AsUtf8Encoding(m));
        names.Add(ProtocolName.AsUtf8Encoding(TlsSecurity.Alpn));
        return names;
    }
}
