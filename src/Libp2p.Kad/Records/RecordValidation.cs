namespace Libp2p.Kad.Records;

/// <summary>Dispatches a key to the validator of its namespace: the built-in <c>pk</c> and <c>ipns</c>, and the application's.</summary>
internal sealed class RecordValidation
{
    private readonly Dictionary<string, IRecordValidator> _byNamespace = new(StringComparer.Ordinal);

    public RecordValidation(IEnumerable<KeyValuePair<string, IRecordValidator>> custom, TimeProvider time)
    {
        _byNamespace["pk"] = PublicKeyValidator.Instance;
        _byNamespace["ipns"] = new IpnsValidator(time);
        foreach (var (ns, v) in custom) _byNamespace[ns] = v ?? throw new ArgumentException($"The validator of '{ns}' is null.");
    }

    public IRecordValidator For(ReadOnlySpan<byte> key)
    {
        if (!RecordKey.TrySplit(key, out var ns, out _))
            throw new RecordValidationException("The record key has no /namespace/.");
        return _byNamespace.TryGetValue(ns, out var v) ? v : throw new RecordValidationException($"No validator for the namespace '{ns}'.");
    }

    /// <exception cref="RecordValidationException"/>
    public void Validate(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        if (key.Length > RecordKey.MaxLength) throw new RecordValidationException($"The record key is longer than {RecordKey.MaxLength} bytes.");
        var validator = For(key);
        try { validator.Validate(key, value); }
        catch (RecordValidationException) { throw; }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // An application validator that throws something else still only refuses the record.
            throw new RecordValidationException($"The record was refused: {e.Message}", e);
        }
    }

    /// <summary>Index of the best value; values the selector cannot rank count as worst.</summary>
    public int Select(ReadOnlySpan<byte> key, IReadOnlyList<ReadOnlyMemory<byte>> values)
    {
        if (values.Count <= 1) return 0;
        int i = For(key).Select(key, values);
        return i >= 0 && i < values.Count ? i : 0;
    }
}
