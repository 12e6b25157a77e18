using Google.Protobuf;
using Libp2p.Core;
using Libp2p.Host;
using Libp2p.Identity;
using Libp2p.Kad.Network;
using Libp2p.Kad.Pb;
using Libp2p.Kad.Records;
using MessageType = Libp2p.Kad.Pb.Message.Types.MessageType;

namespace Libp2p.Kad;

// The serving side (server mode only): requests on an inbound stream, one after another until the peer closes it.
public sealed partial class KadDht
{
    private async Task HandleStreamAsync(StreamContext context, CancellationToken cancellationToken)
    {
        var peer = context.Connection.RemotePeer;
        while (true)
        {
            Message? request;
            using (var idle = new Deadline(Options.InboundIdleTimeout, Time, cancellationToken, _shutdown.Token))
                request = await MessageFraming.ReadAsync(context.Stream, Options.MaxMessageSize, idle.Token).ConfigureAwait(false);
            if (request is null)
            {
                await context.Stream.CloseWriteAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            Message? response;
            try { response = Handle(peer, request); }
            catch (Exception e) when (e is KadProtocolException or RecordValidationException)
            {
                // As go and js do: a refused request resets the stream.
                _log.RequestRefused(request.Type.ToString(), peer, e.Message);
                throw;
            }
            if (response is not null)
                await MessageFraming.WriteAsync(context.Stream, response, Options.MaxMessageSize, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Answers one request (null: no answer, as for ADD_PROVIDER).</summary>
    /// <exception cref="KadProtocolException">A malformed request.</exception>
    /// <exception cref="RecordValidationException">A PUT_VALUE that is refused.</exception>
    internal Message? Handle(PeerId from, Message request) => request.Type switch
    {
        MessageType.FindNode => HandleFindNode(from, request),
        MessageType.GetValue => HandleGetValue(from, request),
        MessageType.PutValue => HandlePutValue(from, request),
        MessageType.AddProvider => HandleAddProvider(from, request),
        MessageType.GetProviders => HandleGetProviders(from, request),
        MessageType.Ping => new Message { Type = MessageType.Ping },
        _ => throw new KadProtocolException($"Unknown message type {(int)request.Type}."),
    };

    private Message HandleFindNode(PeerId from, Message request)
    {
        var key = RequireKey(request, RecordKey.MaxLength);
        var response = new Message { Type = MessageType.FindNode, ClusterLevelRaw = request.ClusterLevelRaw };
        response.CloserPeers.AddRange(CloserPeers(KadKey.Hash(key), from));
        // Asked for ourselves: we are the answer (js does this; go answers from its table, which never holds itself).
        if (key.SequenceEqual(PeerId.Bytes))
            response.CloserPeers.Add(PeerInfoCodec.ToWire(PeerId, OwnAddresses(), Options.MaxAddressesPerPeer, connected: true));
        return response;
    }

    private Message HandleGetValue(PeerId from, Message request)
    {
        var key = RequireKey(request, RecordKey.MaxLength);
        var response = new Message { Type = MessageType.GetValue, Key = request.Key, ClusterLevelRaw = request.ClusterLevelRaw };
        var record = LocalRecord(key);
        if (record is not null) response.Record = record;
        response.CloserPeers.AddRange(CloserPeers(KadKey.Hash(key), from));
        return response;
    }

    /// <summary>What we hold for <paramref name="key"/>: a stored value, or a public key we know for a <c>/pk/</c> key.</summary>
    private Record? LocalRecord(byte[] key)
    {
        if (_records.Get(key) is { } stored)
            return new Record { Key = ByteString.CopyFrom(key), Value = ByteString.CopyFrom(stored.Value), TimeReceived = Records.IpnsTime.Format(stored.Received) };
        if (RecordKey.TrySplit(key, out var ns, out var rest) && ns == "pk" && PeerId.TryFromBytes(rest, out var owner))
        {
            var publicKey = owner == PeerId ? _host.Identity.PublicKey : _host.PeerStore.GetPublicKey(owner);
            if (publicKey is not null)
                return new Record { Key = ByteString.CopyFrom(key), Value = ByteString.CopyFrom(publicKey.ToProtobuf()), TimeReceived = Records.IpnsTime.Format(Time.GetUtcNow()) };
        }
        return null;
    }

    private Message HandlePutValue(PeerId from, Message request)
    {
        var key = RequireKey(request, RecordKey.MaxLength);
        var record = request.Record ?? throw new KadProtocolException("PUT_VALUE without a record.");
        if (!record.Key.Span.SequenceEqual(key)) throw new KadProtocolException("PUT_VALUE: the record's key is not the message's key.");
        var value = record.Value.ToByteArray();
        StoreValidated(key, value, from);
        // go and js answer with the request itself.
        return request;
    }

    /// <summary>Validates and stores a value, keeping the one held when it is better (as go does: "old record").</summary>
    /// <exception cref="RecordValidationException"/>
    internal void StoreValidated(byte[] key, byte[] value, PeerId? from)
    {
        if (value.Length > Options.Records.MaxValueSize)
            throw new RecordValidationException($"The value is over {Options.Records.MaxValueSize} bytes.");
        _validation.Validate(key, value);
        if (_records.Get(key) is { } existing && !existing.Value.AsSpan().SequenceEqual(value))
        {
            if (_validation.Select(key, [value, existing.Value]) != 0)
                throw new RecordValidationException("The record is not better than the one held.");
        }
        if (_records.Put(key, value, from) is { } refusal)
            throw new RecordValidationException($"Not stored: {refusal}.");
    }

    private Message? HandleAddProvider(PeerId from, Message request)
    {
        var key = RequireKey(request, Options.Providers.MaxKeySize);
        foreach (var wire in request.ProviderPeers)
        {
            var info = PeerInfoCodec.FromWire(wire, Options.MaxAddressesPerPeer);
            // Only the sender may announce itself (the spec; go and js skip the others).
            if (info is null || info.Id != from) continue;
            if (_providers.Add(key, from) is { } refusal)
            {
                _log.RequestRefused("ADD_PROVIDER", from, refusal);
                continue;
            }
            if (info.Addresses.Count > 0)
                _host.PeerStore.AddAddresses(from, info.Addresses, Options.Providers.AddressTtl);
        }
        return null;
    }

    private Message HandleGetProviders(PeerId from, Message request)
    {
        var key = RequireKey(request, Options.Providers.MaxKeySize);
        var response = new Message { Type = MessageType.GetProviders, Key = request.Key, ClusterLevelRaw = request.ClusterLevelRaw };
        foreach (var provider in _providers.Get(key, Options.BucketSize))
        {
            var addresses = provider == PeerId ? OwnAddresses() : KnownAddresses(provider);
            response.ProviderPeers.Add(PeerInfoCodec.ToWire(provider, addresses, Options.MaxAddressesPerPeer, _host.FindConnection(provider) is not null));
        }
        response.CloserPeers.AddRange(CloserPeers(KadKey.Hash(key), from));
        return response;
    }

    /// <summary>The k peers of our table nearest to <paramref name="target"/> (not the asker), each with addresses.</summary>
    private IEnumerable<Message.Types.Peer> CloserPeers(KadKey target, PeerId asker)
    {
        foreach (var peer in RoutingTable.NearestPeers(target, Options.BucketSize, asker))
        {
            var addresses = KnownAddresses(peer);
            if (addresses.Count == 0) continue; // js drops these too: a peer nobody can dial helps nobody
            yield return PeerInfoCodec.ToWire(peer, addresses, Options.MaxAddressesPerPeer, _host.FindConnection(peer) is not null);
        }
    }

    private static byte[] RequireKey(Message request, int maxLength)
    {
        if (request.Key.IsEmpty) throw new KadProtocolException($"{request.Type} without a key.");
        if (request.Key.Length > maxLength) throw new KadProtocolException($"{request.Type} key of {request.Key.Length} bytes (limit {maxLength}).");
        return request.Key.ToByteArray();
    }
}
