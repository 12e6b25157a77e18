using Libp2p.Core;
using Libp2p.Daemon.Control;
using Libp2p.Daemon.Requests;
using Libp2p.Host;
using Libp2p.Host.Resources;
using Libp2p.Identity;
using Libp2p.Multiformats;

namespace Libp2p.Daemon;

public sealed partial class P2pDaemon
{
    private readonly Dictionary<string, Multiaddr> _streamHandlers = new(StringComparer.Ordinal);
    private int _pipes;

    /// <summary>Streams piped right now (STREAM_OPEN and inbound handler streams).</summary>
    public int PipedStreams => Volatile.Read(ref _pipes);

    /// <summary>The protocols with a registered stream handler and the client address each goes to.</summary>
    public IReadOnlyDictionary<string, Multiaddr> StreamHandlers
    {
        get { lock (_streamHandlers) return new Dictionary<string, Multiaddr>(_streamHandlers, StringComparer.Ordinal); }
    }

    /// <summary>
    /// An open connection to <paramref name="peer"/>, or one dialed at the first of <paramref name="addresses"/> that
    /// works; with no addresses, at those the host's peer store knows for the peer.
    /// </summary>
    internal async ValueTask<Connection> ConnectAsync(PeerId peer, IReadOnlyList<Multiaddr> addresses, Deadline deadline)
    {
        if (Host.FindConnection(peer) is { } open) return open;
        if (addresses.Count == 0)
            return await Host.DialAsync(peer, deadline.Token).ConfigureAwait(false);
        var failures = new List<string>();
        foreach (var address in addresses)
        {
            try
            {
                return await Host.DialAsync(address.WithPeerId(peer), deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (deadline.Token.IsCancellationRequested)
            {
                failures.Add($"{address}: timed out");
                break;
            }
            catch (Exception e) when (e is not ObjectDisposedException)
            {
                failures.Add($"{address}: {e.Message}");
            }
        }
        throw new BadRequestException($"cannot connect to {peer}: {string.Join("; ", failures)}");
    }

    internal bool TryEnterPipe()
    {
        if (Interlocked.Increment(ref _pipes) <= Options.MaxPipedStreams) return true;
        Interlocked.Decrement(ref _pipes);
        return false;
    }

    internal void ExitPipe() => Interlocked.Decrement(ref _pipes);

    /// <summary>
    /// Pipes a client socket and a libp2p stream until both directions ended; a failure aborts both and is only logged.
    /// The buffers of both directions are charged to the libp2p stream's scope (<paramref name="memory"/>): each exists
    /// because of that stream (its peer's bytes waiting for the client, or the client's bytes waiting for a peer that
    /// does not read), so its peer's limits and the node's bound what pipes hold. Over them the pipe is aborted (the
    /// peer sees a reset, the client its connection closed). The control client itself is the node's owner: it is
    /// bounded by counts (<see cref="DaemonOptions"/>), not charged.
    /// </summary>
    internal async Task PipeAsync(IDuplexStream client, IDuplexStream stream, IResourceScope? memory, string protocol, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct, _shutdown.Token);
        try
        {
            await StreamPipe.RunAsync(client, stream, Options.PipeBufferSize, memory, stop.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            Log.PipeFailed(protocol, e);
        }
    }

    /// <exception cref="BadRequestException">Registering would exceed <see cref="DaemonOptions.MaxStreamHandlers"/>.</exception>
    internal void RegisterStreamHandler(IReadOnlyList<string> protocols, Multiaddr address)
    {
        lock (_streamHandlers)
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            int added = protocols.Distinct(StringComparer.Ordinal).Count(p => !_streamHandlers.ContainsKey(p));
            if (_streamHandlers.Count + added > Options.MaxStreamHandlers)
                throw new BadRequestException($"too many stream handlers: this daemon registers at most {Options.MaxStreamHandlers} protocols");
            foreach (var protocol in protocols)
            {
                bool isNew = !_streamHandlers.ContainsKey(protocol);
                _streamHandlers[protocol] = address;
                if (isNew) Host.SetHandler(protocol, ForwardInboundAsync);
            }
        }
    }

    private void RemoveStreamHandlers()
    {
        lock (_streamHandlers)
        {
            foreach (var protocol in _streamHandlers.Keys)
                Host.RemoveHandler(protocol);
            _streamHandlers.Clear();
        }
    }

    // An inbound stream on a protocol a client registered: dial the client's handler address, tell it what the
    // stream is (StreamInfo), then pipe. When the client cannot be reached or a limit is hit, the stream is reset.
    private async Task ForwardInboundAsync(StreamContext context, CancellationToken ct)
    {
        Multiaddr? address;
        lock (_streamHandlers) _streamHandlers.TryGetValue(context.Protocol, out address);
        if (address is null)
        {
            Log.InboundStreamReset(context.Protocol, "no handler registered");
            context.Stream.Abort();
            return;
        }
        if (!TryEnterPipe())
        {
            Log.InboundStreamReset(context.Protocol, $"{Options.MaxPipedStreams} streams are piped already");
            context.Stream.Abort();
            return;
        }
        try
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct, _shutdown.Token);
            IDuplexStream client;
            try
            {
                using var deadline = new Deadline(Options.HandlerDialTimeout, Host.TimeProvider, stop.Token);
                client = await Endpoint.DialAsync(address, deadline.Token).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                Log.InboundStreamReset(context.Protocol, $"the handler at {address} cannot be reached: {e.Message}");
                context.Stream.Abort(e);
                return;
            }
            await using (client.ConfigureAwait(false))
            {
                await client.WriteAsync(ControlCodec.Frame(Responses.StreamInfo(context.Connection, context.Protocol)), stop.Token).ConfigureAwait(false);
                await PipeAsync(client, context.Stream, context.Resources, context.Protocol, stop.Token).ConfigureAwait(false);
            }
        }
        finally
        {
            ExitPipe();
        }
    }
}
