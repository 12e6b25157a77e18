// The DHT side of peer.mjs (@libp2p/kad-dht 16.4.5): its service config and the --dht-* actions.
import { kadDHT, passthroughMapper } from '@libp2p/kad-dht'
import { generateKeyPair, publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPublicKey, peerIdFromString } from '@libp2p/peer-id'
import { CID } from 'multiformats/cid'

const hex = (bytes) => Buffer.from(bytes).toString('hex')

/** The kad-dht service: server or client mode set explicitly (js picks client mode on private addresses),
 *  and peers' private (loopback) addresses kept in answers (js drops them by default). */
export function dhtService ({ server, protocol }) {
  return kadDHT({
    clientMode: !server,
    protocol: protocol ?? '/ipfs/kad/1.0.0',
    peerInfoMapper: passthroughMapper,
    initialQuerySelfInterval: 0
  })
}

/** The /pk/ key of a peer: '/pk/' + its multihash. */
export function pkKey (peerId) {
  return Buffer.concat([Buffer.from('/pk/'), Buffer.from(peerId.toMultihash().bytes)])
}

/** Waits until the routing table holds at least one peer (identify has told kad-dht who serves it). */
export async function waitForTable (node, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs
  while (node.services.dht.routingTable.size === 0) {
    if (Date.now() > deadline) throw new Error('the DHT routing table is still empty')
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

/** Runs one --dht-* action and reports its result as JSON lines. */
export async function runDhtAction (node, action, emit) {
  const signal = AbortSignal.timeout(30000)
  switch (action.kind) {
    case 'find-peer': {
      const info = await node.peerRouting.findPeer(peerIdFromString(action.arg), { signal })
      emit({ event: 'dht:peer', peer: info.id.toString(), addrs: info.multiaddrs.map(String) })
      break
    }
    case 'put-pk-rsa': {
      // A record nobody can derive from the key alone (an RSA peer id is a hash of the key).
      const key = await generateKeyPair('RSA', 2048)
      const id = peerIdFromPublicKey(key.publicKey)
      const value = publicKeyToProtobuf(key.publicKey)
      await node.contentRouting.put(pkKey(id), value, { signal })
      emit({ event: 'dht:put', peer: id.toString(), value: hex(value) })
      break
    }
    case 'get-pk': {
      const value = await node.contentRouting.get(pkKey(peerIdFromString(action.arg)), { signal })
      emit({ event: 'dht:value', peer: action.arg, value: hex(value) })
      break
    }
    case 'provide': {
      await node.contentRouting.provide(CID.parse(action.arg), { signal })
      emit({ event: 'dht:provide', cid: action.arg })
      break
    }
    case 'find-providers': {
      let count = 0
      for await (const p of node.contentRouting.findProviders(CID.parse(action.arg), { signal })) {
        emit({ event: 'dht:provider', peer: p.id.toString(), addrs: p.multiaddrs.map(String) })
        if (++count >= 1) break
      }
      emit({ event: 'dht:providers-done', count })
      break
    }
    default:
      throw new Error(`unknown DHT action ${action.kind}`)
  }
}
