using System.Text;
using Libp2p.Core;
using Libp2p.Identity;
using Libp2p.Multiformats;
using Libp2p.Multistream;
using Libp2p.Transport.WasiSockets;
using Libp2p.Transport.WasiSockets.Wit;
using Libp2p.Transports;

namespace Libp2p.Tests.Core;

/// <summary>One exception base with a code: callers branch on <see cref="Libp2pError"/>, not on types or messages.</summary>
public class Libp2pExceptionTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public void EveryExceptionTypeOfTheLibrariesDerivesFromLibp2pException()
    {
        var exceptionTypes = typeof(Libp2pException).Assembly.GetTypes()
            .Concat(typeof(WasiTcpTransport).Assembly.GetTypes())
            .Concat(typeof(Libp2p.PubSub.PubSubProtocolException).Assembly.GetTypes())
            .Concat(typeof(Libp2p.Daemon.Control.ControlProtocolException).Assembly.GetTypes())
            .Concat(typeof(Libp2p.Kad.Network.KadProtocolException).Assembly.GetTypes())
            .Concat(typeof(Libp2p.Relay.RelayProtocolException).Assembly.GetTypes())
            .Where(t => typeof(Exception).IsAssignableFrom(t))
            .ToList();

        Assert.Contains(typeof(TransportException), exceptionTypes);
        Assert.Contains(typeof(WasiNetworkException), exceptionTypes);
        Assert.All(exceptionTypes, t => Assert.True(typeof(Libp2pException).IsAssignableFrom(t), $"{t} is not a Libp2pException"));
    }

    [Fact]
    public void DecodingErrorsCarryTheirCode()
    {
        Assert.Equal(Libp2pError.InvalidMultiaddr, Assert.Throws<MultiaddrFormatException>(() => Multiaddr.Parse("/ip4/300.0.0.1")).Libp2pError);
        Assert.Equal(Libp2pError.InvalidVarint, Assert.Throws<VarintFormatException>(() => Varint.Read([0x80, 0x00], out _)).Libp2pError);
        Assert.Equal(Libp2pError.InvalidKey, Assert.Throws<KeyFormatException>(() => KeyFactory.PublicKeyFromProtobuf([0x08])).Libp2pError);
    }

    [Fact]
    public void AKeyFormatErrorInsideTheDerReaderIsNotWrappedAgain()
    {
        // KeyFormatException is an IOException now, as BouncyCastle's parse errors are: the ASN.1 reader must let ours through.
        var e = Assert.Throws<KeyFormatException>(() => KeyFactory.PublicKeyFromProtobuf(EcdsaKeyWithDer([0x02, 0x01, 0x01])));
        Assert.EndsWith("is not an ASN.1 SEQUENCE.", e.Message);
        Assert.DoesNotContain("not valid DER", e.Message);
    }

    [Theory]
    [InlineData(MultistreamError.NoProtocolSupported, Libp2pError.ProtocolNotSupported)]
    [InlineData(MultistreamError.ProtocolViolation, Libp2pError.ProtocolNegotiationFailed)]
    [InlineData(MultistreamError.MessageTooLong, Libp2pError.ProtocolNegotiationFailed)]
    [InlineData(MultistreamError.UnexpectedEndOfStream, Libp2pError.ProtocolNegotiationFailed)]
    public void MultistreamFailuresMapToNegotiationCodes(MultistreamError error, Libp2pError expected)
    {
        Assert.Equal(expected, new MultistreamException(error, "x").Libp2pError);
    }

    [Fact]
    public async Task ARefusedProtocolIsProtocolNotSupported()
    {
        var (a, b) = InMemoryDuplex.CreatePair();
        var listener = MultistreamSelect.HandleAsync(b, _ => false).AsTask();
        var e = await Assert.ThrowsAsync<MultistreamException>(() => MultistreamSelect.SelectAsync(a, ["/nope/1.0.0"]).AsTask().WaitAsync(Timeout));
        Assert.Equal(Libp2pError.ProtocolNotSupported, e.Libp2pError);
        await a.DisposeAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => listener.WaitAsync(Timeout));
    }

    [Theory]
    [InlineData(NetworkErrorCode.ConnectionRefused, Libp2pError.ConnectionRefused)]
    [InlineData(NetworkErrorCode.Timeout, Libp2pError.Timeout)]
    [InlineData(NetworkErrorCode.AddressInUse, Libp2pError.AddressInUse)]
    [InlineData(NetworkErrorCode.AddressNotBindable, Libp2pError.AddressNotAvailable)]
    [InlineData(NetworkErrorCode.RemoteUnreachable, Libp2pError.HostUnreachable)]
    [InlineData(NetworkErrorCode.NameUnresolvable, Libp2pError.NameResolutionFailed)]
    [InlineData(NetworkErrorCode.ConnectionReset, Libp2pError.ConnectionReset)]
    [InlineData(NetworkErrorCode.NewSocketLimit, Libp2pError.ResourceLimitExceeded)]
    [InlineData(NetworkErrorCode.InvalidState, Libp2pError.TransportError)]
    [InlineData(NetworkErrorCode.AccessDenied, Libp2pError.AccessDenied)]
    public void WasiErrorCodesAreKeptAsDataAndMapped(NetworkErrorCode code, Libp2pError expected)
    {
        var e = WasiErrors.ToException(code, "Dialing", "/ip4/127.0.0.1/tcp/1");

        Assert.Equal(expected, e.Libp2pError);
        var wasi = Assert.IsType<WasiNetworkException>(e.InnerException);
        Assert.Equal(code, wasi.ErrorCode);
        Assert.Equal(expected, wasi.Libp2pError);
        Assert.Equal(code == NetworkErrorCode.Timeout, e.IsTimeout);
    }

    [Fact]
    public void TimeoutFactoryWrapsATimeoutExceptionAroundTheCause()
    {
        var cause = new OperationCanceledException();
        var e = Libp2pException.Timeout("took too long", cause);

        Assert.True(e.IsTimeout);
        var timeout = Assert.IsType<TimeoutException>(e.InnerException);
        Assert.Same(cause, timeout.InnerException);
    }

    [Fact]
    public async Task AStoredNegotiationFailureIsRethrownWithItsOriginalStack()
    {
        var (a, b) = InMemoryDuplex.CreatePair();
        var lazy = MultistreamSelect.SelectLazy(a, "/gone");
        await lazy.WriteAsync(new byte[1]).AsTask().WaitAsync(Timeout);
        await b.WriteAsync(Encoding.UTF8.GetBytes("\u0013/multistream/1.0.0\n\u0003na\n"));
        var first = await Assert.ThrowsAsync<MultistreamException>(() => lazy.ReadAsync(new byte[1]).AsTask().WaitAsync(Timeout));

        var again = await Assert.ThrowsAsync<MultistreamException>(() => lazy.WriteAsync(new byte[1]).AsTask().WaitAsync(Timeout));

        Assert.Same(first, again);
        // `throw stored` would have replaced the trace with the rethrowing frame only; the reader that found the `na` stays.
        Assert.Contains("ReadAnswerAsync", again.StackTrace);
        Assert.Contains("WriteUncheckedAsync", again.StackTrace);
    }

    /// <summary>An ECDSA public key protobuf whose DER body is <paramref name="der"/>.</summary>
    private static byte[] EcdsaKeyWithDer(byte[] der) => [0x08, 0x03, 0x12, (byte)der.Length, .. der];
}
