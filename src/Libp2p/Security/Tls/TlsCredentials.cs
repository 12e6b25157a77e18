using Libp2p.Identity;
using Org.BouncyCastle.Crypto.Parameters;

namespace Libp2p.Security.Tls;

/// <summary>
/// Our certificate for one host key: made once and reused for every connection (the spec allows it; go-libp2p does
/// the same), since it is valid for <see cref="TlsCertificate.ValidFor"/>. The engines derive their own forms from it.
/// </summary>
internal sealed class TlsCredentials
{
    private object? _engineState;

    public TlsCredentials(PrivateKey identity, byte[] der, ECPrivateKeyParameters key)
    {
        Identity = identity;
        Der = der;
        Key = key;
    }

    public PrivateKey Identity { get; }

    /// <summary>The DER certificate.</summary>
    public byte[] Der { get; }

    /// <summary>The certificate's P-256 private key.</summary>
    public ECPrivateKeyParameters Key { get; }

    /// <summary>What an engine built from these credentials once (e.g. an <c>SslStreamCertificateContext</c>).</summary>
    public T GetOrCreateEngineState<T>(Func<TlsCredentials, T> create) where T : class
    {
        if (Volatile.Read(ref _engineState) is T existing) return existing;
        var created = create(this);
        return Interlocked.CompareExchange(ref _engineState, created, null) as T ?? created;
    }
}
