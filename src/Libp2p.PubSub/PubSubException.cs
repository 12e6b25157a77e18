namespace Libp2p.PubSub;

/// <summary>A peer broke the pubsub protocol (a frame too large or malformed); its stream is reset.</summary>
public sealed class PubSubProtocolException(string message, Exception? inner = null)
    : Libp2pException(Libp2pError.ProtocolViolation, message, inner);

/// <summary>A publish that cannot be done (too large, refused by our own validators, node disposed).</summary>
public sealed class PubSubPublishException(string message) : Libp2pException(Libp2pError.Other, message);
