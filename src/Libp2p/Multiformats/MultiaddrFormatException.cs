namespace Libp2p.Multiformats;

/// <summary>Malformed multiaddr text or bytes; the message names the bad component.</summary>
public sealed class MultiaddrFormatException(string message, Exception? inner = null)
    : Libp2pException(Libp2pError.InvalidMultiaddr, message, inner);
