// Runs @libp2p/interop 14.0.16 with our daemon in the "go" slot. Exit code 0 when no test failed and no
// expected failure passed.
//   node run.mjs [--daemon native|wasm] [--p2p 'dotnet .../p2p.dll'] [--only REGEX] [--all-pairings]
//                [--summary FILE] [--deadline SECONDS] [--log-dir DIR] [--timeout-scale N]
// --only REGEX      run only the tests whose full title matches (the others are listed as not run, with the reason)
// --all-pairings    also run the js↔js tests (our node takes no part in them; left out by default)
// --timeout-scale N multiply every deadline the suite sets on its tests and hooks (and mocha's default) by N: the Wasm
//                   daemon runs on the Mono interpreter, and the DHT groups start 4 daemons in one 20 s hook, which on
//                   this 2-core machine next to the native run took 15-20 s (3-6 s alone); the assertions are unchanged
import './polyfill.mjs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import Mocha from 'mocha'
import { allTests, involvesOurs } from './classify.mjs'
import { configure, events, expectedFailuresFor, killAll, warmUp } from './factory.mjs'
import { InteropReporter } from './reporter.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, '../..')

function parseArgs (argv) {
  const o = { daemon: 'native', p2p: null, only: null, allPairings: false, summary: null, deadline: 900, logDir: null, timeoutScale: 1 }
  for (let i = 0; i < argv.length; i++) {
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${argv[i]} needs a value`)
      return argv[++i]
    }
    switch (argv[i]) {
      case '--daemon': o.daemon = value(); break
      case '--p2p': o.p2p = value(); break
      case '--only': o.only = new RegExp(value()); break
      case '--all-pairings': o.allPairings = true; break
      case '--summary': o.summary = value(); break
      case '--deadline': o.deadline = Number(value()); break
      case '--log-dir': o.logDir = value(); break
      case '--timeout-scale': o.timeoutScale = Number(value()); break
      default: throw new Error(`unknown argument ${argv[i]}`)
    }
  }
  if (o.daemon !== 'native' && o.daemon !== 'wasm') throw new Error('--daemon is native or wasm')
  if (!(o.timeoutScale >= 1)) throw new Error('--timeout-scale is a number >= 1')
  return o
}

const args = parseArgs(process.argv.slice(2))
const p2p = (args.p2p ?? `dotnet ${path.join(root, 'src/Libp2p.Cli/bin/Release/net10.0/p2p.dll')}`).split(' ').filter(Boolean)
configure({
  goDaemon: args.daemon,
  p2pCommand: p2p,
  wasmCommand: [path.join(root, 'wasm/p2p')],
  logDir: args.logDir ?? path.join(here, 'logs', args.daemon),
  // the Wasm app starts in ~1-2 s under Node (Mono interpreter), the native tool in ~0.5 s
  startTimeoutMs: args.daemon === 'wasm' ? 30_000 : 20_000
})

// The whole run has a deadline too: past it every daemon is killed and the run fails.
const watchdog = setTimeout(() => {
  process.stdout.write(`interop suite (${args.daemon}): deadline of ${args.deadline} s passed; killing ${killAll({ includeSpare: true })} daemon(s)\n`)
  process.exit(1)
}, args.deadline * 1000)
watchdog.unref()
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    killAll({ includeSpare: true })
    process.exit(130)
  })
}

// mocha's own --timeout 20000 (its 2 s default fails even js↔js floodsub); the suite sets its own per test/hook.
if (args.timeoutScale !== 1) {
  const timeout = Mocha.Context.prototype.timeout
  Mocha.Context.prototype.timeout = function (ms) {
    return arguments.length === 0 ? timeout.call(this) : timeout.call(this, typeof ms === 'number' ? ms * args.timeoutScale : ms)
  }
}
const leftOut = new Map()
let exitCode = 1
const mocha = new Mocha({
  timeout: 20_000 * args.timeoutScale,
  reporter: InteropReporter,
  reporterOptions: {
    name: args.daemon,
    expectedFailures: expectedFailuresFor(args.daemon),
    events,
    leftOut,
    summaryFile: args.summary,
    killLeftovers: killAll,
    onEnd: (totals) => { exitCode = totals.failed > 0 || totals.xpass > 0 ? 1 : 0 }
  }
})
mocha.addFile(path.join(here, 'suite.test.mjs'))
// the suite's gossipsub and hybrid scenarios, which it skips itself, as our own tests (counted by the same reporter)
mocha.addFile(path.join(here, 'pubsub.test.mjs'))
await mocha.loadFilesAsync()

for (const test of allTests(mocha.suite)) {
  if (!args.allPairings && !involvesOurs(test)) leftOut.set(test.fullTitle(), 'js↔js pairing, our node takes no part (--all-pairings runs it)')
  else if (args.only != null && !args.only.test(test.fullTitle())) leftOut.set(test.fullTitle(), `not in this run's subset (--only ${args.only.source})`)
}
if (leftOut.size > 0) {
  const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  mocha.grep(new RegExp(`^(?:${[...leftOut.keys()].map(escape).join('|')})$`))
  mocha.invert()
}

if (args.timeoutScale !== 1) process.stdout.write(`interop suite (${args.daemon}): the suite's deadlines ×${args.timeoutScale} (--timeout-scale)\n`)
if (!await warmUp()) process.stdout.write(`interop suite (${args.daemon}): the spare daemons were not all ready within 60 s; going on\n`)
mocha.run(() => {
  const left = killAll({ includeSpare: true })
  if (left > 0) process.stdout.write(`interop suite (${args.daemon}): killed ${left} daemon(s) still running after the run\n`)
  // Clients may keep sockets open; the run is over.
  process.exit(exitCode)
})
