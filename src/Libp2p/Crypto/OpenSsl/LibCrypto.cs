using System.Runtime.InteropServices;

namespace Libp2p.Crypto.OpenSsl;

/// <summary>
/// The few libcrypto (OpenSSL 3) entry points for X25519 and Ed25519, through source-generated
/// <see cref="LibraryImportAttribute"/> stubs (no runtime marshalling code, so NativeAOT- and trim-safe).
/// The library is resolved lazily on first call; <see cref="IsAvailable"/> probes it once and is false where
/// libcrypto 3 is missing (Windows, macOS without it, browser-wasm, WASI), where BouncyCastle is used instead.
/// </summary>
internal static unsafe partial class LibCrypto
{
    private const string Library = "libcrypto.so.3";

    public const int EVP_PKEY_X25519 = 1034;  // NID_X25519
    public const int EVP_PKEY_ED25519 = 1087; // NID_ED25519

    /// <summary>True when libcrypto 3 loaded and answers; probed once.</summary>
    public static bool IsAvailable { get; } = Probe();

    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsFreeBSD()) return false;
        try
        {
            // 0xMNN00PP0L: major 3 or later has every function below.
            return (OpenSSL_version_num() >> 28) >= 3;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return false;
        }
    }

    [LibraryImport(Library)]
    private static partial nuint OpenSSL_version_num();

    [LibraryImport(Library)]
    public static partial void ERR_clear_error();

    [LibraryImport(Library)]
    public static partial nint EVP_PKEY_new_raw_private_key(int type, nint engine, byte* key, nuint keyLength);

    [LibraryImport(Library)]
    public static partial nint EVP_PKEY_new_raw_public_key(int type, nint engine, byte* key, nuint keyLength);

    [LibraryImport(Library)]
    public static partial int EVP_PKEY_get_raw_public_key(nint pkey, byte* pub, nuint* length);

    [LibraryImport(Library)]
    public static partial void EVP_PKEY_free(nint pkey);

    [LibraryImport(Library)]
    public static partial nint EVP_PKEY_CTX_new(nint pkey, nint engine);

    [LibraryImport(Library)]
    public static partial void EVP_PKEY_CTX_free(nint ctx);

    [LibraryImport(Library)]
    public static partial int EVP_PKEY_derive_init(nint ctx);

    [LibraryImport(Library)]
    public static partial int EVP_PKEY_derive_set_peer_ex(nint ctx, nint peer, int validatePeer);

    [LibraryImport(Library)]
    public static partial int EVP_PKEY_derive(nint ctx, byte* key, nuint* keyLength);

    [LibraryImport(Library)]
    public static partial nint EVP_MD_CTX_new();

    [LibraryImport(Library)]
    public static partial void EVP_MD_CTX_free(nint ctx);

    [LibraryImport(Library)]
    public static partial int EVP_DigestSignInit(nint ctx, nint pctx, nint type, nint engine, nint pkey);

    [LibraryImport(Library)]
    public static partial int EVP_DigestSign(nint ctx, byte* signature, nuint* signatureLength, byte* data, nuint dataLength);

    [LibraryImport(Library)]
    public static partial int EVP_DigestVerifyInit(nint ctx, nint pctx, nint type, nint engine, nint pkey);

    [LibraryImport(Library)]
    public static partial int EVP_DigestVerify(nint ctx, byte* signature, nuint signatureLength, byte* data, nuint dataLength);
}

/// <summary>An owned EVP_PKEY*: freed on dispose, or by the finalizer if nobody disposed it.</summary>
internal sealed class EvpPKeyHandle : SafeHandle
{
    public EvpPKeyHandle(nint pkey) : base(0, ownsHandle: true) => SetHandle(pkey);

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        LibCrypto.EVP_PKEY_free(handle);
        return true;
    }
}
