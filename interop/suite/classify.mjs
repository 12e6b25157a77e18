// Where a test of @libp2p/interop belongs: its group, the pairing of node types and the security protocol, read
// from the titles the suite gives (14.0.16). "go" is the suite's name for the slot our daemon fills.

export function topTitle (test) {
  let s = test.parent
  while (s.parent != null && s.parent.title !== '') s = s.parent
  return s.title
}

export function classify (test) {
  const top = topTitle(test)
  let m = /^(js|go) to (js|go) over relay (js|go)$/.exec(top)
  if (m != null) return { group: 'relay', pairing: `${m[1]}→${m[2]} via ${m[3]}`, security: 'noise', nodes: [m[1], m[2], m[3]] }
  const p = /^(js|go) (?:peer|sender) to (js|go) (?:peer|listener)/.exec(test.title)
  const nodes = p != null ? [p[1], p[2]] : null
  const pairing = p != null ? `${p[1]}→${p[2]}` : '?'
  m = /^(ed25519|rsa|secp256k1)\/(noise|tls|plaintext)\/(mplex|yamux) echo$/.exec(top)
  if (m != null) return { group: `echo ${m[1]}`, pairing, security: m[2], nodes }
  return { group: top, pairing, security: '', nodes }
}

/** True when our daemon ("go") is one of the test's nodes; unknown titles count as ours (run them). */
export function involvesOurs (test) {
  const { nodes } = classify(test)
  return nodes == null || nodes.includes('go')
}

export function allTests (suite, out = []) {
  out.push(...suite.tests)
  for (const s of suite.suites) allTests(s, out)
  return out
}
