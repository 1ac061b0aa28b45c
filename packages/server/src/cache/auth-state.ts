import type { Redis } from 'ioredis'
import { LRUCache } from 'lru-cache'
import { apiKeyGenerationKey, authFailuresKey } from './keys'

/** A client's failed authentications are counted in windows this long, from its first failure. */
export const AUTH_FAILURE_WINDOW_MS = 60_000

/** What one authentication reads of the shared state, in one round trip. */
export interface AuthSnapshot {
  /** Failures of the client in its current window; 0 when it was not asked for. */
  readonly failures: number
  /** The current generation of the API-key set; a key cached under another one is looked up again. */
  readonly generation: string
}

/**
 * What the authenticator shares between server processes: failed authentications
 * per client, and the generation of the API-key set (kept like the hosts' slot
 * generations in `slot-cache.ts`). Redis when the app has Redis, in process
 * otherwise (one server process, as the in-process slot cache assumes).
 */
export interface AuthState {
  /**
   * The failures of `client` (none asked for when `client` is undefined: no limit)
   * and the key-set generation, in one round trip.
   */
  read(client: string | undefined): Promise<AuthSnapshot>
  /** How long until the window of `client` ends, in ms (at least 1). */
  retryAfterMs(client: string): Promise<number>
  /** Counts one failure of `client`; its first starts a window of {@link AUTH_FAILURE_WINDOW_MS}. */
  recordFailure(client: string): Promise<void>
  /** Makes every cached key look-up, in every process, stale. Throws when Redis did not bump it. */
  bumpGeneration(): Promise<void>
}

/** In-process state for a single server (no REDIS_URL). */
export class MemoryAuthState implements AuthState {
  #generation = 0
  // Bounded: a flood from many addresses evicts the oldest counters, never grows memory.
  readonly #failures = new LRUCache<string, { count: number }>({
    max: 50_000,
    ttl: AUTH_FAILURE_WINDOW_MS,
  })

  async read(client: string | undefined): Promise<AuthSnapshot> {
    const failures = client === undefined ? 0 : (this.#failures.get(client)?.count ?? 0)
    return { failures, generation: String(this.#generation) }
  }
  async retryAfterMs(client: string): Promise<number> {
    return Math.max(1, Math.ceil(this.#failures.getRemainingTTL(client)))
  }
  async recordFailure(client: string): Promise<void> {
    const entry = this.#failures.get(client)
    // Mutating the entry keeps its TTL: the window runs from the first failure.
    if (entry) entry.count += 1
    else this.#failures.set(client, { count: 1 })
  }
  async bumpGeneration(): Promise<void> {
    this.#generation += 1
  }
}

/** Shared state of every server process on one Redis. */
export class RedisAuthState implements AuthState {
  constructor(readonly redis: Redis) {}

  async read(client: string | undefined): Promise<AuthSnapshot> {
    const generationKey = apiKeyGenerationKey()
    // Both values in one command: this runs for every request that carries a key.
    const [failures, generation] =
      client === undefined
        ? [null, await this.redis.get(generationKey)]
        : await this.redis.mget(authFailuresKey(client), generationKey)
    return {
      failures: Number(failures ?? 0),
      generation: generation ?? (await this.#startGeneration()),
    }
  }
  async retryAfterMs(client: string): Promise<number> {
    return Math.max(1, await this.redis.pttl(authFailuresKey(client)))
  }
  async recordFailure(client: string): Promise<void> {
    const key = authFailuresKey(client)
    // SET NX PX starts the window with the first failure; INCR keeps its expiry.
    await this.redis.multi().set(key, '0', 'PX', AUTH_FAILURE_WINDOW_MS, 'NX').incr(key).exec()
  }
  // As the hosts' generations (RedisSlotCache): a counter that went missing (evicted)
  // restarts at the current epoch microseconds, never at a value it had before, or
  // look-ups cached under that old value would be trusted again.
  async #startGeneration(): Promise<string> {
    const key = apiKeyGenerationKey()
    await this.redis.set(key, String(Date.now() * 1000), 'NX')
    const created = await this.redis.get(key)
    if (created === null) throw new Error('the API-key generation counter vanished')
    return created
  }
  async bumpGeneration(): Promise<void> {
    const key = apiKeyGenerationKey()
    const replies = await this.redis
      .multi()
      .set(key, String(Date.now() * 1000), 'NX')
      .incr(key)
      .exec()
    // EXEC succeeds even when a command inside it failed (INCR of a value that is
    // not a number): that is a bump that did not happen, and the caller must hear it.
    const failed = replies?.find(([error]) => error)?.[0]
    if (failed) throw failed
  }
}
