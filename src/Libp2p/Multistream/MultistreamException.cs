namespace Libp2p.Multistream;

/// <summary>Why a multistream-select negotiation failed.</summary>
public enum MultistreamError
{
    /// <summary>The remote broke the protocol: wrong header, a message without its trailing newline, invalid UTF-8, an unexpected answer.</summary>
    ProtocolViolation,
    /// <summary>A message's length prefix is over <see cref="MultistreamSelect.MaxMessageLength"/>.</summary>
    MessageTooLong,
    /// <summary>The stream ended in the middle of the negotiation.</summary>
    UnexpectedEndOfStream,
    /// <summary>The listener answered <c>na</c> to every protocol the dialer proposed.</summary>
    NoProtocolSupported,
    /// <summary>The dialer kept proposing protocols past <see cref="MultistreamSelect.MaxProposals"/>.</summary>
    TooManyProposals,
}

/// <summary>
/// A multistream-select negotiation failed; <see cref="Error"/> says why. Its <see cref="Libp2pException.Libp2pError"/>
/// is <see cref="Libp2pError.ProtocolNotSupported"/> for <see cref="MultistreamError.NoProtocolSupported"/>, otherwise
/// <see cref="Libp2pError.ProtocolNegotiationFailed"/>.
/// </summary>
public sealed class MultistreamException(MultistreamError error, string message, Exception? inner = null)
    : Libp2pException(error == MultistreamError.NoProtocolSupported ? Libp2pError.ProtocolNotSupported : Libp2pError.ProtocolNegotiationFailed,
        message, inner)
{
    /// <summary>The finer kind of failure.</summary>
    public MultistreamError Error { get; } = error;
}
