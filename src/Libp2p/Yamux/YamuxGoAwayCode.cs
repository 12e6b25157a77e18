namespace Libp2p.Yamux;

/// <summary>The error code carried by a GoAway frame (spec.md "Go Away").</summary>
internal enum YamuxGoAwayCode : uint
{
    /// <summary>Normal termination.</summary>
    Normal = 0,
    /// <summary>The remote broke the protocol.</summary>
    ProtocolError = 1,
    /// <summary>An internal error.</summary>
    InternalError = 2,
}
