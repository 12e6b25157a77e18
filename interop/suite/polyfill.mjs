// js-libp2p 3.x calls Promise.withResolvers (ES2024), which Node 20 lacks. Imported first by every entry point.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers () {
    let resolve, reject
    const promise = new this((res, rej) => { resolve = res; reject = rej })
    return { promise, resolve, reject }
  }
}
