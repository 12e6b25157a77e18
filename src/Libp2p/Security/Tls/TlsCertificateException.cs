namespace Libp2p.Security.Tls;

/// <summary>Why a remote's TLS certificate was refused.</summary>
public enum TlsCertificateError
{
    /// <summary>Not a DER X.509 v3 certificate, or larger than <see cref="TlsCertificate.MaxLength"/>.</summary>
    Malformed,
    /// <summary>The remote sent no certificate (a server must require one from the client).</summary>
    Missing,
    /// <summary>The remote sent a chain of more than one certificate.</summary>
    TooManyCertificates,
    /// <summary>The current time is before NotBefore.</summary>
    NotYetValid,
    /// <summary>The current time is after NotAfter.</summary>
    Expired,
    /// <summary>The certificate key is of a type or curve we do not support, or uses explicit curve parameters.</summary>
    UnsupportedKeyType,
    /// <summary>The certificate is signed with an algorithm we do not support (anything with a hash under 256 bits among them).</summary>
    UnsupportedSignatureAlgorithm,
    /// <summary>The certificate's self-signature does not verify with its own key.</summary>
    BadSelfSignature,
    /// <summary>The libp2p Public Key Extension is missing.</summary>
    MissingExtension,
    /// <summary>The libp2p Public Key Extension is malformed or repeated, or its host key is invalid or of an unknown type.</summary>
    BadExtension,
    /// <summary>The host key did not sign the certificate's key (the extension's signature does not verify).</summary>
    BadExtensionSignature,
    /// <summary>A critical extension we do not understand.</summary>
    UnsupportedCriticalExtension,
    /// <summary>The deprecated issuerUniqueID or subjectUniqueID is present.</summary>
    UniqueIdPresent,
}

/// <summary>The remote's TLS certificate breaks the libp2p TLS spec; <see cref="Error"/> says how.</summary>
public sealed class TlsCertificateException(TlsCertificateError error, string message, Exception? inner = null)
    : SecurityHandshakeException(TlsSecurity.Id, "certificate refused: " + message, inner)
{
    /// <summary>What is wrong with the certificate.</summary>
    public TlsCertificateError Error { get; } = error;
}
