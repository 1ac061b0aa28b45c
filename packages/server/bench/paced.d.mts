// Types of paced.mjs (the constant-arrival-rate load generator), for the TypeScript benches.

/** Options of {@link paced}. */
export interface PacedOptions {
  /** Base URL of the server, e.g. `http://127.0.0.1:3000`. */
  url: string
  /** Requests per second. */
  rate: number
  /** Seconds. */
  duration: number
  /** The path of request `i`. */
  path: (i: number) => string
  /** Most connections open at once. */
  maxConnections?: number
}

/** What one paced step measured (latencies in ms, from each request's due time). */
export interface PacedResult {
  serviceP99: number
  sendLagP99: number
  requests: number
  achieved: number
  p50: number
  p99: number
  p999: number
  max: number
  non2xx: number
  errors: number
  connections: number
}

/** Sends GETs at a constant arrival rate and measures them (see paced.mjs). */
export function paced(options: PacedOptions): Promise<PacedResult>
