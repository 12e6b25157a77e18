namespace Libp2p.Kad.Records;

/// <summary>
/// Checks and ranks the values of one key namespace (<c>/pk/</c>, <c>/ipns/</c>, or an application's own), like
/// go-libp2p-record's <c>Validator</c>. Both methods are pure: same inputs, same answer.
/// </summary>
public interface IRecordValidator
{
    /// <summary>Throws <see cref="RecordValidationException"/> when <paramref name="value"/> is not valid for <paramref name="key"/>.</summary>
    void Validate(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value);

    /// <summary>The index of the best of <paramref name="values"/> (all valid for <paramref name="key"/>, at least one). Must be stable.</summary>
    int Select(ReadOnlySpan<byte> key, IReadOnlyList<ReadOnlyMemory<byte>> values);
}

/// <summary>A record was refused: malformed, badly signed, expired, or of an unknown namespace.</summary>
public sealed class RecordValidationException : Libp2pException
{
    /// <summary>A record that is not valid, as <paramref name="message"/> says.</summary>
    public RecordValidationException(string message) : base(Libp2pError.ProtocolViolation, message) { }
    /// <summary>A record that is not valid, as <paramref name="message"/> says, because of <paramref name="inner"/>.</summary>
    public RecordValidationException(string message, Exception inner) : base(Libp2pError.ProtocolViolation, message, inner) { }
}
