import { ERROR_CODES, type ErrorCode } from './error-codes'
import {
  SlotkitAbortError,
  SlotkitApiError,
  SlotkitNetworkError,
  SlotkitTimeoutError,
  SlotUnavailableError,
} from './errors'

/**
 * A `fetch` implementation: the global one, or any function with its call shape
 * (undici's, a test double, one that adds tracing). Only the `(url, init)` form
 * is used.
 */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>

/**
 * How calls that are safe to repeat are retried: GETs, the availability PUT
 * (a full replacement) and booking creation (which carries an
 * `Idempotency-Key`). Only network errors and 5xx replies are retried; a 4xx
 * never is, and neither are timeouts or aborts.
 *
 * The wait before attempt n + 1 is a random value between half and all of
 * `min(maxDelayMs, minDelayMs · 2ⁿ)` ("equal jitter"), or the server's
 * `Retry-After` when it sends one (capped at `maxDelayMs`).
 */
export interface RetryOptions {
  /** Attempts after the first. Default 2. */
  retries?: number
  /** Base of the exponential backoff, in milliseconds. Default 250. */
  minDelayMs?: number
  /** Longest wait between attempts, in milliseconds. Default 4000. */
  maxDelayMs?: number
}

/** Options of {@link createClient}. */
export interface ClientOptions {
  /**
   * Where the server lives, e.g. `https://slots.example.com`. A path prefix is
   * kept (`https://example.com/scheduling` → `…/scheduling/api/...`).
   */
  baseUrl: string | URL
  /** A host's API key, or the admin token; sent as `Authorization: Bearer <apiKey>`. */
  apiKey?: string
  /** The `fetch` to use. Default: `globalThis.fetch`, looked up at call time. */
  fetch?: FetchLike
  /** Headers sent with every request (per-call `headers` win). */
  headers?: RequestInit['headers']
  /**
   * Deadline of one call in milliseconds, covering every attempt and the waits
   * between them; then it rejects with {@link SlotkitTimeoutError}. Default
   * 30 000; `0` turns it off.
   */
  timeoutMs?: number
  /** Retry policy of safe calls ({@link RetryOptions}); `false` turns retries off. */
  retry?: RetryOptions | false
}

/** Options every client call accepts as its last argument. */
export interface RequestOptions {
  /** Cancels the call; it then rejects with {@link SlotkitAbortError}. */
  signal?: AbortSignal
  /** This call's deadline in milliseconds (overrides the client's `timeoutMs`; `0` = none). */
  timeoutMs?: number
  /** Extra headers for this call. */
  headers?: RequestInit['headers']
}

/** What a resource module asks of the transport (internal). */
export interface RequestSpec {
  query?: object | undefined
  body?: unknown
  /** Safe to repeat: retried on network errors and 5xx. */
  retry?: boolean
  headers?: Record<string, string>
  options?: RequestOptions | undefined
}

/** Sends one call: `(method, path, spec) → parsed JSON body` (internal). */
export type Requester = <TResult>(
  method: string,
  path: string,
  spec?: RequestSpec,
) => Promise<TResult>

/** Encodes one path segment (an id). */
export const id = (value: string): string => encodeURIComponent(value)

/**
 * Builds the transport every resource goes through: URL building, JSON, auth
 * and default headers, a deadline composed with the caller's signal, retries
 * with backoff for safe calls, and non-2xx replies turned into errors.
 */
