using Google.Protobuf;
using Libp2p.Identity;
using Libp2p.Kad.Lookups;
using Libp2p.Kad.Pb;
using Libp2p.Kad.Records;
using MessageType = Libp2p.Kad.Pb.Message.Types.MessageType;

namespace Libp2p.Kad;

// Value routing: PUT_VALUE on the k closest peers, GET_VALUE with validation, selection and correction.
public sealed partial class KadDht
{
    /// <summary>
    /// Stores <paramref name="value"/> under <paramref name="key"/> here and on the k peers closest to the key.
    /// Returns how many peers took it.
    /// </summary>
    /// <exception cref="RecordValidationException">The value is not valid for its key (checked before anything is sent).</exception>
    public async Task<int> PutValueAsync(ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var keyBytes = key.ToArray();
        var valueBytes = value.ToArray();
        StoreValidated(keyBytes, valueBytes, from: null);
        var closest = await GetClosestPeersAsync(keyBytes, cancellationToken).ConfigureAwait(false);
        var message = PutMessage(keyBytes, valueBytes);
        var results = await Task.WhenAll(closest.Select(async p =>
        {
            try { await RequestAsync(p, message).WaitAsync(cancellationToken).ConfigureAwait(false); return true; }
            catch (Exception) when (!cancellationToken.IsCancellationRequested) { return false; }
        })).ConfigureAwait(false);
        return results.Count(ok => ok);
    }

    /// <summary>
    /// The best valid value of <paramref name="key"/>, or null. Our own copy counts as one answer; the lookup stops
    /// once <see cref="KadOptions.ValueQuorum"/> peers answered with a valid value, and peers that sent a worse one
    /// are then sent the best (the spec's entry correction).
    /// </summary>
    public async Task<byte[]?> GetValueAsync(ReadOnlyMemory<byte> key, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (key.IsEmpty) throw new ArgumentException("The key is empty.", nameof(key));
        var keyBytes = key.ToArray();
        _validation.For(keyBytes); // an unknown namespace fails here, not after a lookup
        var answers = new List<(PeerId? From, byte[] Value)>();
        if (_records.Get(keyBytes) is { } local) answers.Add((null, local.Value));
        else if (LocalRecord(keyBytes) is { } known) answers.Add((null, known.Value.ToByteArray()));
        if (answers.Count >= Options.ValueQuorum || (answers.Count > 0 && Options.ValueQuorum <= 1))
            return answers[0].Value;

        await RunLookupAsync("GET_VALUE", keyBytes, async p =>
        {
            var response = await RequestAsync(p, NewMessage(MessageType.GetValue, keyBytes)).ConfigureAwait(false);
            var closer = LearnPeers(response.CloserPeers);
            if (response.Record is { } record && record.Key.Span.SequenceEqual(keyBytes))
            {
                var value = record.Value.ToByteArray();
                try
                {
                    _validation.Validate(keyBytes, value);
                    lock (answers) answers.Add((p, value));
                }
                catch (RecordValidationException e)
                {
                    _log.RequestRefused("GET_VALUE answer", p, e.Message);
                }
            }
            int count;
            lock (answers) count = answers.Count;
            return new LookupReply(closer, count >= Options.ValueQuorum);
        }, () => { lock (answers) return answers.Count > 0; }, cancellationToken).ConfigureAwait(false);

        List<(PeerId? From, byte[] Value)> all;
        lock (answers) all = [.. answers];
        if (all.Count == 0) return null;
        int best = _validation.Select(keyBytes, [.. all.Select(a => (ReadOnlyMemory<byte>)a.Value)]);
        var bestValue = all[best].Value;
        CorrectOutdated(keyBytes, bestValue, all);
        return bestValue;
    }

    // Peers that answered with another value get the best one; so do we, if we held a worse one.
    private void CorrectOutdated(byte[] key, byte[] best, List<(PeerId? From, byte[] Value)> answers)
    {
        Message? message = null;
        foreach (var (from, value) in answers)
        {
            if (value.AsSpan().SequenceEqual(best)) continue;
            if (from is null)
            {
                try { StoreValidated(key, best, from: null); } catch (RecordValidationException) { }
                continue;
            }
            message ??= PutMessage(key, best);
            _ = CorrectAsync(from, message);
        }
    }

    private async Task CorrectAsync(PeerId peer, Message message)
    {
        try { await RequestAsync(peer, message).ConfigureAwait(false); }
        catch (Exception) { /* best effort */ }
    }

    private Message PutMessage(byte[] key, byte[] value)
    {
        var message = NewMessage(MessageType.PutValue, key);
        message.Record = new Record { Key = ByteString.CopyFrom(key), Value = ByteString.CopyFrom(value), TimeReceived = IpnsTime.Format(Time.GetUtcNow()) };
        return message;
    }
}
