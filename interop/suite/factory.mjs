// The DaemonFactory the suite drives: its "go" slot is our daemon (`p2p daemon`, natively or inside Wasm), its
// "js" slot a js-libp2p daemon (js-daemon.mjs). Every daemon is its own process with a hard timeout, killed by PID.
// A daemon that refuses an option (exit code 2, "unsupported" on stderr) becomes the suite's UnsupportedError.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createClient } from '@libp2p/daemon-client'
import { UnsupportedError } from '@libp2p/interop'
import { multiaddr } from '@multiformats/multiaddr'

const here = path.dirname(fileURLToPath(import.meta.url))

/**
 * THE list of tests in which our node takes part and that are expected to fail: [full title, reason] (the full title
 * is the describe titles and the test title joined by spaces, as mocha's fullTitle() gives them), or
 * [full title, reason, 'wasm'] for a failure expected in the Wasm run only. Only groups whose protocol is still open
 * belong here; remove a line when its protocol lands. A test listed here that passes is reported as an unexpected
 * pass and fails the run, so the list cannot go stale.
 */
export const expectedFailures = [
  // Empty: every test in which our node takes part passes, natively and inside Wasm (TLS inside Wasm runs on the
  // managed engine since it landed; docs/security.md).
];

/** The expected failures of a run with our daemon built as <code>daemon</code> ('native' or 'wasm'): full title → reason. */
export function expectedFailuresFor (daemon) {
  return new Map(expectedFailures.filter(([, , only]) => only == null || only === daemon).map(([name, reason]) => [name, reason]))
}

// What the factory saw, for the reporter: UnsupportedError messages (a skipped test's reason) and hard timeouts.
export const events = { unsupported: [], hardTimeouts: [] }

const config = {
  goDaemon: 'native', // or 'wasm'
  p2pCommand: null, // [executable, ...args] that runs `p2p`
  wasmCommand: null, // [executable, ...args] that runs `wasm/p2p`
  logDir: path.join(here, 'logs'),
  startTimeoutMs: 20_000,
  hardTimeoutMs: 120_000,
  stopTimeoutMs: 12_000
}

export function configure (settings) {
  Object.assign(config, settings)
  fs.mkdirSync(config.logDir, { recursive: true })
}

const children = new Set()
let spawned = 0

/**
 * Kills every daemon still running (by PID) and returns how many there were. The warm spares are not daemons yet:
 * they are killed too only with <code>includeSpare</code> (at the end of the run).
 */
export function killAll ({ includeSpare = false } = {}) {
  let left = 0
  for (const child of [...children]) {
    const isSpare = Object.values(pools).some(pool => pool.spares.some(p => p.child === child))
    if (isSpare && !includeSpare) continue
    left += isSpare ? 0 : 1
    try { process.kill(child.pid, 'SIGKILL') } catch {}
    children.delete(child)
  }
  if (includeSpare) {
    for (const pool of Object.values(pools)) {
      pool.spares.length = 0
      pool.warming.clear()
    }
  }
  return left
}

export const factory = {
  async spawn (options) {
    if (options.type === 'go') return spawnOurs(options)
    return spawnJs(options)
  }
}

// Daemon processes kept ready, modules loaded, waiting for their options on stdin: js daemons (Node takes ~2 s to
// load js-libp2p, most of a test's set-up otherwise) and, in a Wasm run, ours (`wasm/p2p --warm`: the .NET runtime
// is loaded, the arguments come on stdin; that is about half of a Wasm daemon's start). Seconds each on a loaded
// machine, and the DHT groups start 4 daemons at once in a 20 s hook: 4 spares of each kind, refilled at most 2 at a
// time so the refill competes little with the running test (measured under load: one at a time fell behind).
const SPARES = 4
const REFILLING = 2
const pools = {
  js: { spares: [], warming: new Set(), command: () => [process.execPath, path.join(here, 'js-daemon.mjs'), '--warm'] },
  'dotnet-wasm': { spares: [], warming: new Set(), command: () => [...config.wasmCommand, '--warm'] }
}

/** Starts the spares and waits until they have loaded js-libp2p or the .NET runtime (so no test pays for it). */
export async function warmUp (timeoutMs = 60_000) {
  const procs = []
  for (const kind of config.goDaemon === 'wasm' ? ['js', 'dotnet-wasm'] : ['js']) {
    const pool = pools[kind]
    while (pool.spares.length < SPARES) pool.spares.push(launch(kind, pool.command()))
    procs.push(...pool.spares)
  }
  const timer = new Promise(resolve => setTimeout(() => resolve(false), timeoutMs).unref())
  return Promise.race([timer, Promise.all(procs.map(proc => Promise.race([
    new Promise(resolve => { proc.onMessage = (msg) => { if (msg.event === 'warm') resolve(true) } }),
    proc.exited.then(() => false)
  ]))).then(ready => ready.every(Boolean))])
}

/** A spare of that kind still alive (a fresh one when none is), taken out of its pool, which then refills. */
function takeSpare (kind) {
  const pool = pools[kind]
  let proc
  while ((proc = pool.spares.shift()) != null && (proc.child.exitCode != null || proc.child.signalCode != null)) {}
  proc ??= launch(kind, pool.command())
  pool.warming.delete(proc)
  refill(kind)
  return proc
}

function refill (kind) {
  const pool = pools[kind]
  while (pool.warming.size < REFILLING && pool.spares.length < SPARES) {
    const proc = launch(kind, pool.command())
    pool.spares.push(proc)
    pool.warming.add(proc)
    const next = () => {
      if (pool.warming.delete(proc)) refill(kind)
    }
    proc.onMessage = (msg) => { if (msg.event === 'warm') next() }
    proc.exited.then(next)
  }
}

