namespace Libp2p.Daemon.Requests;

/// <summary>
/// PUBSUB requests (GET_TOPICS, LIST_PEERS, PUBLISH, SUBSCRIBE). Answered with an error until src/Libp2p.PubSub
/// exists; then this file serves them (SUBSCRIBE keeps the connection and writes one PSMessage per message, see
/// specs/PUBSUB.md).
/// </summary>
internal sealed class PubSubRequests() : UnsupportedRequests("PUBSUB requests: this daemon has no pubsub router yet");
