// Opt-in profile of the Wasm app's calls into the WASI glue (LIBP2P_WASM_PROFILE=1, see main.mjs): per function,
// calls and wall time spent inside it. Promise-returning calls (the loop's yield to Node) are timed until they
// settle. Everything not inside a glue call is the .NET side: interpreter, jiterpreter traces, GC.
// It also counts the runtime's own timers (setTimeout: the browser-wasm thread pool and System timers run from
// them, at least 1 ms later in Node) and how late they ran. LIBP2P_WASM_PROFILE=trace adds a timeline of the calls
// since the last socket the app created (a dial's round trips, turn by turn).
export function createProfile(trace = false) {
  const stats = new Map();
  const start = performance.now();
  const timeline = [];
  let lastTurnRequest = 0;
  const stat = (name) => {
    let s = stats.get(name);
    if (!s) stats.set(name, (s = { calls: 0, ms: 0 }));
    return s;
  };
  const record = (name, t, ms) => {
    if (!trace) return;
    if (name.endsWith('reateTcpSocket')) timeline.length = 0;
    if (timeline.length < 2000) timeline.push([name, t - start, ms]);
  };
  // The runtime's timers: installed before the runtime is created (it keeps a reference to globalThis.setTimeout).
  const timers = stat('(setTimeout by the runtime)');
  const originalSetTimeout = globalThis.setTimeout;
  globalThis.setTimeout = function (callback, delay, ...rest) {
    const t = performance.now();
    return originalSetTimeout((...a) => {
      timers.calls++;
      const late = performance.now() - t;
      timers.ms += late;
      record(`(timer ${delay ?? 0} ms, ran after)`, t, late);
      return callback(...a);
    }, delay, ...rest);
  };
  return {
    wrap(glue, prefix) {
      const out = {};
      for (const [name, f] of Object.entries(glue)) {
        const s = stat(prefix + name);
        if (name === 'registerTurnCallback') {
          // The loop's turns: how long each waited for Node after it was requested, and how long it ran (.NET).
          const waited = stat('(loop turn: wait for Node)');
          const ran = stat('(loop turn: running)');
          out[name] = (turn) => f((...a) => {
            const t = performance.now();
            waited.calls++;
            waited.ms += t - lastTurnRequest;
            record('(loop turn: waited)', lastTurnRequest, t - lastTurnRequest);
            try { return turn(...a); } finally { ran.calls++; ran.ms += performance.now() - t; }
          });
          continue;
        }
        if (name === 'requestTurn') {
          out[name] = (...args) => { lastTurnRequest = performance.now(); return f(...args); };
          continue;
        }
        out[name] = function (...args) {
          const t = performance.now();
          const r = f.apply(this, args);
          if (r instanceof Promise) return r.finally(() => { const ms = performance.now() - t; s.calls++; s.ms += ms; record(prefix + name, t, ms); });
          const ms = performance.now() - t;
          s.calls++;
          s.ms += ms;
          record(prefix + name, t, ms);
          return r;
        };
      }
      return out;
    },
    report() {
      const total = performance.now() - start;
      const rows = [...stats.entries()].filter(([, s]) => s.calls > 0).sort((a, b) => b[1].ms - a[1].ms);
      let inGlue = 0;
      const lines = [`profile: ${total.toFixed(0)} ms since the runtime started`];
      const waits = (n) => n.endsWith('yieldToEventLoop') || n.startsWith('(');
      // (loop turn: running) contains the WASI calls made in it: not added to either side.
      for (const [name, s] of rows) {
        if (!waits(name)) inGlue += s.ms;
        lines.push(`  ${name.padEnd(40)} ${String(s.calls).padStart(9)} calls ${s.ms.toFixed(1).padStart(10)} ms ${(1000 * s.ms / s.calls).toFixed(1).padStart(8)} us/call`);
      }
      const yields = rows.filter(([n]) => n.endsWith('yieldToEventLoop')).reduce((a, [, s]) => a + s.ms, 0);
      const turnWaits = stats.get('(loop turn: wait for Node)')?.ms ?? 0;
      lines.push(`  in WASI calls ${inGlue.toFixed(0)} ms, waiting on yields/turns from Node ${(yields + turnWaits).toFixed(0)} ms, elsewhere (.NET) ${(total - inGlue - yields - turnWaits).toFixed(0)} ms`);
      if (trace && timeline.length > 0) {
        lines.push('timeline since the last socket created (ms from its creation: call, duration):');
        timeline.sort((a, b) => a[1] - b[1]);
        const t0 = timeline[0][1];
        let gapFrom = t0;
        for (const [name, t, ms] of timeline) {
          lines.push(`  ${(t - t0).toFixed(3).padStart(9)} (+${(t - gapFrom).toFixed(3).padStart(7)})  ${name.padEnd(36)} ${ms.toFixed(3)}`);
          gapFrom = t + ms;
        }
      }
      process.stderr.write(lines.join('\n') + '\n');
    },
  };
}
