namespace Libp2p.Daemon.Requests;

/// <summary>PEERSTORE requests (GET_PROTOCOLS, GET_PEER_INFO; specs/PEERSTORE.md). Answered with an error: the host has no peer store yet.</summary>
internal sealed class PeerstoreRequests() : UnsupportedRequests("PEERSTORE requests: this daemon has no peer store yet");
