// The protocols peer.mjs serves and drives by hand: /echo/1.0.0 and /perf/1.0.0
// (@libp2p/perf is not served by the package registry here, so perf is written from the spec:
// https://github.com/libp2p/specs/blob/master/perf/perf.md).
// Streams are opened with runOnLimitedConnection: the tests also drive them over relayed (limited) connections.
import { sendAll, bytesOf, fillPattern, patternByte } from './streams.mjs'

export const ECHO = '/echo/1.0.0'
export const PERF = '/perf/1.0.0'
export const PING = '/ipfs/ping/1.0.0'
const CHUNK = 64 * 1024

/** Echo server: writes back every chunk until the remote closes its write side, then closes. */
export async function serveEcho (stream, report) {
  let bytes = 0
  for await (const chunk of stream) {
    bytes += chunk.byteLength
    await sendAll(stream, chunk)
  }
  await stream.close()
  report({ event: 'echo:served', bytes })
}

/** Perf server: 8-byte big-endian size to send back, then drain the upload to EOF, then send, then close. */
export async function servePerf (stream, report) {
  const header = new Uint8Array(8)
  let have = 0
  let uploaded = 0
  for await (const raw of stream) {
    const chunk = bytesOf(raw)
    let rest = chunk
    if (have < 8) {
      const take = Math.min(8 - have, chunk.length)
      header.set(chunk.subarray(0, take), have)
      have += take
      rest = chunk.subarray(take)
    }
    uploaded += rest.length
  }
  if (have < 8) {
    stream.abort(new Error('perf: stream ended before the 8-byte download size'))
    return
  }
  const toSend = new DataView(header.buffer).getBigUint64(0, false)
  let left = toSend
  const buf = new Uint8Array(CHUNK)
  while (left > 0n) {
    const n = left < BigInt(CHUNK) ? Number(left) : CHUNK
    // send() keeps a reference to the buffer until written: hand over a fresh view per chunk
    await sendAll(stream, n === CHUNK ? buf.slice() : buf.slice(0, n))
    left -= BigInt(n)
  }
  await stream.close()
  report({ event: 'perf:served', uploadBytes: uploaded, downloadBytes: Number(toSend) })
}

/** Perf client: returns byte counts and the upload/download phase times in seconds. */
export async function runPerf (connection, uploadBytes, downloadBytes) {
  const stream = await connection.newStream(PERF, { runOnLimitedConnection: true })
  const start = performance.now()
  const header = new Uint8Array(8)
  new DataView(header.buffer).setBigUint64(0, BigInt(downloadBytes), false)
  await sendAll(stream, header)
  const buf = new Uint8Array(CHUNK)
  let left = uploadBytes
  while (left > 0) {
    const n = Math.min(left, CHUNK)
    await sendAll(stream, n === CHUNK ? buf.slice() : buf.slice(0, n))
    left -= n
  }
  await stream.close()
  // The server sends only after it read our upload to EOF, so the first byte back (or EOF) marks
  // the end of the upload phase; close() resolving only means the muxer took the bytes.
  let uploaded = null
  let received = 0
  for await (const chunk of stream) {
    uploaded ??= performance.now()
    received += chunk.byteLength
  }
  const end = performance.now()
  uploaded ??= end
  if (received !== downloadBytes) throw new Error(`perf: expected ${downloadBytes} download bytes, got ${received}`)
  const uploadSeconds = (uploaded - start) / 1000
  const downloadSeconds = (end - uploaded) / 1000
  return {
    uploadBytes,
    downloadBytes: received,
    uploadSeconds,
    downloadSeconds,
    totalSeconds: (end - start) / 1000,
    uploadMBps: uploadBytes > 0 ? uploadBytes / 1e6 / uploadSeconds : 0,
    downloadMBps: received > 0 ? received / 1e6 / downloadSeconds : 0
  }
}

/** Opens `streams` concurrent echo streams, sends `bytes` of the pattern on each, checks what comes back. */
export async function runEcho (connection, streams, bytes) {
  const start = performance.now()
  await Promise.all(Array.from({ length: streams }, (_, i) => echoOne(connection, i, bytes)))
  return { streams, bytes, ok: true, seconds: (performance.now() - start) / 1000 }
}

async function echoOne (connection, index, bytes) {
  const stream = await connection.newStream(ECHO, { runOnLimitedConnection: true })
  const writing = (async () => {
    for (let offset = 0; offset < bytes; offset += CHUNK) {
      const n = Math.min(CHUNK, bytes - offset)
      await sendAll(stream, fillPattern(new Uint8Array(n), index, offset))
    }
    await stream.close()
  })()
  let received = 0
  for await (const raw of stream) {
    const chunk = bytesOf(raw)
    for (let i = 0; i < chunk.length; i++) {
      if (chunk[i] !== patternByte(index, received + i)) {
        stream.abort(new Error('echo mismatch'))
        throw new Error(`echo stream ${index}: byte ${received + i} differs`)
      }
    }
    received += chunk.length
    if (received > bytes) throw new Error(`echo stream ${index}: got more than the ${bytes} bytes sent`)
  }
  await writing
  if (received !== bytes) throw new Error(`echo stream ${index}: got ${received} of ${bytes} bytes back`)
}

/** Pings `count` times on one /ipfs/ping/1.0.0 stream (the spec allows reuse); RTTs in ms. */
export async function runPing (connection, count) {
  const stream = await connection.newStream(PING, { runOnLimitedConnection: true })
  const rtts = []
  const iterator = stream[Symbol.asyncIterator]()
  let pending = new Uint8Array(0)
  for (let i = 0; i < count; i++) {
    const payload = crypto.getRandomValues(new Uint8Array(32))
    const start = performance.now()
    await sendAll(stream, payload)
    while (pending.length < 32) {
      const { value, done } = await iterator.next()
      if (done) throw new Error(`ping: stream closed after ${i} pings`)
      const chunk = bytesOf(value)
      const joined = new Uint8Array(pending.length + chunk.length)
      joined.set(pending); joined.set(chunk, pending.length)
      pending = joined
    }
    const rtt = performance.now() - start
    for (let j = 0; j < 32; j++) if (pending[j] !== payload[j]) throw new Error('ping: wrong payload echoed')
    pending = pending.subarray(32)
    rtts.push(rtt)
  }
  await stream.close()
  await iterator.return?.()
  return rtts
}
