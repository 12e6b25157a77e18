// Small helpers over js-libp2p 3.x message streams (stream.send() returns false when the
// write buffer is full; the stream then emits 'drain').

/** Sends all of `data`, waiting for the stream to drain when its buffer is full. */
export async function sendAll (stream, data) {
  if (!stream.send(data)) await stream.onDrain()
}

/** A chunk from a stream as a Uint8Array (chunks may be Uint8Array or Uint8ArrayList). */
export function bytesOf (chunk) {
  return chunk instanceof Uint8Array ? chunk : chunk.subarray()
}

/** The byte at `offset` of the deterministic pattern used by the echo action (stream-specific). */
export function patternByte (streamIndex, offset) {
  return (offset * 31 + streamIndex * 7 + (offset >>> 16)) & 0xff
}

/** Fills `buf` with the pattern of `streamIndex` starting at `offset`. */
export function fillPattern (buf, streamIndex, offset) {
  for (let i = 0; i < buf.length; i++) buf[i] = patternByte(streamIndex, offset + i)
  return buf
}