export function createRequester(options: ClientOptions): Requester {
  const base = String(options.baseUrl).replace(/\/+$/, '')
  // Fail at construction, not on the first call, for a base URL that cannot be parsed.
  new URL(base)
  const retry = options.retry === false ? { retries: 0 } : (options.retry ?? {})
  const retries = retry.retries ?? 2
  const minDelayMs = retry.minDelayMs ?? 250
  const maxDelayMs = retry.maxDelayMs ?? 4000

  return async (method, path, spec = {}) => {
    const call = spec.options ?? {}
    const url = new URL(base + path)
    for (const [key, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined && value !== null) url.searchParams.set(key, String(value))
    }
    const headers = new Headers(options.headers)
    headers.set('accept', 'application/json')
    if (options.apiKey) headers.set('authorization', `Bearer ${options.apiKey}`)
    let body: string | undefined
    if (spec.body !== undefined) {
      headers.set('content-type', 'application/json')
      body = JSON.stringify(spec.body)
    }
    for (const [key, value] of Object.entries(spec.headers ?? {})) headers.set(key, value)
    for (const [key, value] of new Headers(call.headers)) headers.set(key, value)

    const timeoutMs = call.timeoutMs ?? options.timeoutMs ?? 30_000
    const signal = call.signal
    if (signal?.aborted) throw new SlotkitAbortError(signal.reason)
    // One controller for the whole call: the caller's signal and the deadline
    // both abort it, and the flags below tell afterwards which one did.
    // (AbortSignal.any/timeout would be shorter, but AbortSignal.any is missing
    // in Safari < 17.4 and Node < 20.3.)
    const controller = new AbortController()
    let timedOut = false
    const onAbort = () => controller.abort(signal?.reason)
    signal?.addEventListener('abort', onAbort)
    const timer =
      timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true
            controller.abort()
          }, timeoutMs)
        : undefined
    const stopped = () =>
      signal?.aborted
        ? new SlotkitAbortError(signal.reason)
        : timedOut
          ? new SlotkitTimeoutError(timeoutMs)
          : undefined

    try {
      for (let attempt = 0; ; attempt++) {
        let error: SlotkitApiError
        let retryAfter: string | null = null
        let response: Response | undefined
        let text: string | undefined
        try {
          response = await (options.fetch ?? fetch)(url.href, {
            method,
            headers,
            body,
            signal: controller.signal,
          })
          text = await response.text()
        } catch (cause) {
          const stop = stopped()
          if (stop) throw stop
          error = new SlotkitNetworkError(`${method} ${url.pathname} failed`, { cause })
        }
        if (response && text !== undefined) {
          if (response.ok) {
            try {
              return (text ? JSON.parse(text) : undefined) as never
            } catch (cause) {
              throw new SlotkitApiError(response.status, 'UNKNOWN', 'Reply is not JSON', { cause })
            }
          }
          error = toApiError(response.status, response.statusText, text)
          retryAfter = response.headers.get('retry-after')
        }
        // Retry only calls that are safe to repeat, and only failures that may
        // pass: no reply at all, or a 5xx. A 4xx will not change on its own.
        if (!spec.retry || attempt >= retries || (error!.status > 0 && error!.status < 500)) {
          throw error!
        }
        // Retry-After is delay-seconds or an HTTP date (RFC 9110 §10.2.3).
        const after = retryAfter
          ? Number(retryAfter) * 1000 || Date.parse(retryAfter) - Date.now()
          : Number.NaN
        const ceiling = Math.min(maxDelayMs, minDelayMs * 2 ** attempt)
        await sleep(
          after >= 0 ? Math.min(after, maxDelayMs) : ceiling / 2 + (Math.random() * ceiling) / 2,
          controller.signal,
        )
        const stop = stopped()
        if (stop) throw stop
      }
    } finally {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
    }
  }
}

/** Waits `ms`, or less if `signal` aborts first (the caller then checks why). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done)
  })
}

/**
 * Turns a non-2xx reply into an error. A Slotkit reply is
 * `{ error: CODE, message, details? }` (a 409 SLOT_UNAVAILABLE adds `reason`
 * and `alternatives`); anything else (a proxy's HTML page, an empty body)
 * becomes code `UNKNOWN` with the HTTP status.
 */
function toApiError(status: number, statusText: string, text: string): SlotkitApiError {
  let reply: Record<string, unknown> | undefined
  try {
    reply = JSON.parse(text)
  } catch {}
  const code = reply?.error
  if (typeof code !== 'string') {
    return new SlotkitApiError(status, 'UNKNOWN', `HTTP ${status} ${statusText}`.trim())
  }
  const message = typeof reply!.message === 'string' ? reply!.message : code
  const details = (reply!.details ?? undefined) as Record<string, unknown> | undefined
  if (code === 'SLOT_UNAVAILABLE') {
    const { reason, alternatives } = reply as { reason: never; alternatives: unknown }
    return new SlotUnavailableError(
      message,
      reason,
      Array.isArray(alternatives) ? alternatives : [],
      { details },
    )
  }
  const known = (ERROR_CODES as readonly string[]).includes(code)
  return new SlotkitApiError(status, known ? (code as ErrorCode) : 'UNKNOWN', message, {
    details,
    rawCode: known ? undefined : code,
  })
}
