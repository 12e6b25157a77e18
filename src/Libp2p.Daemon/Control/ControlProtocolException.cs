namespace Libp2p.Daemon.Control;

/// <summary>Why a control message was refused.</summary>
public enum ControlProtocolError
{
    /// <summary>The length prefix is not a valid varint.</summary>
    BadLengthPrefix,
    /// <summary>The message is longer than the daemon accepts.</summary>
    Oversized,
    /// <summary>The bytes are not a valid protobuf message, or a required field is missing.</summary>
    Malformed,
    /// <summary>The connection ended inside a message.</summary>
    Truncated,
}

/// <summary>
/// A control message the daemon cannot accept. The only exception the control-protocol decoder throws; the daemon
/// answers it with an ERROR response and closes that control connection.
/// </summary>
public sealed class ControlProtocolException(ControlProtocolError error, string message, Exception? inner = null)
    : Libp2pException(Libp2pError.ProtocolViolation, message, inner)
{
    /// <summary>The finer kind of failure.</summary>
    public ControlProtocolError Error { get; } = error;
}
