using System.Buffers;
using Libp2p.Core;
using Libp2p.Transports;

namespace Libp2p.Relay;

/// <summary>
/// The relay's half of a circuit: copies the source's hop stream to the target's stop stream and back until both ends
/// closed, within the circuit's limit. Each direction awaits a zero-byte read before renting its buffer, so an idle
/// circuit holds none. Past the duration, or when one direction would carry more than the data limit, both streams are
/// reset (as js-libp2p does; go-libp2p forwards up to the limit and then closes): the relayed connection is over then
/// either way, its secure channel cut mid-frame.
/// </summary>
internal sealed class CircuitBridge
{
    private readonly IDuplexStream _source;
    private readonly IDuplexStream _target;
    private readonly ConnectionLimit? _limit;
    private readonly int _bufferSize;
    private long _bytes;
    private Exception? _reason;

    public CircuitBridge(IDuplexStream source, IDuplexStream target, ConnectionLimit? limit, int bufferSize)
    {
        _source = source;
        _target = target;
        _limit = limit;
        _bufferSize = bufferSize;
    }

    /// <summary>Bytes forwarded so far, both directions.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>True when the circuit was cut by its duration or data limit.</summary>
    public bool EndedByLimit { get; private set; }

    /// <summary>Runs the circuit to its end; returns why it ended abnormally, or null when both sides closed.</summary>
    public async Task<Exception?> RunAsync(TimeProvider time, CancellationToken cancellationToken)
    {
        using var deadline = _limit?.Duration is { } d ? new Deadline(d, time, cancellationToken) : null;
        var token = deadline?.Token ?? cancellationToken;
        var forward = PumpAsync(_source, _target, token);
        var backward = PumpAsync(_target, _source, token);
        await Task.WhenAll(forward, backward).ConfigureAwait(false);
        if (deadline is { Expired: true } && _reason is not null)
        {
            EndedByLimit = true;
            _reason = new CircuitRelayException($"The circuit reached its duration limit of {_limit!.Duration!.Value.TotalSeconds:0.###} s.");
        }
        return _reason;
    }

    private async Task PumpAsync(IDuplexStream from, IDuplexStream to, CancellationToken ct)
    {
        long remaining = _limit?.Data ?? long.MaxValue;
        try
        {
            while (true)
            {
                await from.ReadAsync(Memory<byte>.Empty, ct).ConfigureAwait(false);
                byte[] buffer = ArrayPool<byte>.Shared.Rent(_bufferSize);
                int n = await from.ReadAsync(buffer.AsMemory(0, _bufferSize), ct).ConfigureAwait(false);
                if (n == 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    await to.CloseWriteAsync(ct).ConfigureAwait(false);
                    return;
                }
                if (n > remaining)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    EndedByLimit = true;
                    Fail(new CircuitRelayException($"The circuit reached its data limit of {_limit!.Data} bytes in one direction."));
                    return;
                }
                remaining -= n;
                await to.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                ArrayPool<byte>.Shared.Return(buffer);
                Interlocked.Add(ref _bytes, n);
            }
        }
        catch (Exception e)
        {
            // A read or write that failed or was cancelled may still reference its buffer below: it is left to the GC.
            Fail(e);
        }
    }

    private void Fail(Exception reason)
    {
        if (Interlocked.CompareExchange(ref _reason, reason, null) is null)
        {
            _source.Abort(reason);
            _target.Abort(reason);
        }
    }
}
