using Google.Protobuf;
using Libp2p.Core;
using Libp2p.Daemon.Control;
using Libp2p.Daemon.Pb;
using Libp2p.Identity;
using Libp2p.Kad;
using Libp2p.Kad.Network;
using Libp2p.Kad.Records;
using DhtType = Libp2p.Daemon.Pb.DHTRequest.Types.Type;

namespace Libp2p.Daemon.Requests;

/// <summary>
/// DHT requests, served by <see cref="P2pDaemon.Dht"/> as go-libp2p-daemon's <c>dht.go</c> does: one OK response with a
/// VALUE for FIND_PEER, GET_VALUE and GET_PUBLIC_KEY; OK for PUT_VALUE and PROVIDE; and for the streaming ones
/// (FIND_PROVIDERS, GET_CLOSEST_PEERS, SEARCH_VALUE) an OK carrying BEGIN, then one bare DHTResponse VALUE per
/// result, then DHTResponse END. The request's <c>timeout</c> (seconds) bounds the operation (60 s when absent).
/// </summary>
internal sealed class DhtRequests : IRequestFamily
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public async ValueTask<RequestOutcome> HandleAsync(ControlSession session, Request request, CancellationToken ct)
    {
        var dht = session.Daemon.Dht;
        var control = session.Control;
        if (dht is null)
        {
            await control.WriteErrorAsync("unsupported: DHT requests: this daemon runs no DHT (start it with --dht or --dht-client)", ct).ConfigureAwait(false);
            return RequestOutcome.Continue;
        }
        var r = request.Dht;
        if (r is null)
        {
            await control.WriteErrorAsync("DHT request without its dht field", ct).ConfigureAwait(false);
            return RequestOutcome.Continue;
        }
        var timeout = r.HasTimeout && r.Timeout > 0 ? TimeSpan.FromSeconds(Math.Min(r.Timeout, 3600)) : DefaultTimeout;
        using var deadline = new Deadline(timeout, dht.Host.TimeProvider, ct);
        try
        {
            switch (r.Type)
            {
                case DhtType.FindPeer:
                    var found = await dht.FindPeerAsync(PeerOf(r), deadline.Token).ConfigureAwait(false);
                    await control.WriteAsync(found is null ? Responses.Error("peer not found") : Value(new DHTResponse { Type = DHTResponse.Types.Type.Value, Peer = Info(found) }), ct).ConfigureAwait(false);
                    break;
                case DhtType.GetValue:
                    var value = await dht.GetValueAsync(KeyOf(r), deadline.Token).ConfigureAwait(false);
                    await control.WriteAsync(value is null ? Responses.Error("no value found") : Value(new DHTResponse { Type = DHTResponse.Types.Type.Value, Value = ByteString.CopyFrom(value) }), ct).ConfigureAwait(false);
                    break;
                case DhtType.GetPublicKey:
                    var peer = PeerOf(r);
                    var key = dht.Host.PeerStore.GetPublicKey(peer)?.ToProtobuf() ?? await dht.GetValueAsync(RecordKey.PublicKey(peer), deadline.Token).ConfigureAwait(false);
                    await control.WriteAsync(key is null ? Responses.Error("public key not found") : Value(new DHTResponse { Type = DHTResponse.Types.Type.Value, Value = ByteString.CopyFrom(key) }), ct).ConfigureAwait(false);
                    break;
                case DhtType.PutValue:
                    await dht.PutValueAsync(KeyOf(r), r.Value.Memory, deadline.Token).ConfigureAwait(false);
                    await control.WriteOkAsync(ct).ConfigureAwait(false);
                    break;
                case DhtType.Provide:
                    await dht.ProvideAsync(CidOf(r), deadline.Token).ConfigureAwait(false);
                    await control.WriteOkAsync(ct).ConfigureAwait(false);
                    break;
                case DhtType.FindProviders:
                    var cid = CidOf(r);
                    await BeginAsync(control, ct).ConfigureAwait(false);
                    await foreach (var provider in dht.FindProvidersAsync(cid, r.Count > 0 ? r.Count : 20, deadline.Token).ConfigureAwait(false))
                        await control.WriteAsync(new DHTResponse { Type = DHTResponse.Types.Type.Value, Peer = Info(provider) }, ct).ConfigureAwait(false);
                    await EndAsync(control, ct).ConfigureAwait(false);
                    break;
                case DhtType.GetClosestPeers:
                    var closest = await dht.GetClosestPeersAsync(KeyOf(r), deadline.Token).ConfigureAwait(false);
                    await BeginAsync(control, ct).ConfigureAwait(false);
                    foreach (var p in closest)
                        await control.WriteAsync(new DHTResponse { Type = DHTResponse.Types.Type.Value, Value = ByteString.CopyFrom(p.ToBytes()) }, ct).ConfigureAwait(false);
                    await EndAsync(control, ct).ConfigureAwait(false);
                    break;
                case DhtType.SearchValue:
                    var best = await dht.GetValueAsync(KeyOf(r), deadline.Token).ConfigureAwait(false);
                    await BeginAsync(control, ct).ConfigureAwait(false);
                    if (best is not null)
                        await control.WriteAsync(new DHTResponse { Type = DHTResponse.Types.Type.Value, Value = ByteString.CopyFrom(best) }, ct).ConfigureAwait(false);
                    await EndAsync(control, ct).ConfigureAwait(false);
                    break;
                default:
                    await control.WriteErrorAsync($"unsupported: DHT request {r.Type}", ct).ConfigureAwait(false);
                    break;
            }
        }
        catch (Exception e) when (e is RecordValidationException or ArgumentException or FormatException
            || (e is OperationCanceledException && deadline.Expired && !ct.IsCancellationRequested))
        {
            // Before BEGIN this is the answer; after it the client reads an ERROR where it expected a DHTResponse and fails too.
            await control.WriteErrorAsync(e is OperationCanceledException ? $"DHT {r.Type} timed out after {timeout.TotalSeconds:0} s" : e.Message, ct).ConfigureAwait(false);
        }
        return RequestOutcome.Continue;
    }

    private static Response Value(DHTResponse dht)
    {
        var response = Responses.Ok();
        response.Dht = dht;
        return response;
    }

    private static ValueTask BeginAsync(ControlStream control, CancellationToken ct) =>
        control.WriteAsync(Value(new DHTResponse { Type = DHTResponse.Types.Type.Begin }), ct);

    private static ValueTask EndAsync(ControlStream control, CancellationToken ct) =>
        control.WriteAsync(new DHTResponse { Type = DHTResponse.Types.Type.End }, ct);

    private static PeerInfo Info(KadPeerInfo peer)
    {
        var info = new PeerInfo { Id = ByteString.CopyFrom(peer.Id.ToBytes()) };
        foreach (var a in peer.Addresses) info.Addrs.Add(ByteString.CopyFrom(a.WithoutPeerId().ToBytes()));
        return info;
    }

    private static PeerId PeerOf(DHTRequest r) =>
        r.HasPeer && PeerId.TryFromBytes(r.Peer.Span, out var peer) ? peer : throw new ArgumentException($"DHT {r.Type} needs a peer id");

    private static byte[] KeyOf(DHTRequest r) =>
        r.HasKey && !r.Key.IsEmpty ? r.Key.ToByteArray() : throw new ArgumentException($"DHT {r.Type} needs a key");

    private static byte[] CidOf(DHTRequest r) =>
        r.HasCid && !r.Cid.IsEmpty ? ContentKey.FromCidBytes(r.Cid.Span) : throw new ArgumentException($"DHT {r.Type} needs a CID");
}
