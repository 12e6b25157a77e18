using System.Net.Security;
using System.Runtime.Versioning;
using Libp2p.Core;

namespace Libp2p.Security.Tls;

/// <summary>
/// A TLS-secured connection on <see cref="SslStream"/>. Reads and writes go straight to it (it pools its buffers and
/// returns its receive buffer when empty; a zero-byte read waits for a record without holding one).
/// Half-close sends TLS 1.3's close_notify, which closes only our direction, then half-closes the connection below.
/// </summary>
[UnsupportedOSPlatform("browser")]
internal sealed class TlsConnection(SslStream ssl, IDuplexStream inner) : IDuplexStream
{
    private int _writeClosed;

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        => ssl.ReadAsync(buffer, cancellationToken);

    public ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        => ssl.WriteAsync(buffer, cancellationToken);

    public async ValueTask CloseWriteAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _writeClosed, 1) != 0) return;
        await ssl.ShutdownAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        await inner.CloseWriteAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Abort(Exception? reason = null) => inner.Abort(reason);

    public async ValueTask DisposeAsync()
    {
        await ssl.DisposeAsync().ConfigureAwait(false);
        await inner.DisposeAsync().ConfigureAwait(false);
    }
}
