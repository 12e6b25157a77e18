// JS side of Libp2p.Transport.WasiSockets' JcoImports (module "libp2p-wasi-canonical"): for each of the 44 WASI
// imports CanonicalAbiBackend calls, the very function jco lowered for it with the canonical ABI. jco's generated
// code (wasm/host/generated, from wasm/codegen/generate.mjs) is instantiated with .NET's linear memory and a
// cabi_realloc over .NET's malloc in place of the dummy core module's, so jco reads parameters and writes return
// areas and returned lists straight into the .NET heap, and calls preview2-shim behind them. No argument is
// converted here: the C# twins pass i64 as BigInt, as jco's lowered functions take them.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { io, clocks } from '@bytecodealliance/preview2-shim';

const here = path.dirname(fileURLToPath(import.meta.url));

// C# twin name (Abi/JcoImports.cs) -> [WIT interface, WIT function, flat parameter count incl. the return area].
const TWINS = {
  InstanceNetwork: ['wasi:sockets/instance-network', 'instance-network', 0],
  DropNetwork: ['wasi:sockets/network', '[resource-drop]network', 1],
  CreateTcpSocket: ['wasi:sockets/tcp-create-socket', 'create-tcp-socket', 2],
  StartBind: ['wasi:sockets/tcp', '[method]tcp-socket.start-bind', 15],
  FinishBind: ['wasi:sockets/tcp', '[method]tcp-socket.finish-bind', 2],
  StartConnect: ['wasi:sockets/tcp', '[method]tcp-socket.start-connect', 15],
  FinishConnect: ['wasi:sockets/tcp', '[method]tcp-socket.finish-connect', 2],
  StartListen: ['wasi:sockets/tcp', '[method]tcp-socket.start-listen', 2],
  FinishListen: ['wasi:sockets/tcp', '[method]tcp-socket.finish-listen', 2],
  Accept: ['wasi:sockets/tcp', '[method]tcp-socket.accept', 2],
  LocalAddress: ['wasi:sockets/tcp', '[method]tcp-socket.local-address', 2],
  RemoteAddress: ['wasi:sockets/tcp', '[method]tcp-socket.remote-address', 2],
  SetListenBacklogSize: ['wasi:sockets/tcp', '[method]tcp-socket.set-listen-backlog-size', 3],
  SetKeepAliveEnabled: ['wasi:sockets/tcp', '[method]tcp-socket.set-keep-alive-enabled', 3],
  SetKeepAliveIdleTime: ['wasi:sockets/tcp', '[method]tcp-socket.set-keep-alive-idle-time', 3],
  SetKeepAliveInterval: ['wasi:sockets/tcp', '[method]tcp-socket.set-keep-alive-interval', 3],
  SetKeepAliveCount: ['wasi:sockets/tcp', '[method]tcp-socket.set-keep-alive-count', 3],
  SetHopLimit: ['wasi:sockets/tcp', '[method]tcp-socket.set-hop-limit', 3],
  SetReceiveBufferSize: ['wasi:sockets/tcp', '[method]tcp-socket.set-receive-buffer-size', 3],
  SetSendBufferSize: ['wasi:sockets/tcp', '[method]tcp-socket.set-send-buffer-size', 3],
  SubscribeTcpSocket: ['wasi:sockets/tcp', '[method]tcp-socket.subscribe', 1],
  Shutdown: ['wasi:sockets/tcp', '[method]tcp-socket.shutdown', 3],
  DropTcpSocket: ['wasi:sockets/tcp', '[resource-drop]tcp-socket', 1],
  ResolveAddresses: ['wasi:sockets/ip-name-lookup', 'resolve-addresses', 4],
  ResolveNextAddress: ['wasi:sockets/ip-name-lookup', '[method]resolve-address-stream.resolve-next-address', 2],
  SubscribeResolveAddressStream: ['wasi:sockets/ip-name-lookup', '[method]resolve-address-stream.subscribe', 1],
  DropResolveAddressStream: ['wasi:sockets/ip-name-lookup', '[resource-drop]resolve-address-stream', 1],
  Read: ['wasi:io/streams', '[method]input-stream.read', 3],
  SubscribeInputStream: ['wasi:io/streams', '[method]input-stream.subscribe', 1],
  DropInputStream: ['wasi:io/streams', '[resource-drop]input-stream', 1],
  CheckWrite: ['wasi:io/streams', '[method]output-stream.check-write', 2],
  Write: ['wasi:io/streams', '[method]output-stream.write', 4],
  Flush: ['wasi:io/streams', '[method]output-stream.flush', 2],
  SubscribeOutputStream: ['wasi:io/streams', '[method]output-stream.subscribe', 1],
  DropOutputStream: ['wasi:io/streams', '[resource-drop]output-stream', 1],
  ErrorToDebugString: ['wasi:io/error', '[method]error.to-debug-string', 2],
  DropError: ['wasi:io/error', '[resource-drop]error', 1],
  Poll: ['wasi:io/poll', 'poll', 3],
  PollableReady: ['wasi:io/poll', '[method]pollable.ready', 1],
  PollableBlock: ['wasi:io/poll', '[method]pollable.block', 1],
  DropPollable: ['wasi:io/poll', '[resource-drop]pollable', 1],
  Now: ['wasi:clocks/monotonic-clock', 'now', 0],
  SubscribeDuration: ['wasi:clocks/monotonic-clock', 'subscribe-duration', 1],
  SubscribeInstant: ['wasi:clocks/monotonic-clock', 'subscribe-instant', 1],
};

