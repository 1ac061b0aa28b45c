/**
 * Provider-independent fault handling of the calendar layer: backoff after a
 * failed sync, a circuit breaker per provider, a per-account request budget,
 * and a per-account limit on requests in flight.
 */

/** The first wait after a failure (the seed: "back off and retry later, start at 60 seconds"). */
export const BACKOFF_BASE_MS = 60_000
/** The longest wait between attempts. */
export const BACKOFF_MAX_MS = 6 * 60 * 60_000

/**
 * How long to wait before the next attempt after `failures` failures in a row
 * (1 = the first): 60 s doubling per failure up to 6 h, and never less than the
 * provider's Retry-After.
 */
export function backoffDelayMs(failures: number, retryAfterMs?: number): number {
  const exponential = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, failures - 1))
  return Math.max(exponential, Math.min(retryAfterMs ?? 0, BACKOFF_MAX_MS))
}

/**
 * `Retry-After` as milliseconds: delta-seconds or an HTTP date (RFC 9110
 * §10.2.3); undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined
  const text = value.trim()
  if (/^[0-9]+(\.[0-9]+)?$/.test(text)) return Math.round(Number(text) * 1000)
  const date = Date.parse(text)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/** Options of {@link CircuitBreaker}. */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit; default 5. */
  readonly threshold?: number
  /** How long it stays open before one trial call, ms; default 60 s. */
  readonly openMs?: number
}

/**
 * A circuit breaker for one provider, in process. After `threshold` failures in
 * a row (5xx, timeouts, network errors, across all of the provider's accounts)
 * it opens: syncs are skipped, and slots come from the busy times already
 * stored. After `openMs` one trial is let through (half-open); its success
 * closes the circuit, its failure opens it again.
 */
export class CircuitBreaker {
  readonly #threshold: number
  readonly #openMs: number
  #failures = 0
  #openUntil = 0
  #trialRunning = false

  constructor(options: CircuitBreakerOptions = {}) {
    this.#threshold = options.threshold ?? 5
    this.#openMs = options.openMs ?? 60_000
  }

  /** Whether a call may go out now; in the half-open state only one at a time. */
  tryAcquire(now: number): boolean {
    if (this.#failures < this.#threshold) return true
    if (now < this.#openUntil || this.#trialRunning) return false
    this.#trialRunning = true
    return true
  }

  /** Until when calls are refused (epoch ms), or undefined when closed. */
  openUntil(now: number): number | undefined {
    return this.#failures >= this.#threshold && now < this.#openUntil ? this.#openUntil : undefined
  }

  success(): void {
    this.#failures = 0
    this.#openUntil = 0
    this.#trialRunning = false
  }

  failure(now: number): void {
    this.#failures += 1
    this.#trialRunning = false
    if (this.#failures >= this.#threshold) this.#openUntil = now + this.#openMs
  }

  /** A call that neither failed nor succeeded at the provider (say, skipped): frees a half-open trial. */
  release(): void {
    this.#trialRunning = false
  }
}

/**
 * A sliding-window request budget per key (an integration: Google's quota is
 * per user per project, 600 requests a minute). One process syncs an
 * integration at a time (a lease in the database), so an in-process budget is
 * the account's budget.
 */
export class RequestBudget {
  readonly #limit: number
  readonly #windowMs: number
  readonly #sent = new Map<string, number[]>()

  constructor(limit: number, windowMs = 60_000) {
    this.#limit = limit
    this.#windowMs = windowMs
  }

  /** Takes one request of `key`'s budget, or returns how long until one is free (ms). */
  take(key: string, now: number): number | undefined {
    const recent = (this.#sent.get(key) ?? []).filter((at) => at > now - this.#windowMs)
    if (recent.length >= this.#limit) {
      this.#sent.set(key, recent)
      return recent[0]! + this.#windowMs - now
    }
    recent.push(now)
    this.#sent.set(key, recent)
    // Bounded: keys of accounts that went quiet are dropped.
    if (this.#sent.size > 10_000) {
      for (const [k, times] of this.#sent)
        if (times.every((at) => at <= now - this.#windowMs)) this.#sent.delete(k)
    }
    return undefined
  }
}

/**
 * At most `limit` holders at once per key (an integration: Outlook allows 4
 * concurrent requests per mailbox and app, and throttles the fifth with 429).
 * Waiters are served first come, first served. In process: one process syncs an
 * integration at a time (its lease), but write-back jobs of the same mailbox may
 * run in other worker processes, which this does not see.
 */
export class KeyedSemaphore {
  readonly #limit: number
  readonly #keys = new Map<string, { held: number; waiting: (() => void)[] }>()

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit: a whole number ≥ 1')
    this.#limit = limit
  }

  /** Waits for one of `key`'s places; resolves to the function that gives it back (call it once). */
  async acquire(key: string): Promise<() => void> {
    let state = this.#keys.get(key)
    if (!state) {
      state = { held: 0, waiting: [] }
      this.#keys.set(key, state)
    }
    if (state.held < this.#limit) state.held += 1
    else {
      const queue = state.waiting
      // The releasing holder hands its place over: `held` does not change.
      await new Promise<void>((resolve) => queue.push(resolve))
    }
    let released = false
    return () => {
      if (released) return
      released = true
      const next = state.waiting.shift()
      if (next) next()
      else {
        state.held -= 1
        // Idle keys are dropped, so the map holds busy accounts only.
        if (state.held === 0) this.#keys.delete(key)
      }
    }
  }

  /** Runs `task` holding one of `key`'s places. */
  async run<TResult>(key: string, task: () => Promise<TResult>): Promise<TResult> {
    const release = await this.acquire(key)
    try {
      return await task()
    } finally {
      release()
    }
  }

  /** Places of `key` held now (tests, metrics). */
  held(key: string): number {
    return this.#keys.get(key)?.held ?? 0
  }
}
