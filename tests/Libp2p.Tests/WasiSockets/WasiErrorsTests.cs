using Libp2p.Transport.WasiSockets.Wit;
using Libp2p.Transports;

namespace Libp2p.Tests.WasiSockets;

public class WasiErrorsTests
{
    [Fact]
    public void ErrorCodeNamesFollowWitOrder()
    {
        Assert.Equal(NetworkErrorCodes.Count, Enum.GetValues<NetworkErrorCode>().Length);
        Assert.Equal("unknown", NetworkErrorCode.Unknown.ToWitName());
        Assert.Equal("would-block", ((NetworkErrorCode)8).ToWitName());
        Assert.Equal("connection-refused", ((NetworkErrorCode)14).ToWitName());
        Assert.Equal("permanent-resolver-failure", ((NetworkErrorCode)20).ToWitName());
        foreach (var code in Enum.GetValues<NetworkErrorCode>())
        {
            Assert.True(NetworkErrorCodes.TryParse(code.ToWitName(), out var back));
            Assert.Equal(code, back);
        }
        Assert.False(NetworkErrorCodes.TryParse("connection refused", out _));
    }

    [Fact]
    public void AccessDeniedBecomesNetworkAccessDeniedSayingWhatToGrant()
    {
        var e = WasiErrors.ToException(NetworkErrorCode.AccessDenied, "Dialing", "/ip4/1.2.3.4/tcp/5");
        var denied = Assert.IsType<NetworkAccessDeniedException>(e);
        Assert.Contains("/ip4/1.2.3.4/tcp/5", denied.Message);
        Assert.Contains("access-denied", denied.Message);
        Assert.Contains("-S inherit-network", denied.Message);
        Assert.Contains("--wasi tcp=", denied.Message);
        Assert.Contains("enableNetwork", denied.Message);
    }

    [Theory]
    [InlineData(NetworkErrorCode.ConnectionRefused, "connection-refused")]
    [InlineData(NetworkErrorCode.AddressInUse, "address-in-use")]
    [InlineData(NetworkErrorCode.Timeout, "timeout")]
    [InlineData(NetworkErrorCode.NameUnresolvable, "name-unresolvable")]
    [InlineData(NetworkErrorCode.InvalidState, "invalid-state")]
    public void OtherCodesBecomeTransportExceptionsNamingTheCode(NetworkErrorCode code, string name)
    {
        var e = WasiErrors.ToException(code, "Binding", "/ip4/0.0.0.0/tcp/1");
        Assert.IsType<TransportException>(e);
        Assert.Contains(name, e.Message);
        Assert.StartsWith("Binding /ip4/0.0.0.0/tcp/1 failed", e.Message);
    }
}
