// Opt-in profile of the Wasm app's calls into the WASI glue (LIBP2P_WASM_PROFILE=1, see main.mjs): per function,
// calls and wall time spent inside it. Promise-returning calls (the loop's yield to Node) are timed until they
// settle. Everything not inside a glue call is the .NET side: interpreter, jiterpreter traces, GC.
export function createProfile() {
  const stats = new Map();
  const start = performance.now();
  const stat = (name) => {
    let s = stats.get(name);
    if (!s) stats.set(name, (s = { calls: 0, ms: 0 }));
    return s;
  };
  return {
    wrap(glue, prefix) {
      const out = {};
      for (const [name, f] of Object.entries(glue)) {
        const s = stat(prefix + name);
        out[name] = function (...args) {
          const t = performance.now();
          const r = f.apply(this, args);
          if (r instanceof Promise) return r.finally(() => { s.calls++; s.ms += performance.now() - t; });
          s.calls++;
          s.ms += performance.now() - t;
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
      for (const [name, s] of rows) {
        if (!name.endsWith('yieldToEventLoop')) inGlue += s.ms;
        lines.push(`  ${name.padEnd(40)} ${String(s.calls).padStart(9)} calls ${s.ms.toFixed(1).padStart(10)} ms ${(1000 * s.ms / s.calls).toFixed(1).padStart(8)} us/call`);
      }
      const yields = rows.filter(([n]) => n.endsWith('yieldToEventLoop')).reduce((a, [, s]) => a + s.ms, 0);
      lines.push(`  in WASI calls ${inGlue.toFixed(0)} ms, waiting on yields to Node ${yields.toFixed(0)} ms, elsewhere (.NET) ${(total - inGlue - yields).toFixed(0)} ms`);
      process.stderr.write(lines.join('\n') + '\n');
    },
  };
}
