using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Libp2p.PubSub;

/// <summary>
/// A subscription to one topic: enumerate it to receive the topic's messages in arrival order; dispose it to
/// unsubscribe (the last subscription of a topic leaves the topic). Bounded: when the application does not keep up,
/// the newest messages are dropped and counted in <see cref="Dropped"/>.
/// </summary>
public sealed class Subscription : IAsyncEnumerable<PubSubMessage>, IAsyncDisposable
{
    private readonly Channel<PubSubMessage> _messages;
    private readonly PubSub _owner;
    private long _dropped;
    private int _disposed;

    internal Subscription(PubSub owner, string topic, int capacity)
    {
        _owner = owner;
        Topic = topic;
        _messages = Channel.CreateBounded<PubSubMessage>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // TryWrite fails when full: we count the drop ourselves
            SingleReader = false,
            SingleWriter = false,
        });
    }

    /// <summary>The topic subscribed to.</summary>
    public string Topic { get; }

    /// <summary>Messages dropped because the application did not read fast enough.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>The messages as a channel (for <c>ReadAsync</c>/<c>TryRead</c>); ends when the subscription is disposed.</summary>
    public ChannelReader<PubSubMessage> Messages => _messages.Reader;

    internal void Deliver(PubSubMessage message)
    {
        if (!_messages.Writer.TryWrite(message)) Interlocked.Increment(ref _dropped);
    }

    internal void Complete() => _messages.Writer.TryComplete();

    /// <summary>The messages of the topic as they arrive; the enumeration ends when the subscription is disposed.</summary>
    public async IAsyncEnumerator<PubSubMessage> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        await foreach (var m in _messages.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
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
}
