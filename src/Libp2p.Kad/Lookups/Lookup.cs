using System.Threading.Channels;
using Libp2p.Core;
using Libp2p.Identity;
using Libp2p.Kad.Network;

namespace Libp2p.Kad.Lookups;

/// <summary>What one peer answered during a lookup: the peers it named, and whether the lookup has what it wanted.</summary>
internal readonly record struct LookupReply(IReadOnlyList<KadPeerInfo> Closer, bool Done);

/// <summary>
/// The iterative lookup of the spec ("Peer routing"): candidates sorted by XOR distance to the target, at most α
/// requests in flight, each answer's peers added as candidates; it ends when the k closest peers it knows (that did
/// not fail) have all answered, when a reply says it is done, or when nothing is left to ask.
/// </summary>
/// <remarks>
/// A request unanswered after the stall timeout no longer holds one of the α slots, and no longer keeps the lookup
/// from ending (its answer is still used if it comes in time): a peer that vanished without notice costs a lookup
/// one stall, not a whole request timeout. This is what rust-libp2p's and go's users asked for when lookups sat
/// behind dead peers.
/// </remarks>
internal sealed class Lookup
{
    private readonly KadKey _target;
    private readonly int _k;
    private readonly int _alpha;
    private readonly TimeSpan _stall;
    private readonly TimeProvider _time;
    private readonly PeerId _self;
    private readonly Func<PeerId, CancellationToken, Task<LookupReply>> _query;
    private readonly List<Candidate> _sorted = [];
    private readonly Dictionary<PeerId, Candidate> _byPeer = new();
    private Comparer<Candidate>? _byDistance;
    private readonly Channel<(Candidate, LookupReply?, Exception?)> _replies = Channel.CreateUnbounded<(Candidate, LookupReply?, Exception?)>();

    public Lookup(KadKey target, int k, int alpha, TimeSpan stall, TimeProvider time, PeerId self,
        Func<PeerId, CancellationToken, Task<LookupReply>> query)
    {
        _target = target;
        _k = k;
        _alpha = alpha;
        _stall = stall;
        _time = time;
        _self = self;
        _query = query;
    }

    public int Queries { get; private set; }
    public int Failures { get; private set; }

    /// <summary>The round of the reply that said "done" (0 when none did).</summary>
    public int DoneAtHop { get; private set; }

    /// <summary>The deepest round that answered.</summary>
    public int MaxHop { get; private set; }

    /// <summary>Whether a reply ended the lookup.</summary>
    public bool EndedByReply { get; private set; }

    /// <summary>Runs to the end; returns the (up to k) closest peers that answered, nearest first.</summary>
    public async Task<IReadOnlyList<PeerId>> RunAsync(IEnumerable<PeerId> seeds, CancellationToken cancellationToken)
    {
        foreach (var s in seeds) AddCandidate(s, 1);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            while (true)
            {
                MarkStalled();
                LaunchQueries(stop.Token);
                if (Finished()) break;
                await WaitForReplyOrStallAsync(stop.Token).ConfigureAwait(false);
                while (_replies.Reader.TryRead(out var r))
                {
                    if (Apply(r)) { EndedByReply = true; return Closest(); }
                }
            }
            return Closest();
        }
        finally
        {
            stop.Cancel(); // requests still out are abandoned
        }
    }

    private void AddCandidate(PeerId peer, int hop)
    {
        if (peer == _self) return;
        if (_byPeer.TryGetValue(peer, out var known))
        {
            if (known.State == State.Pending && hop < known.Hop) known.Hop = hop;
            return;
        }
        var c = new Candidate(peer, KadKey.FromPeerId(peer), hop);
        _byPeer[peer] = c;
        _byDistance ??= Comparer<Candidate>.Create((a, b) => _target.CompareDistance(a.Key, b.Key));
        int i = _sorted.BinarySearch(c, _byDistance);
        _sorted.Insert(i < 0 ? ~i : i, c);
    }

    // Start requests to the nearest pending candidates among the k nearest usable ones, while fewer than α are active.
    private void LaunchQueries(CancellationToken ct)
    {
        int active = _sorted.Count(c => c.State == State.Waiting && !c.Stalled);
        if (active >= _alpha) return;
        int seen = 0;
        foreach (var c in _sorted)
        {
            if (c.State == State.Failed || c.Stalled) continue;
            if (++seen > _k) break;
            if (c.State != State.Pending) continue;
            c.State = State.Waiting;
            c.Started = _time.GetTimestamp();
            Queries++;
            _ = QueryAsync(c, ct);
            if (++active >= _alpha) break;
        }
    }

    private async Task QueryAsync(Candidate c, CancellationToken ct)
    {
        try
        {
            var reply = await _query(c.Peer, ct).ConfigureAwait(false);
            _replies.Writer.TryWrite((c, reply, null));
        }
        catch (Exception e)
        {
            _replies.Writer.TryWrite((c, null, e));
        }
    }

    // Done when the k nearest usable candidates (neither failed nor stalled) all answered; fewer than k when that is
    // all there is. A pending or active one among them keeps it going (LaunchQueries starts the pending ones).
    private bool Finished()
    {
        int seen = 0;
        foreach (var c in _sorted)
        {
            if (c.State == State.Failed || c.Stalled) continue;
            if (++seen > _k) break;
            if (c.State != State.Succeeded) return false;
        }
        return true;
    }

    private void MarkStalled()
    {
        long now = _time.GetTimestamp();
        foreach (var c in _sorted)
            if (c.State == State.Waiting && !c.Stalled && _time.GetElapsedTime(c.Started, now) >= _stall) c.Stalled = true;
    }

    private async Task WaitForReplyOrStallAsync(CancellationToken ct)
    {
        if (_replies.Reader.TryPeek(out _)) return;
        long now = _time.GetTimestamp();
        TimeSpan? next = null;
        foreach (var c in _sorted)
        {
            if (c.State != State.Waiting || c.Stalled) continue;
            var left = _stall - _time.GetElapsedTime(c.Started, now);
            if (next is null || left < next) next = left;
        }
        if (next is null) return; // nothing active: Finished() ends the loop
        using var wait = new Deadline(next.Value > TimeSpan.Zero ? next.Value : TimeSpan.FromTicks(1), _time, ct);
        try { await _replies.Reader.WaitToReadAsync(wait.Token).ConfigureAwait(false); }
        catch (OperationCanceledException) when (wait.Expired && !ct.IsCancellationRequested) { }
    }

    // Returns true when the reply ends the lookup.
    private bool Apply((Candidate C, LookupReply? Reply, Exception? Error) r)
    {
        var c = r.C;
        c.Stalled = false;
        if (r.Reply is not { } reply)
        {
            c.State = State.Failed;
            Failures++;
            return false;
        }
        c.State = State.Succeeded;
        MaxHop = Math.Max(MaxHop, c.Hop);
        foreach (var p in reply.Closer) AddCandidate(p.Id, c.Hop + 1);
        if (reply.Done)
        {
            DoneAtHop = c.Hop;
            return true;
        }
        return false;
    }

    private List<PeerId> Closest() =>
        [.. _sorted.Where(c => c.State == State.Succeeded).Take(_k).Select(c => c.Peer)];

    private enum State { Pending, Waiting, Succeeded, Failed }

    private sealed class Candidate(PeerId peer, KadKey key, int hop)
    {
        public PeerId Peer { get; } = peer;
        public KadKey Key { get; } = key;
        public int Hop { get; set; } = hop;
        public State State { get; set; }
        public bool Stalled { get; set; }
        public long Started { get; set; }
    }
}
