using Libp2p.Identity;

namespace Libp2p.Noise;

/// <summary>The remote proved an identity other than the one the dialer expected (e.g. from a <c>/p2p/</c> address suffix).</summary>
public sealed class PeerIdMismatchException(PeerId expected, PeerId actual)
    : Libp2pException(Libp2pError.PeerIdMismatch, $"Expected peer {expected} but the remote proved to be {actual}.")
{
    /// <summary>The peer the dialer meant to reach.</summary>
    public PeerId Expected { get; } = expected;
    /// <summary>The peer the remote proved to be.</summary>
    public PeerId Actual { get; } = actual;
}
