using System.Net;
using System.Net.Sockets;
using Libp2p.Multiformats;

namespace Libp2p.Transports.Tcp;

public sealed partial class TcpTransport
{
    /// <inheritdoc />
    /// <remarks>
    /// The whole dial (name resolution and every address) is bounded by
    /// <see cref="TcpTransportOptions.ConnectTimeout"/>, measured on the configured TimeProvider.
    /// </remarks>
    public async ValueTask<IRawConnection> DialAsync(Multiaddr address, CancellationToken cancellationToken = default)
    {
        if (!TcpMultiaddr.TryParse(address, out var target, out var problem))
            throw new TransportNotSupportedException($"{problem}; not supported by the TCP transport");
        if (target.WhyNotDialable() is { } why)
            throw new TransportNotSupportedException($"cannot dial {address}: {why}; not supported");
        ObjectDisposedException.ThrowIf(_disposed, this);

        using var timeout = new CancellationTokenSource(_options.ConnectTimeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            IPAddress[] candidates = target.IsDns
                ? await ResolveAsync(address, target, linked.Token).ConfigureAwait(false)
                : [TcpZones.Resolve(target)];
            TransportException? last = null;
            foreach (var candidate in candidates)
            {
                var endPoint = new IPEndPoint(candidate, target.Port);
                try
                {
                    return await ConnectAsync(endPoint, linked.Token).ConfigureAwait(false);
                }
                catch (TransportException e)
                {
                    if (_options.Logger is { } log) TcpLog.DialAttemptFailed(log, address.ToString(), endPoint.ToString(), e.Message);
                    last = e;
                }
            }
            throw candidates.Length == 1
                ? last!
                : new TransportException(last!.Libp2pError, $"dialing {address} failed on all {candidates.Length} addresses; last: {last.Message}", last);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            string message = $"dialing {address} timed out after {_options.ConnectTimeout.TotalSeconds:0.###} s";
            throw new TransportException(Libp2pError.Timeout, message, new TimeoutException(message));
        }
    }

    private async ValueTask<TcpConnection> ConnectAsync(IPEndPoint endPoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            Configure(socket);
            await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
            return new TcpConnection(socket);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw TcpSocketErrors.Connect(e, endPoint);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>/dns4 keeps IPv4 answers, /dns6 IPv6 answers, /dns both, in the resolver's order.</summary>
    private static async ValueTask<IPAddress[]> ResolveAsync(Multiaddr address, TcpMultiaddr target, CancellationToken cancellationToken)
    {
        IPAddress[] answers;
        try
        {
            answers = await Dns.GetHostAddressesAsync(target.Host!, target.Family, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw new TransportException(Libp2pError.NameResolutionFailed,
                $"cannot dial {address}: resolving '{target.Host}' failed: {e.SocketErrorCode} ({e.Message})", e);
        }
        var usable = Array.FindAll(answers, target.Accepts);
        if (usable.Length == 0)
        {
            string kind = target.Family switch
            {
                AddressFamily.InterNetwork => "IPv4 ",
                AddressFamily.InterNetworkV6 => "IPv6 ",
                _ => "",
            };
            throw new TransportException(Libp2pError.NameResolutionFailed, $"cannot dial {address}: '{target.Host}' has no {kind}address");
        }
        return usable;
    }
}
