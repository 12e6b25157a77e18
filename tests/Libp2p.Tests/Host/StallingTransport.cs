using System.Threading.Channels;
using Libp2p.Multiformats;
using Libp2p.Transports;
using Libp2p.Transports.Tcp;

namespace Libp2p.Tests.Host;

/// <summary>
/// The TCP transport, with a switch that makes every write of its connections stop making progress: what our side
/// sees when the peer stops reading and the socket's send buffer is full. A stalled write completes only when it is
/// cancelled or its connection is aborted or disposed, as a real socket write would.
/// </summary>
internal sealed class StallingTransport : ITransport
{
    private readonly TcpTransport _inner = new(new TcpTransportOptions());
    private readonly Channel<TransportEvent> _events = Channel.CreateUnbounded<TransportEvent>();
    private readonly TaskCompletionSource _firstStalledWrite = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _stalled;

    public StallingTransport() => _ = ForwardEventsAsync();

    /// <summary>From now on no write of any connection of this transport makes progress.</summary>
    public void Stall() => _stalled = true;

    /// <summary>Completes once some write is stuck.</summary>
    public Task FirstStalledWrite => _firstStalledWrite.Task;

    public bool CanHandle(Multiaddr address) => _inner.CanHandle(address);
    public ListenerId Listen(Multiaddr address) => _inner.Listen(address);
    public bool RemoveListener(ListenerId id) => _inner.RemoveListener(id);
    public ChannelReader<TransportEvent> Events => _events.Reader;

    public async ValueTask<IRawConnection> DialAsync(Multiaddr address, CancellationToken cancellationToken = default)
        => new StallingConnection(this, await _inner.DialAsync(address, cancellationToken));

    public async ValueTask DisposeAsync()
    {
        await _inner.DisposeAsync();
        _events.Writer.TryComplete();
    }

    private async Task ForwardEventsAsync()
    {
        await foreach (var e in _inner.Events.ReadAllAsync())
        {
            _events.Writer.TryWrite(e is TransportEvent.Incoming inc
                ? inc with { Connection = new StallingConnection(this, inc.Connection) }
                : e);
        }
        _events.Writer.TryComplete();
    }

    private sealed class StallingConnection(StallingTransport owner, IRawConnection inner) : IRawConnection
    {
        private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Multiaddr LocalAddress => inner.LocalAddress;
        public Multiaddr RemoteAddress => inner.RemoteAddress;

        public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!owner._stalled)
            {
                await inner.WriteAsync(buffer, cancellationToken);
                return;
            }
            owner._firstStalledWrite.TrySetResult();
            await _ended.Task.WaitAsync(cancellationToken);
            throw new IOException("The connection was aborted while a write was stalled.");
        }

        public ValueTask CloseWriteAsync(CancellationToken cancellationToken = default) => inner.CloseWriteAsync(cancellationToken);

        public void Abort(Exception? reason = null)
        {
            _ended.TrySetResult();
            inner.Abort(reason);
        }

        public ValueTask DisposeAsync()
        {
            _ended.TrySetResult();
            return inner.DisposeAsync();
        }
    }
}
