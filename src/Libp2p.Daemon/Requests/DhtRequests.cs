namespace Libp2p.Daemon.Requests;

/// <summary>
/// DHT requests (FIND_PEER, GET_VALUE, PUT_VALUE, PROVIDE, ...). Answered with an error until src/Libp2p.Kad exists;
/// then this file serves them (go's DHT responses: BEGIN, VALUE..., END for the streaming ones; see specs/DHT.md).
/// </summary>
internal sealed class DhtRequests() : UnsupportedRequests("DHT requests: this daemon has no Kademlia DHT yet");
