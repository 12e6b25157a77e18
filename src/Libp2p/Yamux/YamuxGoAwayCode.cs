namespace Libp2p.Yamux;

/// <summary>The error code carried by a GoAway frame (spec.md "Go Away").</summary>
public enum YamuxGoAwayCode : uint
{
    Normal = 0,
    ProtocolError = 1,
    InternalError = 2,
}
