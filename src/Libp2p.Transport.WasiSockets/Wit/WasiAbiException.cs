namespace Libp2p.Transport.WasiSockets.Wit;

/// <summary>A host returned a value that breaks the canonical ABI (a trap in a real component).</summary>
public sealed class WasiAbiException(string message) : Libp2pException(Libp2pError.HostAbiViolation, message);