function spawnJs (options) {
  const proc = takeSpare('js')
  proc.log.write(`# options ${JSON.stringify(options)} at ${proc.since()}\n`)
  proc.child.stdin.write(JSON.stringify(options) + '\n')
  return whenReady(proc, true)
}

async function spawnOurs (options) {
  if (options.transport != null && options.transport !== 'tcp') {
    throw unsupported(`${options.transport}: the .NET daemon has the TCP transport only`)
  }
  const args = ['daemon', '--control', '/ip4/127.0.0.1/tcp/0']
  if (options.noListen === true) args.push('--no-listen')
  else args.push('--listen', '/ip4/127.0.0.1/tcp/0')
  if (options.key != null) args.push('--key', options.key)
  if (options.encryption != null) args.push('--security', options.encryption)
  if (options.muxer != null) args.push('--muxer', options.muxer)
  if (options.dht === true) args.push('--dht')
  if (options.pubsub === true) args.push('--pubsub', options.pubsubRouter ?? 'gossipsub')
  if (options.relay === true) args.push('--relay')
  const wasm = config.goDaemon === 'wasm'
  const proc = wasm ? takeSpare('dotnet-wasm') : launch('dotnet', [...config.p2pCommand, ...args])
  proc.log.write(`# options ${JSON.stringify(options)}\n`)
  if (wasm) {
    proc.log.write(`# arguments ${JSON.stringify(args)} at ${proc.since()}\n`)
    proc.child.stdin.write(JSON.stringify(args) + '\n')
  }
  // Inside Wasm there are no POSIX signals: the Node host is ended by the signal itself, not with exit code 0.
  return whenReady(proc, !wasm)
}

function unsupported (message) {
  events.unsupported.push(message)
  return new UnsupportedError(message)
}

/** Starts a daemon process: output to its log file, a line reader on stdout, the exit recorded. */
function launch (kind, [file, ...args]) {
  const n = ++spawned
  const log = fs.createWriteStream(path.join(config.logDir, `${String(n).padStart(3, '0')}-${kind}.log`))
  log.write(`$ ${[file, ...args].join(' ')}\n`)
  const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'] })
  children.add(child)
  child.stdin.on('error', () => {}) // a daemon that exited early; its exit says why
  const t0 = Date.now()
  const since = () => `${Date.now() - t0} ms`
  const proc = { kind, n, log, child, since, stderr: '', onMessage: null, hard: null }
  proc.exited = new Promise(resolve => {
    child.on('exit', (code, signal) => {
      children.delete(child)
      clearTimeout(proc.hard)
      log.end(`# exit code=${code} signal=${signal} at ${since()}\n`)
      resolve({ code, signal })
    })
  })
  child.stderr.on('data', buf => { proc.stderr += buf; log.write(buf) })
  let pending = ''
  child.stdout.on('data', buf => {
    log.write(buf)
    pending += buf
    let nl
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl)
      pending = pending.slice(nl + 1)
      try { proc.onMessage?.(JSON.parse(line)) } catch {}
    }
  })
  return proc
}

/** Waits for the daemon's ready line; from then on it has a hard lifetime limit and is stopped by PID. */
function whenReady (proc, expectCleanExit) {
  const { kind, n, log, child } = proc
  proc.hard = setTimeout(() => {
    events.hardTimeouts.push(`${kind} daemon #${n} (pid ${child.pid}) still ran after ${config.hardTimeoutMs} ms: killed`)
    try { process.kill(child.pid, 'SIGKILL') } catch {}
  }, config.hardTimeoutMs)
  proc.hard.unref()
  let startTimedOut = false
  const startTimer = setTimeout(() => {
    startTimedOut = true
    try { process.kill(child.pid, 'SIGKILL') } catch {}
  }, config.startTimeoutMs)
  const ready = new Promise((resolve, reject) => {
    proc.onMessage = (msg) => {
      if (msg.event !== 'daemon') return
      log.write(`# ready at ${proc.since()}\n`)
      resolve(msg)
    }
    proc.exited.then(({ code, signal }) => {
      const said = proc.stderr.trim().split('\n').filter(Boolean).pop() ?? ''
      if (code === 2 && /unsupported/.test(proc.stderr)) reject(unsupported(`${kind}: ${said}`))
      else if (startTimedOut) reject(new Error(`${kind} daemon #${n} was not ready within ${config.startTimeoutMs} ms: killed; see ${log.path}`))
      else reject(new Error(`${kind} daemon #${n} exited before it was ready (code ${code}, signal ${signal}): ${said}`))
    })
  })
  return ready.finally(() => clearTimeout(startTimer)).then(msg => ({
    client: createClient(multiaddr(msg.control)),
    async stop () {
      if (child.exitCode == null && child.signalCode == null) {
        log.write(`# SIGTERM at ${proc.since()}\n`)
        try { process.kill(child.pid, 'SIGTERM') } catch {}
      }
      const timer = setTimeout(() => { try { process.kill(child.pid, 'SIGKILL') } catch {} }, config.stopTimeoutMs)
      const { code, signal } = await proc.exited
      clearTimeout(timer)
      if (expectCleanExit && code !== 0) {
        throw new Error(`${kind} daemon #${n} did not close cleanly on SIGTERM (code ${code}, signal ${signal}); see ${log.path}`)
      }
    }
  }))
}
