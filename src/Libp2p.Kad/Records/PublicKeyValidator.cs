using Libp2p.Identity;

namespace Libp2p.Kad.Records;

/// <summary>
/// <c>/pk/&lt;multihash&gt;</c> records: the value is a protobuf public key whose peer id is the multihash (the spec's
/// "SHA256(value) == peerID", generalised to identity-multihash ids as go and js do). All valid values are equal.
/// </summary>
public sealed class PublicKeyValidator : IRecordValidator
{
    /// <summary>The validator (it has no state).</summary>
    public static readonly PublicKeyValidator Instance = new();

    /// <inheritdoc/>
    public void Validate(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        if (!RecordKey.TrySplit(key, out var ns, out var rest) || ns != "pk")
            throw new RecordValidationException("A public-key record's key must start with /pk/.");
        if (!PeerId.TryFromBytes(rest, out var named))
            throw new RecordValidationException("A public-key record's key does not hold a peer id multihash.");
        PeerId actual;
        try { actual = PublicKey.FromProtobuf(value).ToPeerId(); }
        catch (Exception e) when (e is KeyFormatException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new RecordValidationException($"A public-key record's value is not a public key: {e.Message}", e);
        }
        if (actual != named)
            throw new RecordValidationException($"The public key is that of {actual}, not of {named}.");
    }

    /// <summary>Any valid value: they are all the same key.</summary>
    /// <inheritdoc/>
    public int Select(ReadOnlySpan<byte> key, IReadOnlyList<ReadOnlyMemory<byte>> values) => 0;
}
