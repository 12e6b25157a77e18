using Libp2p.Crypto;
using Libp2p.Noise;

namespace Libp2p.Tests.Noise;

/// <summary>The raw XX state machine against the Cacophony vector for Noise_XX_25519_ChaChaPoly_SHA256
/// (haskell-cryptography/cacophony, vectors/cacophony.txt), with both crypto backends.</summary>
public class NoiseXXVectorTests
{
    private static readonly byte[] Prologue = Convert.FromHexString("4a6f686e2047616c74");
    private static readonly byte[] InitStatic = Convert.FromHexString("e61ef9919cde45dd5f82166404bd08e38bceb5dfdfded0a34c8df7ed542214d1");
    private static readonly byte[] InitEphemeral = Convert.FromHexString("893e28b9dc6ca8d611ab664754b8ceb7bac5117349a4439a6b0569da977c464a");
    private static readonly byte[] RespStatic = Convert.FromHexString("4a3acbfdb163dec651dfa3194dece676d437029c62a408b4c5ea9114246e4893");
    private static readonly byte[] RespEphemeral = Convert.FromHexString("bbdb4cdbd309f1a1f2e1456967fe288cadd6f712d65dc7b7793d5e63da6b375b");
    private const string HandshakeHash = "c8e5f64e846193be2a834104c2a009868d6c9f3bd3c186299888b488b2f1f58e";

    private static readonly (string Payload, string Ciphertext)[] Messages =
    [
        ("4c756477696720766f6e204d69736573", "ca35def5ae56cec33dc2036731ab14896bc4c75dbb07a61f879f8e3afa4c79444c756477696720766f6e204d69736573"),
        ("4d757272617920526f746862617264", "95ebc60d2b1fa672c1f46a8aa265ef51bfe38e7ccb39ec5be34069f14480884381cbad1f276e038c48378ffce2b65285e08d6b68aaa3629a5a8639392490e5b9bd5269c2f1e4f488ed8831161f19b7815528f8982ffe09be9b5c412f8a0db50f8814c7194e83f23dbd8d162c9326ad"),
        ("462e20412e20486179656b", "c7195ffacac1307ff99046f219750fc47693e23c3cb08b89c2af808b444850a80ae475b9df0f169ae80a89be0865b57f58c9fea0d4ec82a286427402f113e4b6ae769a1d95941d49b25030"),
        ("4361726c204d656e676572", "96763ed773f8e47bb3712f0e29b3060ffc956ffc146cee53d5e1df"),
        ("4a65616e2d426170746973746520536179", "3e40f15f6f3a46ae446b253bf8b1d9ffb6ed9b174d272328ff91a7e2e5c79c07f5"),
        ("457567656e2042f6686d20766f6e2042617765726b", "eb3f3515110702e047a6c9da4478b6ead94873c11c0f2d710ddb3f09fce024b3a58502ae3f"),
    ];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void CacophonyVectorMatchesByteForByte(bool managed)
    {
        var crypto = managed ? CryptoProvider.Managed : CryptoProvider.Default;
        var init = new NoiseXXHandshakeState(true, crypto, InitStatic, Prologue, InitEphemeral);
        var resp = new NoiseXXHandshakeState(false, crypto, RespStatic, Prologue, RespEphemeral);

        for (int i = 0; i < 3; i++)
        {
            var (writer, reader) = i % 2 == 0 ? (init, resp) : (resp, init);
            var payload = Convert.FromHexString(Messages[i].Payload);
            var sent = writer.WriteMessage(payload);
            Assert.Equal(Messages[i].Ciphertext, Convert.ToHexStringLower(sent));
            Assert.Equal(payload, reader.ReadMessage(sent));
        }
        Assert.True(init.IsComplete && resp.IsComplete);
        Assert.Equal(HandshakeHash, Convert.ToHexStringLower(init.HandshakeHash));
        Assert.Equal(HandshakeHash, Convert.ToHexStringLower(resp.HandshakeHash));
        Assert.Equal(resp.LocalStaticPublicKey.ToArray(), init.RemoteStaticPublicKey.ToArray());
        Assert.Equal(init.LocalStaticPublicKey.ToArray(), resp.RemoteStaticPublicKey.ToArray());

        var (iSend, iRecv) = init.Split();
        var (rSend, rRecv) = resp.Split();
        for (int i = 3; i < Messages.Length; i++)
        {
            var (send, recv) = i % 2 == 0 ? (iSend, rRecv) : (rSend, iRecv);
            var payload = Convert.FromHexString(Messages[i].Payload);
            var ct = new byte[payload.Length + 16];
            send.EncryptWithAd([], payload, ct);
            Assert.Equal(Messages[i].Ciphertext, Convert.ToHexStringLower(ct));
            var pt = new byte[payload.Length];
            Assert.True(recv.TryDecryptWithAd([], ct, pt, out int n));
            Assert.Equal(payload, pt[..n]);
        }
    }

    [Fact]
    public void TamperedSecondMessageFailsAndTheStateStaysFailed()
    {
        var crypto = CryptoProvider.Default;
        var init = new NoiseXXHandshakeState(true, crypto, InitStatic, Prologue, InitEphemeral);
        var resp = new NoiseXXHandshakeState(false, crypto, RespStatic, Prologue, RespEphemeral);
        resp.ReadMessage(init.WriteMessage([]));
        var m2 = resp.WriteMessage([]);
        m2[40] ^= 1; // inside the encrypted static key
        Assert.Throws<NoiseHandshakeException>(() => init.ReadMessage(m2));
        Assert.Throws<InvalidOperationException>(() => init.WriteMessage([]));
    }

    [Fact]
    public void ShortMessagesAndTurnOrderAreRejected()
    {
        var crypto = CryptoProvider.Default;
        var init = new NoiseXXHandshakeState(true, crypto, InitStatic, [], InitEphemeral);
        var resp = new NoiseXXHandshakeState(false, crypto, RespStatic, []);
        Assert.Throws<InvalidOperationException>(() => resp.WriteMessage([]));
        Assert.Throws<InvalidOperationException>(() => init.ReadMessage(new byte[32]));
        Assert.Throws<NoiseHandshakeException>(() => resp.ReadMessage(new byte[31]));
    }
}
