// JS side of Libp2p.Transport.WasiSockets' JsHostBackend: int handles over jco's WASI 0.2 host
// (@bytecodealliance/preview2-shim 0.26.1). Conventions shared with Abi/JsHostImports.cs:
//   negative return = -(1 + error-code index); stream calls: -1 closed, -2 last-operation-failed;
//   addresses are 12 ints [family, port, flow-info, scope-id, b0..b7].
// Every departure of the shim from the WASI contract is worked around HERE, each marked "DEFECT:".
import { io, clocks } from '@bytecodealliance/preview2-shim';

const ERROR_CODES = [
  'unknown', 'access-denied', 'not-supported', 'invalid-argument', 'out-of-memory', 'timeout',
  'concurrency-conflict', 'not-in-progress', 'would-block', 'invalid-state', 'new-socket-limit',
  'address-not-bindable', 'address-in-use', 'remote-unreachable', 'connection-refused',
  'connection-reset', 'connection-aborted', 'datagram-too-large', 'name-unresolvable',
  'temporary-resolver-failure', 'permanent-resolver-failure',
];
const FAMILIES = ['ipv4', 'ipv6'];

/** Creates the module the C# side imports as "libp2p-wasi". `sockets` comes from createSockets(). */
export function createWasiGlue(sockets) {
  // Handle table: handle -> { kind, obj, parent, children:Set, output? }.
  const table = new Map();
  let next = 1;
  let lastStreamError = '';
  const turnCallbacks = [];

  const add = (kind, obj, parent = 0) => {
    const h = next++;
    table.set(h, { kind, obj, parent, children: new Set() });
    if (parent) table.get(parent)?.children.add(h);
    return h;
  };
  const get = (h, kind) => {
    const e = table.get(h);
    if (!e || (kind && e.kind !== kind)) throw new Error(`wasi-glue: bad ${kind ?? 'resource'} handle ${h}`);
    return e;
  };
  const drop = (h) => {
    const e = table.get(h);
    if (!e) return;
    // DEFECT: the shim traps when a socket/stream is dropped before its pollables ("socket cannot be
    // dropped before its pollables"); WASI only requires children to go first, so drop any left over.
    for (const c of e.children) drop(c);
    table.delete(h);
    if (e.parent) table.get(e.parent)?.children.delete(h);
    if (!e.ended) e.obj[Symbol.dispose]?.();
  };

  // network error-code thrown as a bare string by the shim; anything else is a trap.
  const netErr = (e) => {
    const i = typeof e === 'string' ? ERROR_CODES.indexOf(e) : -1;
    if (i < 0) throw e;
    return -(1 + i);
  };
  const net = (f) => { try { f(); return 0; } catch (e) { return netErr(e); } };
  const streamErr = (e) => {
    if (e && e.tag === 'closed') return -1;
    if (e && e.tag === 'last-operation-failed') {
      lastStreamError = String(e.val?.toDebugString?.() ?? e.val?.message ?? e.val);
      return -2;
    }
    throw e;
  };

  const encodeAddress = (a, view) => {
    const o = new Int32Array(12);
    o[0] = a.tag === 'ipv4' ? 0 : 1;
    o[1] = a.val.port;
    if (a.tag === 'ipv4') a.val.address.forEach((b, i) => (o[4 + i] = b));
    else {
      o[2] = a.val.flowInfo ?? 0;
      o[3] = a.val.scopeId ?? 0;
      a.val.address.forEach((s, i) => (o[4 + i] = s));
    }
    view.set(o);
  };
  const decodeAddress = (view) => {
    const a = view.slice();
    if (a[0] === 0) return { tag: 'ipv4', val: { port: a[1], address: [a[4], a[5], a[6], a[7]] } };
    return { tag: 'ipv6', val: { port: a[1], flowInfo: a[2] >>> 0, address: Array.from(a.subarray(4, 12)), scopeId: a[3] >>> 0 } };
  };

  const glue = {
    instanceNetwork: () => add('network', sockets.instanceNetwork.instanceNetwork()),
    drop,
    createTcpSocket: (family) => {
      try { return add('tcp', sockets.tcpCreateSocket.createTcpSocket(FAMILIES[family])); } catch (e) { return netErr(e); }
    },
    startBind: (s, n, addr) => net(() => get(s, 'tcp').obj.startBind(get(n, 'network').obj, decodeAddress(addr))),
    finishBind: (s) => net(() => get(s, 'tcp').obj.finishBind()),
    startConnect: (s, n, addr) => net(() => get(s, 'tcp').obj.startConnect(get(n, 'network').obj, decodeAddress(addr))),
    finishConnect: (s, out) => {
      try {
        const e = get(s, 'tcp');
        const [input, output] = e.obj.finishConnect();
        const hi = add('input', input, s), ho = add('output', output, s);
        e.output = ho;
        out.set(new Int32Array([hi, ho]));
        return 0;
      } catch (err) { return netErr(err); }
    },
    startListen: (s) => net(() => get(s, 'tcp').obj.startListen()),
    finishListen: (s) => net(() => get(s, 'tcp').obj.finishListen()),
    accept: (s, out) => {
      try {
        const [sock, input, output] = get(s, 'tcp').obj.accept();
        const hs = add('tcp', sock);
        const hi = add('input', input, hs), ho = add('output', output, hs);
        table.get(hs).output = ho;
        out.set(new Int32Array([hs, hi, ho]));
        return 0;
      } catch (err) { return netErr(err); }
    },
    localAddress: (s, out) => net(() => encodeAddress(get(s, 'tcp').obj.localAddress(), out)),
    remoteAddress: (s, out) => net(() => encodeAddress(get(s, 'tcp').obj.remoteAddress(), out)),
    setOption: (s, option, value) => net(() => {
      const t = get(s, 'tcp').obj;
      const v = BigInt(Math.trunc(value));
      switch (option) {
        // DEFECT: setListenBacklogSize is accepted but has no effect (Node's listen() already ran); kept for the contract.
        case 0: return t.setListenBacklogSize(v);
        case 1: return t.setKeepAliveEnabled(value !== 0);
        case 2: return t.setKeepAliveIdleTime(v);
        case 3: return t.setKeepAliveInterval(v);
        case 4: return t.setKeepAliveCount(Number(value));
        case 5: return t.setHopLimit(Number(value));
        case 6: return t.setReceiveBufferSize(v);
        case 7: return t.setSendBufferSize(v);
        default: throw 'invalid-argument';
      }
    }),
    subscribe: (h) => add('pollable', get(h).obj.subscribe(), h),
    shutdown: (s, how) => {
      const e = get(s, 'tcp');
      // DEFECT: the shim's shutdown() destroys the whole socket whatever the type (and polling our own
      // input afterwards hangs the process). Half-close instead: dropping the output stream ends the
      // Node socket's writable side (socket.end(): FIN after queued bytes; allowHalfOpen keeps reading).
      if (how === 1) {
        const o = e.output && table.get(e.output);
        if (!o) return netErr('invalid-state');
        if (!o.ended) {
          for (const c of o.children) drop(c);
          o.ended = true;
          o.obj[Symbol.dispose]();
        }
        return 0;
      }
      if (how === 0) return 0; // receive: nothing to tell the peer; C# stops reading.
      return net(() => e.obj.shutdown('both'));
    },
    resolveAddresses: (n, name) => {
      try { return add('resolve', sockets.ipNameLookup.resolveAddresses(get(n, 'network').obj, name)); } catch (e) { return netErr(e); }
    },
    resolveNextAddress: (h, out) => {
      try {
        const a = get(h, 'resolve').obj.resolveNextAddress();
        if (a === undefined) return 0;
        encodeAddress({ tag: a.tag, val: { port: 0, address: a.val } }, out);
        return 1;
      } catch (e) { return netErr(e); }
    },
    read: (h, dest) => {
      const e = get(h, 'input');
      try {
        // Copied straight into the caller's Wasm memory span (no per-read buffer on the C# side).
        // DEFECT: a peer RST surfaces as `closed`, indistinguishable from a clean EOF.
        const chunk = e.obj.read(BigInt(dest.length));
        if (chunk.length > 0) dest.set(chunk);
        return chunk.length;
      } catch (err) { return streamErr(err); }
    },
    checkWrite: (h) => {
      const e = get(h, 'output');
      if (e.ended) return -1;
      // DEFECT (harmless): grants at most 16 KiB (Node's writable high-water mark) per check.
      try { return Number(e.obj.checkWrite()); } catch (err) { return streamErr(err); }
    },
    write: (h, src) => {
      const e = get(h, 'output');
      if (e.ended) return -1;
      // DEFECT: write(view) clones the view's whole backing ArrayBuffer (all of Wasm memory);
      // slice() hands it an exact-size copy instead.
      try { e.obj.write(src.slice()); return 0; } catch (err) { return streamErr(err); }
    },
    flush: (h) => {
      const e = get(h, 'output');
      if (e.ended) return -1;
      try { e.obj.flush(); return 0; } catch (err) { return streamErr(err); }
    },
    lastStreamError: () => lastStreamError,
    poll: (handles, readyOut) => {
      const list = Array.from(handles.slice(), (h) => get(h, 'pollable').obj);
      // DEFECT: polling an empty list traps; the C# loop never does, this guards it.
      if (list.length === 0) return 0;
      const ready = io.poll.poll(list);
      readyOut.set(Int32Array.from(ready));
      return ready.length;
    },
    pollableReady: (h) => get(h, 'pollable').obj.ready(),
    pollableBlock: (h) => get(h, 'pollable').obj.block(),
    monotonicNow: () => clocks.monotonicClock.now(),
    subscribeDuration: (ns) => add('pollable', clocks.monotonicClock.subscribeDuration(BigInt(ns))),
    subscribeInstant: (t) => add('pollable', clocks.monotonicClock.subscribeInstant(BigInt(t))),
    // The C# loop's turns (PollingEventLoop host turns): each registered callback runs from a setImmediate when
    // requested, straight into .NET. (A Promise returned to a JSImport would complete its Task through the .NET
    // thread pool, i.e. a setTimeout(0) later: >= 1 ms per turn.)
    registerTurnCallback: (turn) => { turnCallbacks.push(turn); return turnCallbacks.length - 1; },
    requestTurn: (id) => { setImmediate(turnCallbacks[id]); },
    // Kept for app builds older than host turns (LIBP2P_WASM_FRAMEWORK runs them with this host).
    yieldToEventLoop: () => new Promise((resolve) => setImmediate(resolve)),
  };
  return glue;
}
