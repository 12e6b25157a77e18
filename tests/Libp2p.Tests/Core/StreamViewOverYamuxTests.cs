using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Libp2p.Core;

namespace Libp2p.Tests.Core;

/// <summary>
/// BCL code that wants a <see cref="Stream"/> running over a Yamux stream through <see cref="DuplexStreamExtensions.AsStream"/>:
/// <see cref="SslStream"/>, <see cref="StreamReader"/>/<see cref="StreamWriter"/>, <see cref="Stream.CopyToAsync(Stream)"/>.
/// </summary>
public class StreamViewOverYamuxTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task SslStreamHandshakesAndCarriesDataOverAYamuxStream()
    {
        await using var pair = await YamuxStreamPair.OpenAsync();
        using var certificate = SelfSigned("CN=libp2p-test");
        await using var client = new SslStream(pair.Client.AsStream(), leaveInnerStreamOpen: false);
        await using var server = new SslStream(pair.Server.AsStream(), leaveInnerStreamOpen: false);
        X509Certificate? seenByClient = null;

        var serverAuth = server.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate });
        await client.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "libp2p-test",
            RemoteCertificateValidationCallback = (_, cert, _, _) => { seenByClient = cert; return true; },
        }).WaitAsync(Timeout);
        await serverAuth.WaitAsync(Timeout);

        Assert.True(client.IsAuthenticated && client.IsEncrypted);
        Assert.Equal(certificate.GetCertHashString(), seenByClient!.GetCertHashString());
        var request = Encoding.UTF8.GetBytes("hello over TLS over yamux");
        await client.WriteAsync(request).AsTask().WaitAsync(Timeout);
        var got = new byte[request.Length];
        await server.ReadExactlyAsync(got).AsTask().WaitAsync(Timeout);
        Assert.Equal(request, got);
        var reply = RandomNumberGenerator.GetBytes(200_000); // several TLS records and Yamux windows
        var sending = server.WriteAsync(reply).AsTask();
        var back = new byte[reply.Length];
        await client.ReadExactlyAsync(back).AsTask().WaitAsync(Timeout);
        await sending.WaitAsync(Timeout);
        Assert.Equal(reply, back);
    }

    [Fact]
    public async Task StreamReaderAndWriterExchangeLinesAndSeeTheEnd()
    {
        await using var pair = await YamuxStreamPair.OpenAsync();
        var clientView = pair.Client.AsStream();
        await using (var writer = new StreamWriter(clientView, new UTF8Encoding(false), bufferSize: 1024, leaveOpen: true))
        {
            await writer.WriteLineAsync("first line").WaitAsync(Timeout);
            await writer.WriteLineAsync("zweite Zeile, ünïcödé").WaitAsync(Timeout);
        }
        await clientView.CloseWriteAsync().AsTask().WaitAsync(Timeout); // a Stream has no half-close; the view does

        using var reader = new StreamReader(pair.Server.AsStream(), Encoding.UTF8);
        Assert.Equal("first line", await reader.ReadLineAsync().WaitAsync(Timeout));
        Assert.Equal("zweite Zeile, ünïcödé", await reader.ReadLineAsync().WaitAsync(Timeout));
        Assert.Null(await reader.ReadLineAsync().WaitAsync(Timeout)); // EOF after the half-close
        await clientView.DisposeAsync();
    }

    [Fact]
    public async Task CopyToAsyncDrainsAYamuxStream()
    {
        await using var pair = await YamuxStreamPair.OpenAsync();
        var data = RandomNumberGenerator.GetBytes(300_000);
        var sending = Task.Run(async () =>
        {
            await pair.Server.WriteAsync(data).AsTask().WaitAsync(Timeout);
            await pair.Server.CloseWriteAsync().AsTask().WaitAsync(Timeout);
        });

        var copy = new MemoryStream();
        await using var view = pair.Client.AsStream();
        await view.CopyToAsync(copy).WaitAsync(Timeout);
        await sending.WaitAsync(Timeout);

        Assert.Equal(data, copy.ToArray());
    }

    private static X509Certificate2 SelfSigned(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        var now = DateTimeOffset.UtcNow;
        using var ephemeral = request.CreateSelfSigned(now.AddMinutes(-5), now.AddHours(1));
        // SslStream wants a certificate whose key the platform can use for the server side: round-trip through PKCS#12.
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
    }
}
