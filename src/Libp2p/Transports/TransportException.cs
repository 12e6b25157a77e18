namespace Libp2p.Transports;

/// <summary>A transport-level failure: refused, unreachable, timed out, denied by the host, address in use.</summary>
public class TransportException(string message, Exception? inner = null) : IOException(message, inner);

/// <summary>This transport does not serve that address; another transport may.</summary>
public sealed class TransportNotSupportedException(string message) : TransportException(message);

/// <summary>The host denied the network capability (WASI <c>access-denied</c>); the message says what to grant.</summary>
public sealed class NetworkAccessDeniedException(string message, Exception? inner = null) : TransportException(message, inner);