/**
 * Instantiates jco's generated bindings over the .NET runtime's memory and returns the module C# imports as
 * "libp2p-wasi-canonical". `sockets` comes from preview2-shim's createSockets() (it carries the network capability);
 * `module` is the .NET runtime's emscripten Module (its `wasmExports.memory` and `_malloc`).
 */
export async function createCanonicalGlue(sockets, module, generatedDir = path.join(here, 'generated')) {
  const { instantiate } = await import(path.join(generatedDir, 'imports.js'));
  const memory = module.wasmExports.memory;
  const malloc = module._malloc;
  // cabi_realloc (jco only allocates: old pointer and size are always 0 here). A zero-byte request answers the
  // alignment, as wit-bindgen's does: a valid non-null pointer that C# never frees (it frees only non-empty lists;
  // jco also passes an empty string as pointer 1 without calling this). Everything else comes from .NET's malloc,
  // so C# releases it with NativeMemory.Free.
  const cabiRealloc = (oldPtr, oldSize, align, newSize) => {
    if (oldPtr !== 0) throw new Error('cabi_realloc: jco never grows a block here');
    if (newSize === 0) return align;
    const p = malloc(newSize);
    if (p === 0) throw new Error(`cabi_realloc: out of memory for ${newSize} bytes`);
    return p;
  };

  const imports = {
    'wasi:clocks/monotonic-clock': clocks.monotonicClock,
    'wasi:io/error': io.error,
    'wasi:io/poll': io.poll,
    'wasi:io/streams': io.streams,
    'wasi:sockets/instance-network': sockets.instanceNetwork,
    'wasi:sockets/ip-name-lookup': sockets.ipNameLookup,
    'wasi:sockets/network': sockets.network,
    'wasi:sockets/tcp': sockets.tcp,
    'wasi:sockets/tcp-create-socket': sockets.tcpCreateSocket,
  };

  // jco instantiates a small shim module, the main (dummy) module and a fixup module. The main one is the one
  // that exports a memory: instead of instantiating it we keep the lowered functions jco hands it and answer
  // with .NET's memory and our cabi_realloc. This relies on the shape of the pinned jco's output (not an API).
  let lowered = null;
  const instantiateCore = (core, importObject) => {
    const exported = WebAssembly.Module.exports(core);
    if (!exported.some((e) => e.kind === 'memory')) return new WebAssembly.Instance(core, importObject);
    lowered = importObject;
    const exports = {};
    for (const e of exported) {
      exports[e.name] = e.kind === 'memory' ? memory : /realloc/.test(e.name) ? cabiRealloc : () => {};
    }
    return { exports };
  };
  const getCoreModule = (name) => new WebAssembly.Module(readFileSync(path.join(generatedDir, name)));
  instantiate(getCoreModule, imports, instantiateCore);
  if (!lowered) throw new Error('jco bindings: the main core module was never instantiated');

  // Index the lowered functions by "interface#function" whatever jco's naming of core modules and drops
  // ("cm32p2|wasi:io/poll@0.2" + "pollable_drop", or "wasi:io/poll@0.2.0" + "[resource-drop]pollable").
  const byName = new Map();
  for (const [moduleName, functions] of Object.entries(lowered)) {
    const iface = moduleName.replace(/^[^|]*\|/, '').replace(/@[\d.]+$/, '');
    for (const [name, f] of Object.entries(functions)) {
      const drop = /^(.*)_drop$/.exec(name);
      byName.set(`${iface}#${drop ? `[resource-drop]${drop[1]}` : name}`, f);
    }
  }
  const glue = {};
  for (const [twin, [iface, name, arity]] of Object.entries(TWINS)) {
    const f = byName.get(`${iface}#${name}`);
    if (typeof f !== 'function') throw new Error(`jco bindings: no lowered function for ${iface}#${name}`);
    // The flat signature jco lowered must be the one C# calls (what a component build would link).
    if (f.length !== arity) throw new Error(`jco bindings: ${iface}#${name} takes ${f.length} flat parameters, C# passes ${arity}`);
    glue[twin] = f;
  }
  return glue;
}
