using System.Security.Cryptography;
using Libp2p.Multiformats;

namespace Libp2p.Identity;

/// <summary>
/// A libp2p peer id: the multihash of a public key's protobuf encoding (identity multihash when the
/// encoding is at most 42 bytes, SHA-256 otherwise), per the peer-ids spec.
/// Parsed from base58btc ("12D3Koo…", "Qm…") and CIDv1 (<c>libp2p-key</c>, multibase base32 "b…"); printed as base58btc.
/// </summary>
public sealed partial class PeerId : IEquatable<PeerId>
{
    /// <summary>Largest encoded public key that is inlined with the identity multihash.</summary>
    public const int MaxInlineKeyLength = 42;
    internal const byte IdentityCode = 0x00;
    internal const byte Sha256Code = 0x12;
    private const int LibP2pKeyCodec = 0x72;
    private const int MaxLength = 128; // bounds hostile input; real ids are <= 2 + 42 or 34 bytes

    private readonly byte[] _bytes;
    private string? _text;

    private PeerId(byte[] multihash) => _bytes = multihash;

    /// <summary>The multihash bytes (what goes into a multiaddr's /p2p component).</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>A copy of the multihash bytes.</summary>
    public byte[] ToBytes() => (byte[])_bytes.Clone();

    /// <summary>True when the id inlines the public key (identity multihash).</summary>
    public bool HasInlinePublicKey => _bytes[0] == IdentityCode;

    /// <summary>The inlined public key protobuf bytes, or empty when the id is a SHA-256 hash.</summary>
    public ReadOnlySpan<byte> InlinePublicKeyBytes => HasInlinePublicKey ? _bytes.AsSpan(2) : default;

    /// <summary>Peer id from the protobuf encoding of a public key.</summary>
    public static PeerId FromPublicKeyProtobuf(ReadOnlySpan<byte> encodedPublicKey)
    {
        byte[] mh;
        if (encodedPublicKey.Length <= MaxInlineKeyLength)
        {
            mh = new byte[2 + encodedPublicKey.Length];
            mh[0] = IdentityCode;
            mh[1] = (byte)encodedPublicKey.Length;
            encodedPublicKey.CopyTo(mh.AsSpan(2));
        }
        else
        {
            mh = new byte[2 + 32];
            mh[0] = Sha256Code;
            mh[1] = 32;
            SHA256.HashData(encodedPublicKey, mh.AsSpan(2));
        }
        return new PeerId(mh);
    }

    /// <summary>Parses the multihash bytes of a peer id.</summary>
    /// <exception cref="FormatException">The bytes are not an identity or SHA-256 multihash of the right length.</exception>
    public static PeerId FromBytes(ReadOnlySpan<byte> multihash)
    {
        if (!TryFromBytes(multihash, out var id, out var error))
            throw new FormatException($"Invalid peer id bytes: {error}");
        return id!;
    }

    /// <summary>Reads a peer id from its multihash bytes; false when they are not one.</summary>
    public static bool TryFromBytes(ReadOnlySpan<byte> multihash, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PeerId? id)
        => TryFromBytes(multihash, out id, out _);

    private static bool TryFromBytes(ReadOnlySpan<byte> mh, out PeerId? id, out string error)
    {
        id = null;
        if (mh.Length < 2) { error = "too short for a multihash"; return false; }
        if (mh.Length > MaxLength) { error = "too long"; return false; }
        // Codes and lengths here are single-byte varints; a byte >= 0x80 would be a longer varint we do not accept.
        byte code = mh[0], len = mh[1];
        if (len >= 0x80) { error = "digest length too large"; return false; }
        if (mh.Length != 2 + len) { error = $"digest length {len} does not match the {mh.Length - 2} bytes present"; return false; }
        if (code == IdentityCode)
        {
            if (len > MaxInlineKeyLength) { error = "identity multihash longer than 42 bytes"; return false; }
        }
        else if (code == Sha256Code)
        {
            if (len != 32) { error = "sha2-256 digest must be 32 bytes"; return false; }
        }
        else { error = $"unsupported multihash code 0x{code:x2}"; return false; }
        id = new PeerId(mh.ToArray());
        error = "";
        return true;
    }

    /// <summary>Parses base58btc or CIDv1 (base32, codec libp2p-key) text.</summary>
    /// <exception cref="FormatException">The text is not a peer id.</exception>
    public static PeerId Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!TryParse(text, out var id, out var error))
            throw new FormatException($"Invalid peer id '{Truncate(text)}': {error}");
        return id!;
    }

    /// <summary>Parses base58btc or CIDv1 text, as <see cref="Parse"/>; false when it is not a peer id.</summary>
    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PeerId? id)
        => TryParse(text, out id, out _);

    private static bool TryParse(string? text, out PeerId? id, out string error)
    {
        id = null;
        if (string.IsNullOrEmpty(text)) { error = "empty"; return false; }
        if (text.Length > 2 * MaxLength) { error = "too long"; return false; }
        if (text[0] == '1' || text.StartsWith("Qm", StringComparison.Ordinal))
        {
            if (!BigRadixBase.Base58Btc.TryDecode(text, out var raw)) { error = "not base58btc"; return false; }
            return TryFromBytes(raw, out id, out error);
        }
        if (text[0] == 'b' || text[0] == 'B')
        {
            if (!RadixBase.Base32.TryDecode(text.AsSpan(1), allowPadding: false, out var cid)) { error = "not multibase base32"; return false; }
            // CIDv1: varint(1) varint(0x72) multihash
            if (cid.Length < 3 || cid[0] != 0x01) { error = "not a CIDv1"; return false; }
            if (cid[1] != LibP2pKeyCodec) { error = $"CID codec 0x{cid[1]:x2} is not libp2p-key (0x72)"; return false; }
            return TryFromBytes(cid.AsSpan(2), out id, out error);
        }
        error = "expected base58btc ('1…' or 'Qm…') or a base32 CIDv1 ('b…')";
        return false;
    }

    /// <summary>The CIDv1 text form (multibase base32, codec libp2p-key).</summary>
    public string ToCidString()
    {
        var cid = new byte[2 + _bytes.Length];
        cid[0] = 0x01;
        cid[1] = LibP2pKeyCodec;
        _bytes.CopyTo(cid, 2);
        return "b" + RadixBase.Base32.Encode(cid);
    }

    /// <summary>The base58btc text form.</summary>
    public override string ToString() => _text ??= BigRadixBase.Base58Btc.Encode(_bytes);

    /// <summary>True when both ids have the same multihash bytes.</summary>
    public bool Equals(PeerId? other) => other is not null && _bytes.AsSpan().SequenceEqual(other._bytes);
    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as PeerId);
    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var h = new HashCode();
        h.AddBytes(_bytes);
        return h.ToHashCode();
    }
    /// <summary>True when both are null or equal.</summary>
    public static bool operator ==(PeerId? a, PeerId? b) => a is null ? b is null : a.Equals(b);
    /// <summary>True when they are not equal.</summary>
    public static bool operator !=(PeerId? a, PeerId? b) => !(a == b);

    private static string Truncate(string s) => s.Length <= 80 ? s : s[..80] + "…";
}
