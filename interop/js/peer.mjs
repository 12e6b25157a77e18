// The js-libp2p peer used by interop tests and benchmarks. One JSON object per line on stdout.
// Usage: node peer.mjs [--listen MA]... [--seed HEX32] [--security noise|tls|plaintext]...
//          [--dial MA [--ping N] [--identify]
//          [--perf-upload BYTES --perf-download BYTES] [--echo-streams N --echo-bytes B]]...
//          [--exit-after-actions] [--ignore-stdin] [--pubsub gossipsub|floodsub [--subscribe TOPIC]... [--heartbeat-ms MS]]
//          [--relay] [--via RELAY-MA]...
//          [--dht | --dht-client] [--dht-protocol P] [--bootstrap MA]... [--dht-find-peer ID] [--dht-put-pk-rsa]
//          [--dht-get-pk ID] [--dht-provide CID] [--dht-find-providers CID]...
// Serves ping, identify, /perf/1.0.0 and /echo/1.0.0 (and pubsub: see pubsub.mjs for its events and stdin commands;
// and the DHT with --dht). Exits on SIGTERM/SIGINT and when stdin closes.
// --security picks the connection encrypters in order of preference (default: noise only).
// Every peer can dial …/p2p/RELAY/p2p-circuit/p2p/TARGET and accepts relayed connections (circuit relay v2 client);
// --relay also serves the hop protocol; --via RELAY-MA reserves a slot there and listens on RELAY-MA/p2p-circuit
// (the listening line then carries the circuit address); with --via and no --listen the peer listens on nothing else.
// DHT actions (dht.mjs) run in order after the --bootstrap peers were dialed and the routing table filled.
import './polyfill.mjs'
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@libp2p/noise'
import { yamux } from '@libp2p/yamux'
import { ping } from '@libp2p/ping'
import { identify } from '@libp2p/identify'
import { circuitRelayTransport, circuitRelayServer } from '@libp2p/circuit-relay-v2'
import { generateKeyPair, generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { multiaddr } from '@multiformats/multiaddr'
import { ECHO, PERF, serveEcho, servePerf, runPerf, runEcho, runPing } from './protocols.mjs'
import { dhtService, runDhtAction, waitForTable } from './dht.mjs'
import { createInterface } from 'node:readline'
import { pubsubService, startPubsub, pubsubCommand } from './pubsub.mjs'

function emit (obj) {
  process.stdout.write(JSON.stringify(obj) + '\n')
}

function usage (message) {
  emit({ event: 'error', message })
  process.exit(2)
}

// tls and plaintext are imported only when asked for: @libp2p/tls pulls in a large X.509/ASN.1 stack, which
// would slow the start of every peer.
const ENCRYPTERS = {
  noise: async () => noise,
  tls: async () => (await import('@libp2p/tls')).tls,
  plaintext: async () => (await import('@libp2p/plaintext')).plaintext
}

function parseArgs (argv) {
  const opts = { listen: [], seed: null, security: [], dials: [], exitAfterActions: false, ignoreStdin: false, pubsub: null, subscribe: [], heartbeatMs: 1000, dht: null, dhtProtocol: null, bootstrap: [], dhtActions: [], relay: false, via: [] }
  let current = null // the --dial the following actions belong to
  const need = (i, name) => {
    if (i + 1 >= argv.length) usage(`${name} needs a value`)
    return argv[i + 1]
  }
  const count = (i, name) => {
    const v = Number(need(i, name))
    if (!Number.isSafeInteger(v) || v < 0) usage(`${name} needs a non-negative integer, got ${argv[i + 1]}`)
    return v
  }
  const action = (name) => {
    if (current == null) usage(`${name} must follow --dial`)
    return current
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    switch (a) {
      case '--listen': opts.listen.push(need(i, a)); i++; break
      case '--seed': opts.seed = need(i, a); i++; break
      case '--security': {
        const name = need(i, a)
        if (!(name in ENCRYPTERS)) usage(`--security must be noise, tls or plaintext, got ${name}`)
        if (opts.security.includes(name)) usage(`--security names ${name} twice`)
        opts.security.push(name); i++; break
      }
      case '--dial':
        current = { addr: need(i, a), ping: 0, identify: false, perfUpload: null, perfDownload: null, echoStreams: 0, echoBytes: 0 }
        opts.dials.push(current); i++; break
      case '--ping': action(a).ping = count(i, a); i++; break
      case '--identify': action(a).identify = true; break
      case '--perf-upload': action(a).perfUpload = count(i, a); i++; break
      case '--perf-download': action(a).perfDownload = count(i, a); i++; break
      case '--echo-streams': action(a).echoStreams = count(i, a); i++; break
      case '--echo-bytes': action(a).echoBytes = count(i, a); i++; break
      case '--relay': opts.relay = true; break
      case '--via': opts.via.push(need(i, a)); i++; break
      case '--dht': opts.dht = 'server'; break
      case '--dht-client': opts.dht = 'client'; break
      case '--dht-protocol': opts.dhtProtocol = need(i, a); i++; break
      case '--bootstrap': opts.bootstrap.push(need(i, a)); i++; break
      case '--dht-find-peer': opts.dhtActions.push({ kind: 'find-peer', arg: need(i, a) }); i++; break
      case '--dht-put-pk-rsa': opts.dhtActions.push({ kind: 'put-pk-rsa' }); break
      case '--dht-get-pk': opts.dhtActions.push({ kind: 'get-pk', arg: need(i, a) }); i++; break
      case '--dht-provide': opts.dhtActions.push({ kind: 'provide', arg: need(i, a) }); i++; break
      case '--dht-find-providers': opts.dhtActions.push({ kind: 'find-providers', arg: need(i, a) }); i++; break
      case '--exit-after-actions': opts.exitAfterActions = true; break
      case '--ignore-stdin': opts.ignoreStdin = true; break
      case '--pubsub': opts.pubsub = need(i, a); i++; break
      case '--subscribe': opts.subscribe.push(need(i, a)); i++; break
      case '--heartbeat-ms': opts.heartbeatMs = count(i, a); i++; break
      default: usage(`unknown argument ${a}`)
    }
  }
  if (opts.listen.length === 0 && opts.via.length === 0) opts.listen.push('/ip4/127.0.0.1/tcp/0')
  for (const v of opts.via) opts.listen.push(v.endsWith('/p2p-circuit') ? v : `${v}/p2p-circuit`)
  if (opts.security.length === 0) opts.security.push('noise')
  if (opts.seed != null && !/^[0-9a-fA-F]{64}$/.test(opts.seed)) usage('--seed needs 32 bytes as 64 hex digits')
  if (opts.dht == null && (opts.bootstrap.length > 0 || opts.dhtActions.length > 0)) usage('--bootstrap and --dht-* actions need --dht or --dht-client')
  if (opts.subscribe.length > 0 && opts.pubsub == null) usage('--subscribe needs --pubsub')
  return opts
}

const opts = parseArgs(process.argv.slice(2))

const privateKey = opts.seed != null
  ? await generateKeyPairFromSeed('Ed25519', Uint8Array.from(Buffer.from(opts.seed, 'hex')))
  : await generateKeyPair('Ed25519')

const node = await createLibp2p({
  privateKey,
  addresses: { listen: opts.listen },
  transports: [tcp(), circuitRelayTransport()],
  connectionEncrypters: await Promise.all(opts.security.map(async name => (await ENCRYPTERS[name]())())),
  streamMuxers: [yamux()],
  services: {
    ping: ping({ maxInboundStreams: 64, maxOutboundStreams: 64 }),
    identify: identify(),
    ...(opts.relay ? { relay: circuitRelayServer() } : {}),
    ...(opts.pubsub != null ? { pubsub: pubsubService(opts.pubsub, opts) } : {}),
    ...(opts.dht != null ? { dht: dhtService({ server: opts.dht === 'server', protocol: opts.dhtProtocol }) } : {})
  },
  nodeInfo: { userAgent: 'libp2p-dotnet-interop-js/peer.mjs' },
  connectionManager: {
    // tests open many connections from 127.0.0.1 in a burst; the defaults (5/s per host, 10 pending) refuse them
    inboundConnectionThreshold: 100_000,
    maxIncomingPendingConnections: 1_000,
    maxConnections: 10_000,
    // the tests run on a loaded 2-core machine, where a first TLS handshake with a just-started .NET process can
    // outlast js's 6 s per address (seen as "Handshake timeout" in CI); every test keeps its own deadline
    dialTimeout: 30_000,
    addressDialTimeout: 25_000,
    inboundUpgradeTimeout: 25_000
  }
})

const streamLimits = { maxInboundStreams: 1024, maxOutboundStreams: 1024, runOnLimitedConnection: true }
const failServed = (proto) => (err) => emit({ event: 'error', message: `${proto} handler: ${err?.message ?? err}`, served: true })
await node.handle(ECHO, (stream) => { serveEcho(stream, emit).catch(failServed(ECHO)) }, streamLimits)
await node.handle(PERF, (stream) => { servePerf(stream, emit).catch(failServed(PERF)) }, streamLimits)

node.addEventListener('connection:open', (evt) => {
  const c = evt.detail
  emit({ event: 'connection:open', peer: c.remotePeer.toString(), remoteAddr: c.remoteAddr.toString(), direction: c.direction, encryption: c.encryption ?? null, multiplexer: c.multiplexer ?? null })
})
node.addEventListener('connection:close', (evt) => {
  const c = evt.detail
  emit({ event: 'connection:close', peer: c.remotePeer.toString(), remoteAddr: c.remoteAddr.toString(), direction: c.direction })
})

let stopping = false
async function shutdown (code) {
  if (stopping) return
  stopping = true
  try {
    await Promise.race([node.stop(), new Promise(resolve => setTimeout(resolve, 3000).unref())])
  } catch (err) {
    emit({ event: 'error', message: `stop: ${err?.message ?? err}` })
  }
  process.exit(code)
}
process.on('SIGTERM', () => { shutdown(0) })
process.on('SIGINT', () => { shutdown(0) })
if (opts.pubsub != null) startPubsub(node, opts.subscribe, emit)
if (!opts.ignoreStdin) {
  // the parent closing our stdin is the second way to stop us (a test host that dies still closes it);
  // with --pubsub, each stdin line may be a pubsub command
  const lines = createInterface({ input: process.stdin })
  lines.on('line', (line) => { if (opts.pubsub != null) pubsubCommand(node, line, emit) })
  lines.on('close', () => { shutdown(0) })
  process.stdin.on('error', () => { shutdown(0) })
}

emit({ event: 'listening', peerId: node.peerId.toString(), addrs: node.getMultiaddrs().map(String) })

// js-libp2p identifies every new connection itself and allows one outbound identify stream per
// connection, so --identify waits for that result instead of opening a second stream (which fails
// with "Too many outbound protocol streams"). Results are kept per connection id from the start.
const identified = new Map()
function identifyResult (connection) {
  let entry = identified.get(connection.id)
  if (entry == null) {
    let resolve
    entry = { promise: new Promise(r => { resolve = r }), resolve }
    identified.set(connection.id, entry)
  }
  return entry
}
node.addEventListener('peer:identify', (evt) => {
  const c = evt.detail.connection
  if (c != null) identifyResult(c).resolve(evt.detail)
})

async function identifyOnce (connection) {
  const timeout = new Promise((resolve, reject) => setTimeout(() => reject(new Error('identify: no result within 10 s')), 10000).unref())
  return Promise.race([identifyResult(connection).promise, timeout])
}

async function runActions (d) {
  const connection = await node.dial(multiaddr(d.addr))
  if (d.ping > 0) {
    for (const rttMs of await runPing(connection, d.ping)) emit({ event: 'ping', rttMs: Number(rttMs.toFixed(3)) })
  }
  if (d.identify) {
    const r = await identifyOnce(connection)
    emit({
      event: 'identify',
      peerId: r.peerId.toString(),
      protocols: r.protocols,
      listenAddrs: r.listenAddrs.map(String),
      agentVersion: r.agentVersion ?? null,
      protocolVersion: r.protocolVersion ?? null,
      observedAddr: r.observedAddr?.toString() ?? null
    })
  }
  if (d.echoStreams > 0) emit({ event: 'echo', ...await runEcho(connection, d.echoStreams, d.echoBytes) })
  if (d.perfUpload != null || d.perfDownload != null) {
    emit({ event: 'perf', ...await runPerf(connection, d.perfUpload ?? 0, d.perfDownload ?? 0) })
  }
}

let failed = false
for (const d of opts.dials) {
  try {
    await runActions(d)
  } catch (err) {
    failed = true
    emit({ event: 'error', message: `${d.addr}: ${err?.message ?? err}` })
  }
}
if (opts.dht != null && (opts.bootstrap.length > 0 || opts.dhtActions.length > 0)) {
  try {
    for (const b of opts.bootstrap) await node.dial(multiaddr(b))
    if (opts.bootstrap.length > 0) await waitForTable(node)
    emit({ event: 'dht:ready', mode: opts.dht, peers: node.services.dht.routingTable.size })
    for (const action of opts.dhtActions) await runDhtAction(node, action, emit)
  } catch (err) {
    failed = true
    emit({ event: 'error', message: `dht: ${err?.message ?? err}` })
  }
  if (opts.dhtActions.length > 0) emit({ event: 'dht:done', ok: !failed })
}
if (opts.dials.length > 0) emit({ event: 'done', ok: !failed })
if (opts.exitAfterActions || failed) await shutdown(failed ? 1 : 0)
