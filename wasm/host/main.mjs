// Node host of the browser-wasm app: loads the published .NET runtime, registers the WASI glue over jco's
// preview2-shim, and runs Main with our arguments. Host options come first, in any order:
//   --deny-network        start without the network capability: bind/connect then fail with WASI `access-denied`
//   --abi js|canonical    which C# backend reaches the shim (default js): `js` = JsHostBackend over wasi-glue.mjs;
//                         `canonical` = CanonicalAbiBackend (what a component build runs) whose final calls are the
//                         functions jco lowered with the canonical ABI (canonical-glue.mjs)
//   --warm                load the runtime, print {"event":"warm"}, then take the app's arguments as one JSON array
//                         on the first line of stdin and run Main with them: a test harness keeps such a process
//                         ready, because loading the runtime is most of a start (seconds under load)
import { createSockets } from '@bytecodealliance/preview2-shim/sockets';
import { createWasiGlue } from './wasi-glue.mjs';
import { createStdinGlue } from './stdin.mjs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import fs from 'node:fs';

const here = path.dirname(fileURLToPath(import.meta.url));
// The runtime's own defaults (jiterpreter on, SIMD in traces) measured best; see docs/wasi.md "Runtime options".
const DEFAULT_RUNTIME_OPTIONS = [];
const framework = process.env.LIBP2P_WASM_FRAMEWORK ?? path.join(here, '..', 'app', 'publish', 'wwwroot', '_framework');

let args = process.argv.slice(2);
let enableNetwork = true;
let abi = 'js';
let warm = false;
for (;;) {
  if (args[0] === '--deny-network') { enableNetwork = false; args = args.slice(1); continue; }
  if (args[0] === '--warm') { warm = true; args = args.slice(1); continue; }
  if (args[0] === '--abi') {
    abi = args[1];
    if (abi !== 'js' && abi !== 'canonical') {
      process.stderr.write(JSON.stringify({ error: 'ArgumentException', message: `--abi must be js or canonical, not ${abi}` }) + '\n');
      process.exit(2);
    }
    args = args.slice(2);
    continue;
  }
  break;
}

// Runtime options (jiterpreter and interpreter switches, e.g. "--jiterpreter-minimum-trace-hit-count=500"):
// space-separated in LIBP2P_WASM_RUNTIME_OPTIONS, added after the defaults below.
const runtimeOptions = [...DEFAULT_RUNTIME_OPTIONS, ...(process.env.LIBP2P_WASM_RUNTIME_OPTIONS ?? '').split(' ').filter(Boolean)];

// LIBP2P_WASM_PROFILE=1: time every call C# makes into the glue and print a table on stderr at exit: the split
// between the shim (its synchronous RPCs), the yields to Node, the runtime's timers, and what is left (C#: crypto,
// framing, the loop); =trace adds the timeline of the last dial. Made before the runtime, whose timers it counts.
const profileMode = process.env.LIBP2P_WASM_PROFILE;
const profile = profileMode === '1' || profileMode === 'trace' ? (await import('./profile.mjs')).createProfile(profileMode === 'trace') : null;

const { dotnet } = await import(pathToFileURL(path.join(framework, 'dotnet.js')).href);
let builder = dotnet.withEnvironmentVariable('LIBP2P_WASM_ABI', abi).withRuntimeOptions(runtimeOptions);
for (const name of ['LIBP2P_LOG', 'LIBP2P_WASM_LOOP_TRACE']) {
  if (process.env[name] !== undefined) builder = builder.withEnvironmentVariable(name, process.env[name]);
}
const runtime = await builder.create();
useImmediatesForZeroDelayJobs(runtime.Module);
if (warm) {
  process.stdout.write(JSON.stringify({ event: 'warm' }) + '\n');
  args = await readArgumentsLine();
}

// `--key FILE`: the app's file system is an in-memory one, so the host copies the key file into it at the same
// (absolute) path before Main runs; a file the host cannot read is left for the app to report as missing.
const keyFiles = [];
for (let i = 0; i < args.length; i++) {
  const inline = args[i].startsWith('--key=') ? args[i].slice('--key='.length) : null;
  if ((args[i] !== '--key' || i + 1 === args.length) && inline === null) continue;
  const file = path.resolve(inline ?? args[i + 1]);
  if (inline !== null) args[i] = `--key=${file}`; else args[i + 1] = file;
  try { keyFiles.push({ file, data: fs.readFileSync(file) }); } catch { }
}

