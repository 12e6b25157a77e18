using Libp2p.Host;
using Libp2p.Identity;
using Libp2p.Multiformats;

namespace Libp2p.Relay;

/// <summary>
/// The relay's reservations and circuit counts, under one lock. A reservation belongs to the connection it was made on
/// (the spec: valid while the peer stays connected) and keeps that connection out of the idle timeout; expired ones are
/// dropped on every change and by the service's sweep.
/// </summary>
internal sealed class ReservationTable
{
    private readonly object _lock = new();
    private readonly Dictionary<PeerId, Entry> _reservations = new();
    private readonly Dictionary<string, int> _perIp = new(StringComparer.Ordinal);
    private readonly Dictionary<PeerId, int> _circuitsPerPeer = new();
    private readonly RelayServiceOptions _options;
    private int _circuits;

    public ReservationTable(RelayServiceOptions options) => _options = options;

    public int Count { get { lock (_lock) return _reservations.Count; } }

    public int Circuits { get { lock (_lock) return _circuits; } }

    public IReadOnlyList<PeerId> Peers { get { lock (_lock) return [.. _reservations.Keys]; } }

    /// <summary>Adds or refreshes <paramref name="connection"/>'s peer's reservation; null when accepted, else why not.</summary>
    public string? TryReserve(Connection connection, DateTimeOffset now, DateTimeOffset expire)
    {
        var peer = connection.RemotePeer;
        string ip = IpKey(connection.RemoteAddress);
        IDisposable? released = null;
        try
        {
            lock (_lock)
            {
                released = PurgeExpiredLocked(now);
                if (_reservations.TryGetValue(peer, out var existing))
                {
                    if (!ReferenceEquals(existing.Connection, connection))
                    {
                        // Refreshed over another connection: the reservation moves there.
                        var old = existing;
                        RemoveLocked(peer);
                        released = Combine(released, old.KeepAlive);
                    }
                    else
                    {
                        _reservations[peer] = existing with { Expire = expire };
                        return null;
                    }
                }
                if (_reservations.Count >= _options.MaxReservations)
                    return $"{_options.MaxReservations} reservations held already";
                if (_perIp.GetValueOrDefault(ip) >= _options.MaxReservationsPerIp)
                    return $"{_options.MaxReservationsPerIp} reservations from {ip} already";
                _reservations[peer] = new Entry(connection, ip, expire, connection.KeepAlive());
                _perIp[ip] = _perIp.GetValueOrDefault(ip) + 1;
                return null;
            }
        }
        finally
        {
            released?.Dispose();
        }
    }

    /// <summary>The connection to reach <paramref name="peer"/> through, when it holds a live reservation.</summary>
    public Connection? FindReserved(PeerId peer, DateTimeOffset now)
    {
        IDisposable? released;
        Connection? found = null;
        lock (_lock)
        {
            released = PurgeExpiredLocked(now);
            if (_reservations.TryGetValue(peer, out var entry) && !entry.Connection.IsClosed)
                found = entry.Connection;
        }
        released?.Dispose();
        return found;
    }

    /// <summary>The connection a reservation lives on closed: it moves to another direct connection of the peer, or ends.</summary>
    public void OnConnectionClosed(Connection closed, Connection? replacement)
    {
        IDisposable? released = null;
        lock (_lock)
        {
            if (_reservations.TryGetValue(closed.RemotePeer, out var entry) && ReferenceEquals(entry.Connection, closed))
            {
                released = entry.KeepAlive;
                if (replacement is { IsClosed: false, IsLimited: false })
                    _reservations[closed.RemotePeer] = entry with { Connection = replacement, KeepAlive = replacement.KeepAlive() };
                else
                    RemoveLocked(closed.RemotePeer);
            }
        }
        released?.Dispose();
    }

    public void Sweep(DateTimeOffset now)
    {
        IDisposable? released;
        lock (_lock) released = PurgeExpiredLocked(now);
        released?.Dispose();
    }

    /// <summary>Takes a circuit slot for <paramref name="source"/> → <paramref name="target"/>; null when taken, else why not.</summary>
    public string? TryOpenCircuit(PeerId source, PeerId target)
    {
        lock (_lock)
        {
            if (_circuits >= _options.MaxCircuits) return $"{_options.MaxCircuits} circuits open already";
            if (_circuitsPerPeer.GetValueOrDefault(source) >= _options.MaxCircuitsPerPeer)
                return $"{source} takes part in {_options.MaxCircuitsPerPeer} circuits already";
            if (_circuitsPerPeer.GetValueOrDefault(target) >= _options.MaxCircuitsPerPeer)
                return $"{target} takes part in {_options.MaxCircuitsPerPeer} circuits already";
            _circuits++;
            _circuitsPerPeer[source] = _circuitsPerPeer.GetValueOrDefault(source) + 1;
            _circuitsPerPeer[target] = _circuitsPerPeer.GetValueOrDefault(target) + 1;
            return null;
        }
    }

    public void CloseCircuit(PeerId source, PeerId target)
    {
        lock (_lock)
        {
            _circuits--;
            Decrement(_circuitsPerPeer, source);
            Decrement(_circuitsPerPeer, target);
        }
    }

    /// <summary>Drops every reservation (the service stops) and releases their connections.</summary>
    public void Clear()
    {
        List<IDisposable> released;
        lock (_lock)
        {
            released = [.. _reservations.Values.Select(e => e.KeepAlive)];
            _reservations.Clear();
            _perIp.Clear();
        }
        foreach (var r in released) r.Dispose();
    }

    private IDisposable? PurgeExpiredLocked(DateTimeOffset now)
    {
        IDisposable? released = null;
        List<PeerId>? expired = null;
        foreach (var (peer, entry) in _reservations)
            if (entry.Expire <= now || entry.Connection.IsClosed) (expired ??= []).Add(peer);
        if (expired is null) return null;
        foreach (var peer in expired)
        {
            released = Combine(released, _reservations[peer].KeepAlive);
            RemoveLocked(peer);
        }
        return released;
    }

    private void RemoveLocked(PeerId peer)
    {
        if (_reservations.Remove(peer, out var entry)) Decrement(_perIp, entry.Ip);
    }

    private static void Decrement<T>(Dictionary<T, int> counts, T key) where T : notnull
    {
        if (counts.TryGetValue(key, out int n))
        {
            if (n <= 1) counts.Remove(key);
            else counts[key] = n - 1;
        }
    }

    private static IDisposable Combine(IDisposable? a, IDisposable b) => a is null ? b : new Both(a, b);

    /// <summary>The IP of a connection's remote address (what per-IP limits count), or the whole address when it has none.</summary>
    internal static string IpKey(Multiaddr address)
    {
        foreach (var c in address.Components)
        {
            if (c.Protocol.Code == MultiaddrProtocol.Ip4.Code || c.Protocol.Code == MultiaddrProtocol.Ip6.Code)
                return c.ToString();
        }
        return address.ToString();
    }

    private sealed record Entry(Connection Connection, string Ip, DateTimeOffset Expire, IDisposable KeepAlive);

    private sealed class Both(IDisposable a, IDisposable b) : IDisposable
    {
        public void Dispose()
        {
            a.Dispose();
            b.Dispose();
        }
    }
}
