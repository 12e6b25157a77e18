// Key interop helper for the .NET tests (@libp2p/crypto 5.1.23, @libp2p/peer-id 6.0.15).
//   node keys.mjs generate <Ed25519|secp256k1|ECDSA|RSA> <file>   writes privateKeyToProtobuf(key) to <file>
//   node keys.mjs load <file>                                      reads it with privateKeyFromProtobuf
// Both print one JSON line: { type, peerId, privateKey (hex protobuf, re-encoded by js), publicKey (hex protobuf),
// point (ECDSA only: uncompressed 04||x||y hex) }. peerId is null for ECDSA: js-libp2p has no peer id for
// ECDSA keys (peerIdFromPublicKey throws UnsupportedKeyTypeError) and encodes ECDSA public keys in a
// non-spec form, so the tests compare the curve point instead.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function () {
    let resolve, reject
    const promise = new Promise((res, rej) => { resolve = res; reject = rej })
    return { promise, resolve, reject }
  }
}
import { readFileSync, writeFileSync } from 'node:fs'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf, publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'

const hex = (bytes) => Buffer.from(bytes).toString('hex')

function describe (key) {
  const out = {
    type: key.type,
    peerId: null,
    privateKey: hex(privateKeyToProtobuf(key)),
    publicKey: hex(publicKeyToProtobuf(key.publicKey))
  }
  if (key.type === 'ECDSA') {
    const jwk = key.publicKey.jwk
    out.point = '04' + hex(Buffer.from(jwk.x, 'base64url')) + hex(Buffer.from(jwk.y, 'base64url'))
  } else {
    out.peerId = peerIdFromPrivateKey(key).toString()
  }
  return out
}

const [command, a, b] = process.argv.slice(2)
if (command === 'generate') {
  const key = await generateKeyPair(a)
  writeFileSync(b, privateKeyToProtobuf(key))
  console.log(JSON.stringify(describe(key)))
} else if (command === 'load') {
  console.log(JSON.stringify(describe(privateKeyFromProtobuf(readFileSync(a)))))
} else {
  console.error('usage: keys.mjs generate <type> <file> | load <file>')
  process.exit(2)
}
