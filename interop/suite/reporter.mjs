// A mocha reporter for the interop suite: one line per test with its outcome and why, then a table per group ×
// pairing × security. It knows the expected failures (factory.mjs) and the tests this run leaves out, and it makes
// visible what mocha would not: tests that never ran because their "before" hook failed count as failed, tests
// left out or skipped show their reason. Writes the totals as JSON when asked (scripts/test reads them).
import fs from 'node:fs'
import Mocha from 'mocha'
import { allTests, classify } from './classify.mjs'

const { EVENT_RUN_BEGIN, EVENT_RUN_END, EVENT_SUITE_END, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING, EVENT_HOOK_BEGIN, EVENT_HOOK_END } = Mocha.Runner.constants

const MARK = { passed: '✓', failed: '✗', xfail: '~', xpass: '!', skipped: '-' }

export class InteropReporter extends Mocha.reporters.Base {
  constructor (runner, options) {
    super(runner, options)
    const o = options.reporterOptions
    const results = new Map() // test -> { status, detail }
    const unsupportedBySuite = new Map()
    const hookFailures = []
    let tests = []
    let hookMark = 0
    const started = Date.now()

    const print = (line) => { process.stdout.write(line + '\n') }

    const record = (test, status, detail) => {
      if (results.has(test)) return
      const name = test.fullTitle()
      if (o.expectedFailures.has(name)) {
        if (status === 'passed') {
          status = 'xpass'
          detail = `${detail}; UNEXPECTED PASS: it is listed in expectedFailures (factory.mjs), remove it`
        } else if (status === 'failed') {
          status = 'xfail'
          detail = `expected failure (${o.expectedFailures.get(name)}): ${detail}`
        }
      }
      results.set(test, { status, detail })
      print(`  ${MARK[status]} ${name} — ${status}${detail ? `: ${detail}` : ''}`)
    }

    const reasonFor = (test) => {
      for (let s = test.parent; s != null; s = s.parent) {
        const messages = unsupportedBySuite.get(s)
        if (messages != null) return `UnsupportedError: ${messages.join('; ')}`
      }
      for (let s = test.parent; s != null; s = s.parent) {
        if (s.pending) return 'describe.skip inside @libp2p/interop 14.0.16 (disabled upstream)'
      }
      return 'skipped by the test itself, no reason recorded'
    }

    runner.once(EVENT_RUN_BEGIN, () => {
      tests = allTests(runner.suite)
      print(`interop suite (${o.name}): @libp2p/interop 14.0.16; the suite's "go" slot is our ${o.name} daemon, "js" is js-libp2p 3.3.11`)
      for (const test of tests) {
        const reason = o.leftOut.get(test.fullTitle())
        if (reason != null) record(test, 'skipped', `not run: ${reason}`)
      }
    })
    runner.on(EVENT_HOOK_BEGIN, () => { hookMark = o.events.unsupported.length })
    runner.on(EVENT_HOOK_END, (hook) => {
      const messages = o.events.unsupported.slice(hookMark)
      if (messages.length > 0) unsupportedBySuite.set(hook.parent, [...(unsupportedBySuite.get(hook.parent) ?? []), ...messages])
    })
    runner.on(EVENT_TEST_PASS, (test) => record(test, 'passed', `${test.duration} ms`))
    runner.on(EVENT_TEST_PENDING, (test) => record(test, 'skipped', reasonFor(test)))
    runner.on(EVENT_TEST_FAIL, (runnable, err) => {
      const message = describeError(err)
      if (runnable.type !== 'hook') {
        record(runnable, 'failed', message)
        return
      }
      if (/^"before (all|each)" hook/.test(runnable.title)) {
        // mocha runs none of the suite's remaining tests after this; each counts as failed with the hook's error
        const hook = runnable.title.replace(/ for ".*"$/, '')
        for (const test of allTests(runnable.parent)) record(test, 'failed', `${hook} failed: ${message}`)
      } else {
        const expected = allTests(runnable.parent).every(t => o.expectedFailures.has(t.fullTitle()))
        hookFailures.push({ name: runnable.fullTitle(), message, expected })
        print(`  ${expected ? MARK.xfail : MARK.failed} ${runnable.fullTitle()} — ${expected ? 'xfail' : 'failed'}: ${message}`)
      }
    })

    // A suite whose set-up failed halfway (one spawn of a Promise.all rejected) cannot stop the daemons that did
    // start: its after hook never got them. They are killed here; in a suite that otherwise passed it is a failure.
    runner.on(EVENT_SUITE_END, (suite) => {
      if (suite.tests.length === 0) return
      const left = o.killLeftovers()
      if (left === 0) return
      const clean = suite.tests.every(t => results.get(t)?.status === 'passed')
      const message = `${left} daemon(s) still ran after the suite ended: killed`
      if (clean) hookFailures.push({ name: suite.fullTitle(), message, expected: false })
      print(`  ${clean ? MARK.failed : ' '} ${suite.fullTitle()} — ${message}${clean ? '' : ' (its set-up had failed)'}`)
    })

    runner.once(EVENT_RUN_END, () => {
      for (const test of tests) {
        if (!results.has(test)) record(test, 'failed', 'never ran and mocha gave no reason')
      }
      for (const e of o.events.hardTimeouts) hookFailures.push({ name: 'hard timeout', message: e, expected: false })
      const totals = { passed: 0, failed: 0, xfail: 0, xpass: 0, skipped: 0 }
      const rows = new Map()
      for (const test of tests) {
        const { status } = results.get(test)
        totals[status]++
        const c = classify(test)
        const key = `${c.group}\t${c.pairing}\t${c.security}`
        const row = rows.get(key) ?? { ...c, passed: 0, failed: 0, xfail: 0, xpass: 0, skipped: 0 }
        row[status]++
        rows.set(key, row)
      }
      for (const h of hookFailures) totals[h.expected ? 'xfail' : 'failed']++
      print('')
      print(`results (${o.name}): group × pairing (first dials or sends) × security; "go" is our daemon`)
      print(`  ${'group'.padEnd(26)} ${'pairing'.padEnd(14)} ${'security'.padEnd(10)} passed failed xfail xpass skipped`)
      for (const r of [...rows.values()].sort((a, b) => a.group.localeCompare(b.group) || a.pairing.localeCompare(b.pairing) || a.security.localeCompare(b.security))) {
        print(`  ${r.group.padEnd(26)} ${r.pairing.padEnd(14)} ${r.security.padEnd(10)} ${String(r.passed).padStart(6)} ${String(r.failed).padStart(6)} ${String(r.xfail).padStart(5)} ${String(r.xpass).padStart(5)} ${String(r.skipped).padStart(7)}`)
      }
      for (const h of hookFailures) print(`  ${h.expected ? 'expected ' : ''}failure outside a test: ${h.name}: ${h.message}`)
      const seconds = ((Date.now() - started) / 1000).toFixed(1)
      print(`interop suite (${o.name}) in ${seconds} s — passed ${totals.passed}, failed ${totals.failed}, expected failures ${totals.xfail}, unexpected passes ${totals.xpass}, skipped ${totals.skipped}`)
      if (o.summaryFile != null) fs.writeFileSync(o.summaryFile, JSON.stringify({ name: o.name, seconds: Number(seconds), ...totals }) + '\n')
      o.onEnd?.(totals)
    })
  }
}

function describeError (err) {
  if (err == null) return 'unknown error'
  const name = err.name != null && err.name !== 'Error' ? `${err.name}: ` : ''
  return `${name}${String(err.message ?? err).split('\n')[0]}`
}
