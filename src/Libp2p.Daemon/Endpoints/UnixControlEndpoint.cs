using System.Net.Sockets;
using Libp2p.Core;
using Libp2p.Multiformats;
using Libp2p.Transports;

namespace Libp2p.Daemon.Endpoints;

/// <summary>
/// The control socket on a unix domain socket (<c>/unix/PATH</c>), natively only: go-libp2p-daemon's original
/// control transport. Dials unix stream-handler addresses itself and TCP ones through the transport it was given.
/// The socket file is created on listen (an existing file is an error, never removed for us) and deleted on dispose.
/// </summary>
public sealed class UnixControlEndpoint : IControlEndpoint
{
    private readonly Socket _listener;
    private readonly string _path;
    private readonly ITransport? _tcpDialer;
    private int _disposed;

    private UnixControlEndpoint(Socket listener, string path, Multiaddr address, ITransport? tcpDialer)
    {
        _listener = listener;
        _path = path;
        Address = address;
        _tcpDialer = tcpDialer;
    }

    /// <inheritdoc/>
    public Multiaddr Address { get; }

    /// <summary>True for a <c>/unix/PATH</c> address.</summary>
    public static bool IsUnix(Multiaddr address) =>
        address.Components.Count == 1 && address.Components[0].Protocol == MultiaddrProtocol.Unix;

    /// <param name="address">A <c>/unix/PATH</c> address.</param>
    /// <param name="tcpDialer">A transport to dial TCP stream-handler addresses with (owned by this endpoint), or null.</param>
    /// <exception cref="TransportException">The path exists already, or the bind failed.</exception>
    public static UnixControlEndpoint Listen(Multiaddr address, ITransport? tcpDialer = null)
    {
        string path = PathOf(address);
        if (File.Exists(path) || Directory.Exists(path))
            throw new TransportException($"cannot listen on {path}: the path exists already (remove a stale socket first)");
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(path));
            socket.Listen(64);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new TransportException($"cannot listen on {path}: {e.Message}", e);
        }
        return new UnixControlEndpoint(socket, path, address, tcpDialer);
    }

    /// <inheritdoc/>
    public async ValueTask<IDuplexStream?> AcceptAsync(CancellationToken cancellationToken)
    {
        try
        {
            var socket = await _listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
            return new UnixSocketStream(socket);
        }
        catch (Exception e) when (e is ObjectDisposedException || (e is SocketException && Volatile.Read(ref _disposed) == 1))
        {
            return null;
        }
    }

    /// <inheritdoc/>
    public bool CanDial(Multiaddr address) => IsUnix(address) || _tcpDialer?.CanHandle(address) == true;

    /// <inheritdoc/>
    public async ValueTask<IDuplexStream> DialAsync(Multiaddr address, CancellationToken cancellationToken)
    {
        if (!IsUnix(address))
        {
            if (_tcpDialer is null) throw new TransportNotSupportedException($"The control endpoint cannot dial {address}.");
            return await _tcpDialer.DialAsync(address, cancellationToken).ConfigureAwait(false);
        }
        string path = PathOf(address);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
            return new UnixSocketStream(socket);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new TransportException($"cannot connect to {path}: {e.Message}", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Stops listening and deletes the socket file.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _listener.Dispose();
        try { File.Delete(_path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        if (_tcpDialer is not null) await _tcpDialer.DisposeAsync().ConfigureAwait(false);
    }

    private static string PathOf(Multiaddr address)
    {
        if (!IsUnix(address)) throw new TransportNotSupportedException($"{address} is not a /unix/PATH address.");
        return address.Components[0].Value!;
    }
}
