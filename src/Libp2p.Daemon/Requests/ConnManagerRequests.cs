namespace Libp2p.Daemon.Requests;

/// <summary>CONNMANAGER requests (TAG_PEER, UNTAG_PEER, TRIM). Answered with an error: the host has no connection manager with tags yet.</summary>
internal sealed class ConnManagerRequests() : UnsupportedRequests("CONNMANAGER requests: this daemon has no connection manager yet");
