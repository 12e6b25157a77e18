using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;
using Libp2p.Host.Resources;

namespace Libp2p.PubSub;

/// <summary>
/// A subscription to one topic: enumerate it to receive the topic's messages in arrival order; dispose it to
/// unsubscribe (the last subscription of a topic leaves the topic). Bounded: when the application does not keep up,
/// the newest messages are dropped and counted in <see cref="Dropped"/>. The messages waiting to be read are charged
/// to pubsub's service scope in the host's resource manager (<see cref="PubSub.ServiceName"/>): a message that does not
/// fit is dropped too. Its charge returns when the message is read, or when the subscription is disposed.
/// </summary>
public sealed class Subscription : IAsyncEnumerable<PubSubMessage>, IAsyncDisposable
{
    private readonly Channel<PubSubMessage> _messages;
    private readonly PubSub _owner;
    private readonly IResourceScope? _memory;
    private readonly Lock _charge = new(); // a read racing the disposal: each message's charge returns once
    private readonly Reader _reader;
    private long _reserved;
    private bool _uncharged;
    private long _dropped;
    private int _disposed;

    internal Subscription(PubSub owner, string topic, int capacity, IResourceScope? memory = null)
    {
        _owner = owner;
        _memory = memory;
        Topic = topic;
        _messages = Channel.CreateBounded<PubSubMessage>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // TryWrite fails when full: we count the drop ourselves
            SingleReader = false,
            SingleWriter = false,
        });
        _reader = new Reader(this);
    }

    /// <summary>The topic subscribed to.</summary>
    public string Topic { get; }

    /// <summary>Messages dropped because the application did not read fast enough, or the node could not hold them.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>The messages as a channel (for <c>ReadAsync</c>/<c>TryRead</c>); ends when the subscription is disposed.</summary>
    public ChannelReader<PubSubMessage> Messages => _reader;

    /// <summary>Bytes charged for the messages waiting now.</summary>
    internal long ReservedMemory { get { lock (_charge) return _reserved; } }

    internal void Deliver(PubSubMessage message)
    {
        lock (_charge)
        {
            long cost = message.MemoryCost;
            if (!_uncharged && _memory is not null)
            {
                if (!_memory.TryReserveMemory(cost))
                {
                    Interlocked.Increment(ref _dropped);
                    return;
                }
                _reserved += cost;
            }
            if (_messages.Writer.TryWrite(message)) return;
            Interlocked.Increment(ref _dropped);
            if (!_uncharged && _memory is not null)
            {
                _reserved -= cost;
                _memory.ReleaseMemory(cost);
            }
        }
    }

    /// <summary>No more messages; those waiting stay readable, their charge returns now (they are the application's).</summary>
    internal void Complete()
    {
        _messages.Writer.TryComplete();
        lock (_charge)
        {
            if (_uncharged) return;
            _uncharged = true;
            if (_reserved > 0) _memory?.ReleaseMemory(_reserved);
            _reserved = 0;
        }
    }

    private void Read(PubSubMessage message)
    {
        lock (_charge)
        {
            if (_uncharged || _memory is null) return;
            long cost = message.MemoryCost;
            _reserved -= cost;
            _memory.ReleaseMemory(cost);
        }
    }

    /// <summary>The messages of the topic as they arrive; the enumeration ends when the subscription is disposed.</summary>
    public async IAsyncEnumerator<PubSubMessage> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        await foreach (var m in _reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            yield return m;
    }

    /// <summary>Unsubscribes; enumeration ends after the messages already queued.</summary>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _owner.Unsubscribe(this);
            Complete();
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>The channel's reader, returning each message's charge as it is read.</summary>
    private sealed class Reader(Subscription owner) : ChannelReader<PubSubMessage>
    {
        private ChannelReader<PubSubMessage> Inner => owner._messages.Reader;

        public override bool TryRead([MaybeNullWhen(false)] out PubSubMessage item)
        {
            if (!Inner.TryRead(out item)) return false;
            owner.Read(item);
            return true;
        }

        public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default) => Inner.WaitToReadAsync(cancellationToken);

        public override Task Completion => Inner.Completion;

        public override bool CanCount => Inner.CanCount;

        public override int Count => Inner.Count;

        public override bool CanPeek => Inner.CanPeek;

        public override bool TryPeek([MaybeNullWhen(false)] out PubSubMessage item) => Inner.TryPeek(out item);
    }
}