for (const { file, data } of keyFiles) {
  runtime.Module.FS_createPath('/', path.dirname(file).slice(1), true, true);
  try { runtime.Module.FS_createDataFile(path.dirname(file), path.basename(file), data, true, false, false); }
  catch { } // named twice: copied already
}
const sockets = createSockets({ enableNetwork });
const wrap = (glue, prefix) => (profile ? profile.wrap(glue, prefix) : glue);
// The loop's yield (setImmediate) lives in this module for both ABIs.
runtime.setModuleImports('libp2p-wasi', wrap(createWasiGlue(sockets), ''));
if (abi === 'canonical') {
  const { createCanonicalGlue } = await import('./canonical-glue.mjs');
  runtime.setModuleImports('libp2p-wasi-canonical', wrap(await createCanonicalGlue(sockets, runtime.Module), 'canonical.'));
}
runtime.setModuleImports('libp2p-stdin', createStdinGlue());
// `kill -USR2 <pid>`: one {"event":"memory",...} line on stdout, taken between two turns of the app's loop: the
// process's RSS, the Wasm linear memory's size, this isolate's V8 heap, and the managed heap after a full collection
// (wasm/app/MemoryReport.cs). The benchmark's idle figure reads it to say where an idle connection's bytes are.
const appExports = await runtime.getAssemblyExports('Libp2p.WasmApp.dll');
process.on('SIGUSR2', () => {
  const m = process.memoryUsage();
  // An app built before MemoryReport existed (LIBP2P_WASM_FRAMEWORK) reports no managed figures.
  const report = appExports?.Libp2p?.WasmApp?.MemoryReport?.Managed;
  const managed = report ? `,${report(true)}` : '';
  process.stdout.write(`{"event":"memory","rss_bytes":${m.rss},"wasm_memory_bytes":${runtime.Module.wasmExports.memory.buffer.byteLength},` +
    `"js_heap_used_bytes":${m.heapUsed},"js_external_bytes":${m.external}${managed}}\n`);
});
const code = await runtime.runMain(undefined, args);
profile?.report();
process.exit(code);

/**
 * The .NET runtime runs its thread pool (every continuation posted with RunContinuationsAsynchronously, which the
 * stack uses at each Yamux stream read and write, Yamux's write pump, multistream's lazy select, a ping) from
 * `Module.safeSetTimeout(job, 0)`, and Node runs a zero-delay setTimeout no sooner than 1 ms later: a few such hops
 * per round trip made a first ping on an open connection take ~8 ms. Here a zero delay runs from the next
 * setImmediate instead (after Node's I/O, as a turn of the C# event loop does), keeping emscripten's keep-alive
 * count as safeSetTimeout does; timers with a real delay are left to setTimeout. `safeSetTimeout` is emscripten's
 * (the runtime calls it as a Module property); when a runtime has none, nothing changes.
 */
function useImmediatesForZeroDelayJobs (module) {
  const safeSetTimeout = module.safeSetTimeout;
  if (typeof safeSetTimeout !== 'function' || typeof module.runtimeKeepalivePush !== 'function') return;
  module.safeSetTimeout = (job, delay) => {
    if (delay > 0) return safeSetTimeout(job, delay);
    module.runtimeKeepalivePush();
    // The runtime's jobs catch their own exceptions and check for exit (mono_background_exec, the timer tick).
    return setImmediate(() => {
      module.runtimeKeepalivePop();
      job();
    });
  };
}

/** The first line of stdin as a JSON array of strings; what follows it stays in stdin for the app. */
function readArgumentsLine () {
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const onData = (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      const nl = buffered.indexOf(10);
      if (nl < 0) return;
      process.stdin.off('data', onData).off('end', onEnd).pause();
      const rest = buffered.subarray(nl + 1);
      if (rest.length > 0) process.stdin.unshift(rest);
      try {
        const parsed = JSON.parse(buffered.subarray(0, nl).toString('utf8'));
        if (!Array.isArray(parsed) || !parsed.every(a => typeof a === 'string')) throw new Error('not an array of strings');
        resolve(parsed);
      } catch (err) {
        reject(new Error(`--warm: the first line of stdin must be a JSON array of strings (${err.message})`));
      }
    };
    // stdin closed before any arguments came: the spare is no longer wanted
    const onEnd = () => process.exit(0);
    process.stdin.on('data', onData).on('end', onEnd);
  });
}
