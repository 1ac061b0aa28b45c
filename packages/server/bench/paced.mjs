// An open-loop, constant-arrival-rate HTTP/1.1 load generator (the model of wrk2 and
// k6's constant-arrival-rate): request i is due at start + i / rate, whatever happened
// to the ones before, and its latency counts from that due time, so a stall of the
// server shows up in the percentiles instead of slowing the load down (no coordinated
// omission).
//
// Why not autocannon's `overallRate`: it lets each connection send its share of a
// second's requests as fast as it can at the start of that second, then idle. At
// "1,000/s" that is a burst of 1,000 requests once a second, so its percentiles measure
// the queue of that burst, not the latency at 1,000 requests/s. autocannon still drives
// the closed-loop scenarios (bookings as fast as they go, the hot slot).
import { connect } from 'node:net'

const CRLF2 = Buffer.from('\r\n\r\n')
/** How late each request left (ms after its due time): the generator's own share of latency. */
let lags = []
/** Send to complete response (ms): the server's and the network's share. */
let services = []

/** One keep-alive connection with at most one request in flight. */
class Connection {
  constructor(host, port, onDone) {
    this.socket = connect({ host, port, noDelay: true })
    this.busy = false
    this.buffer = Buffer.alloc(0)
    this.onDone = onDone
    this.socket.on('data', (chunk) => this.read(chunk))
    this.socket.on('error', () => this.fail())
    this.socket.on('close', () => this.fail())
    this.closed = false
  }

  send(request, due) {
    this.busy = true
    this.due = due
    this.sentAt = performance.now()
    this.socket.write(request)
    lags.push(this.sentAt - due)
  }

  read(chunk) {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk
    const end = this.buffer.indexOf(CRLF2)
    if (end < 0) return
    const head = this.buffer.subarray(0, end).toString('latin1')
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0)
    if (this.buffer.length < end + 4 + length) return
    const status = Number(head.slice(9, 12))
    this.buffer = this.buffer.subarray(end + 4 + length)
    this.busy = false
    services.push(performance.now() - this.sentAt)
    this.onDone(this, status, this.due)
  }

  fail() {
    if (this.closed) return
    this.closed = true
    if (this.busy) this.onDone(this, 0, this.due)
  }
}

function percentile(sorted, p) {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

/**
 * Sends `rate` GET requests per second for `duration` seconds to `url`'s host, the
 * path of request i being `path(i)`. Resolves with the achieved rate and the latency
 * percentiles in ms (from each request's due time to its complete response).
 */
export async function paced({ url, rate, duration, path, maxConnections = 256 }) {
  const { hostname, port } = new URL(url)
  const total = Math.round(rate * duration)
  const latencies = []
  lags = []
  services = []
  let non2xx = 0
  let errors = 0
  let completed = 0
  const idle = []
  const all = []
  const waiting = [] // due times of requests no connection was free for
  let sent = 0
  let resolveDone
  const done = new Promise((resolve) => {
    resolveDone = resolve
  })
  const start = performance.now()

  const request = (i) =>
    Buffer.from(
      `GET ${path(i)} HTTP/1.1\r\nhost: ${hostname}:${port}\r\nconnection: keep-alive\r\n\r\n`,
    )

  const finish = (conn, status, due) => {
    latencies.push(performance.now() - due)
    completed++
    if (status === 0) errors++
    else if (status < 200 || status >= 300) non2xx++
    if (!conn.closed) {
      if (waiting.length) conn.send(request(sent++), waiting.shift())
      else idle.push(conn)
    }
    if (completed === total) resolveDone()
  }

  const dispatch = (due) => {
    let conn = idle.pop()
    while (conn?.closed) conn = idle.pop()
    if (!conn && all.length < maxConnections) {
      conn = new Connection(hostname, Number(port), finish)
      all.push(conn)
    }
    if (conn) conn.send(request(sent++), due)
    else waiting.push(due)
  }

  // Warm the connection pool a little, so the first millisecond is not all handshakes.
  for (let i = 0; i < Math.min(32, maxConnections); i++) {
    const conn = new Connection(hostname, Number(port), finish)
    all.push(conn)
    idle.push(conn)
  }
  let next = 0
  const interval = 1000 / rate
  await new Promise((resolve) => {
    const tick = () => {
      const now = performance.now()
      while (next < total && start + next * interval <= now) {
        dispatch(start + next * interval)
        next++
      }
      if (next < total) setTimeout(tick, 1)
      else resolve()
    }
    tick()
  })
  await Promise.race([done, new Promise((r) => setTimeout(r, 30_000))])
  const elapsed = (performance.now() - start) / 1000
  for (const conn of all) conn.socket.destroy()
  latencies.sort((a, b) => a - b)
  lags.sort((a, b) => a - b)
  services.sort((a, b) => a - b)
  return {
    serviceP99: +percentile(services, 99).toFixed(1),
    sendLagP99: +percentile(lags, 99).toFixed(1),
    requests: completed,
    achieved: Math.round(completed / Math.max(elapsed, duration)),
    p50: +percentile(latencies, 50).toFixed(1),
    p99: +percentile(latencies, 99).toFixed(1),
    p999: +percentile(latencies, 99.9).toFixed(1),
    max: +percentile(latencies, 100).toFixed(1),
    non2xx,
    errors: errors + (total - completed),
    connections: all.length,
  }
}
