using Libp2p.Core;
using Libp2p.Multiformats;
using Libp2p.Transports;

namespace Libp2p.Relay;

/// <summary>
/// A relayed connection as the transport hands it to the host: the hop stream (dialer) or the stop stream (target) of
/// the connection to the relay, carrying the bytes of the connection the host then secures and multiplexes. Reads and
/// writes go straight to that stream. <see cref="Completion"/> lets the STOP handler hold its stream until the host is done.
/// </summary>
internal sealed class RelayedConnection : ILimitedRawConnection
{
    private readonly IDuplexStream _stream;
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public RelayedConnection(IDuplexStream stream, Multiaddr localAddress, Multiaddr remoteAddress, ConnectionLimit limit)
    {
        _stream = stream;
        LocalAddress = localAddress;
        RemoteAddress = remoteAddress;
        Limit = limit;
    }

    public Multiaddr LocalAddress { get; }

    public Multiaddr RemoteAddress { get; }

    public ConnectionLimit Limit { get; }

    /// <summary>Completes when the connection is disposed or aborted.</summary>
    public Task Completion => _done.Task;

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _stream.ReadAsync(buffer, cancellationToken);

    public ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => _stream.WriteAsync(buffer, cancellationToken);

    public ValueTask CloseWriteAsync(CancellationToken cancellationToken = default) => _stream.CloseWriteAsync(cancellationToken);

    public void Abort(Exception? reason = null)
    {
        _stream.Abort(reason);
        _done.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        try { await _stream.DisposeAsync().ConfigureAwait(false); }
        finally { _done.TrySetResult(); }
    }

    public override string ToString() => $"relayed {LocalAddress} <-> {RemoteAddress}";
}
