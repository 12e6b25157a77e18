// The pubsub side of peer.mjs: @libp2p/gossipsub or @libp2p/floodsub as the `pubsub` service, its events as JSON
// lines in the same shape as `p2p listen --pubsub` prints, and commands read from stdin (one JSON object a line):
//   {"cmd":"publish","topic":"t","text":"hi"}  or  {"cmd":"publish","topic":"t","data":"<base64>"}
//   {"cmd":"subscribe","topic":"t"}   {"cmd":"unsubscribe","topic":"t"}   {"cmd":"peers","topic":"t"}
import { gossipsub } from '@libp2p/gossipsub'
import { floodsub } from '@libp2p/floodsub'

/** The service factory for --pubsub NAME (null when absent). */
export function pubsubService (name, opts) {
  if (name == null) return null
  if (name === 'gossipsub') {
    return gossipsub({
      heartbeatInterval: opts.heartbeatMs,
      // tests start with a subscriber that has no peer yet; publishing to nobody is not an error there
      allowPublishToZeroTopicPeers: true,
      emitSelf: false
    })
  }
  if (name === 'floodsub') return floodsub({ emitSelf: false })
  throw new Error(`--pubsub must be gossipsub or floodsub, got ${name}`)
}

const hex = (bytes) => Buffer.from(bytes).toString('hex')

function seqnoHex (message) {
  if (message.sequenceNumber == null) return ''
  return message.sequenceNumber.toString(16).padStart(16, '0')
}

function utf8OrNull (bytes) {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return null
  }
}

/** Wires the service's events to emit() and subscribes to the topics given on the command line. */
export function startPubsub (node, topics, emit) {
  const pubsub = node.services.pubsub
  pubsub.addEventListener('message', (evt) => {
    const m = evt.detail
    emit({
      event: 'pubsub:message',
      topic: m.topic,
      from: m.type === 'signed' ? m.from.toString() : null,
      seqno: seqnoHex(m),
      data: Buffer.from(m.data).toString('base64'),
      text: utf8OrNull(m.data)
    })
  })
  pubsub.addEventListener('subscription-change', (evt) => {
    for (const s of evt.detail.subscriptions) {
      emit({ event: s.subscribe ? 'pubsub:subscribed' : 'pubsub:unsubscribed', peer: evt.detail.peerId.toString(), topic: s.topic })
    }
  })
  for (const t of topics) pubsub.subscribe(t)
}

/** Runs one stdin command; returns false when the line is not a pubsub command. */
export async function pubsubCommand (node, line, emit) {
  let cmd
  try {
    cmd = JSON.parse(line)
  } catch {
    return false
  }
  const pubsub = node.services.pubsub
  if (pubsub == null) {
    emit({ event: 'error', message: 'pubsub command without --pubsub' })
    return true
  }
  try {
    switch (cmd.cmd) {
      case 'publish': {
        const data = cmd.data != null ? Buffer.from(cmd.data, 'base64') : new TextEncoder().encode(cmd.text ?? '')
        const result = await pubsub.publish(cmd.topic, data)
        emit({ event: 'pubsub:published', topic: cmd.topic, recipients: result.recipients.map(String) })
        break
      }
      case 'subscribe': pubsub.subscribe(cmd.topic); emit({ event: 'pubsub:joined', topic: cmd.topic }); break
      case 'unsubscribe': pubsub.unsubscribe(cmd.topic); emit({ event: 'pubsub:left', topic: cmd.topic }); break
      case 'peers':
        emit({
          event: 'pubsub:peers',
          topic: cmd.topic,
          peers: pubsub.getSubscribers(cmd.topic).map(String),
          mesh: typeof pubsub.getMeshPeers === 'function' ? pubsub.getMeshPeers(cmd.topic).map(String) : []
        })
        break
      default: emit({ event: 'error', message: `unknown command ${cmd.cmd}` })
    }
  } catch (err) {
    emit({ event: 'error', message: `${cmd.cmd}: ${err?.message ?? err}` })
  }
  return true
}

export { hex }
