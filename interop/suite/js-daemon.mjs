// The suite's "js" slot: a js-libp2p node served through @libp2p/daemon-server, in its own process.
// Usage: node js-daemon.mjs '<SpawnOptions as JSON>'   or   node js-daemon.mjs --warm   (options as one JSON line on stdin)
// When ready it prints the same line as `p2p daemon`: {"event":"daemon","control":MA,"peerId":ID,"addrs":[...]}.
// Exits on SIGTERM/SIGINT and when its stdin closes (a parent that dies closes it).
// Options follow @libp2p/interop's SpawnOptions the way js-libp2p's own interop runner maps them
// (packages/integration-tests/test/interop.ts), minus webrtc-direct and mplex, which are not installed here.
import './polyfill.mjs'
import fs from 'node:fs'
import readline from 'node:readline'
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { noise } from '@libp2p/noise'
import { tls } from '@libp2p/tls'
import { plaintext } from '@libp2p/plaintext'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { floodsub } from '@libp2p/floodsub'
import { gossipsub } from '@libp2p/gossipsub'
import { kadDHT, passthroughMapper } from '@libp2p/kad-dht'
import { circuitRelayTransport, circuitRelayServer } from '@libp2p/circuit-relay-v2'
import { privateKeyFromProtobuf } from '@libp2p/crypto/keys'
import { multiaddr } from '@multiformats/multiaddr'
import { createServer } from '@libp2p/daemon-server'

function emit (obj) {
  process.stdout.write(JSON.stringify(obj) + '\n')
}

function fail (message, code) {
  process.stderr.write(`js-daemon: ${message}\n`)
  process.exit(code)
}

let stopping = false
let server = null
async function shutdown () {
  if (stopping) return
  stopping = true
  try {
    if (server != null) await Promise.race([server.stop(), new Promise(resolve => setTimeout(resolve, 3000).unref())])
  } catch (err) {
    process.stderr.write(`js-daemon: stop: ${err?.message ?? err}\n`)
  }
  process.exit(0)
}
process.on('SIGTERM', () => { shutdown() })
process.on('SIGINT', () => { shutdown() })

// Started ahead of need (--warm), the process has loaded every module above and waits for its options on stdin:
// the factory keeps one such spare so a test does not wait ~2 s for Node to load js-libp2p.
const lines = readline.createInterface({ input: process.stdin })
lines.on('close', () => { shutdown() })
let options
if (process.argv[2] === '--warm') {
  emit({ event: 'warm' })
  options = await new Promise(resolve => lines.once('line', line => resolve(JSON.parse(line))))
} else {
  options = JSON.parse(process.argv[2] ?? '{}')
}

if (options.transport != null && options.transport !== 'tcp') {
  fail(`unsupported: transport ${options.transport} (this js daemon has tcp and circuit relay only)`, 2)
}
if (options.muxer != null && options.muxer !== 'yamux') {
  fail(`unsupported: muxer ${options.muxer} (this js daemon has yamux only)`, 2)
}

const encrypter = options.encryption === 'tls' ? tls() : options.encryption === 'plaintext' ? plaintext() : noise()
const services = { identify: identify(), ping: ping() }
if (options.pubsub === true) {
  services.pubsub = options.pubsubRouter === 'floodsub' ? floodsub() : gossipsub()
}
if (options.relay === true) {
  services.relay = circuitRelayServer()
}
if (options.dht === true) {
  services.dht = kadDHT({ protocol: '/ipfs/kad/1.0.0', peerInfoMapper: passthroughMapper, clientMode: false })
}

const node = await createLibp2p({
  privateKey: options.key != null ? privateKeyFromProtobuf(fs.readFileSync(options.key)) : undefined,
  addresses: { listen: options.noListen === true ? [] : ['/ip4/127.0.0.1/tcp/0'] },
  transports: [tcp(), circuitRelayTransport()],
  connectionEncrypters: [encrypter],
  streamMuxers: [yamux()],
  services,
  connectionManager: {
    // every daemon of the suite dials from 127.0.0.1; the default 5/s per host refuses bursts
    inboundConnectionThreshold: 100_000,
    maxIncomingPendingConnections: 1_000
  }
})

server = createServer(multiaddr('/ip4/127.0.0.1/tcp/0'), node)
await server.start()

emit({
  event: 'daemon',
  control: server.getMultiaddr().toString(),
  peerId: node.peerId.toString(),
  addrs: node.getMultiaddrs().map(String)
})
