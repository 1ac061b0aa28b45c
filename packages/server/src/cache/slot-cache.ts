import type { Redis } from 'ioredis'
import { LRUCache } from 'lru-cache'
import { hostGenerationKey } from './keys'

/**
 * The slots cache: generation counters per host plus cached replies. Invalidation
 * is by generation, never by delete (docs/architecture.md, "Slot cache and generations"): a reply cached under an old
 * generation can never be read again, even if it is written after the bump.
 */
export interface SlotCache {
  /** The host's current generation (0 when never bumped). */
  generation(hostId: string): Promise<number>
  /** Makes every cached reply of the host unreachable. */
  bumpGeneration(hostId: string): Promise<void>
  get(key: string): Promise<string | undefined>
  /** Stores `value` for `ttlMs` (at most {@link SLOTS_TTL_MS}). */
  set(key: string, value: string, ttlMs: number): Promise<void>
  close(): Promise<void>
}

/** Cached slot replies live at most 5 minutes. */
export const SLOTS_TTL_MS = 5 * 60 * 1000

/** The starting value of a host's Redis generation counter (see RedisSlotCache). */
function freshGeneration(): string {
  return String(Date.now() * 1000)
}

/** In-process cache for a single server (no REDIS_URL). */
export class MemorySlotCache implements SlotCache {
  readonly #generations = new Map<string, number>()
  // Bounded by size too: a week of slots is ~10 KB of JSON, and a big cache means long GC pauses.
  readonly #entries = new LRUCache<string, string>({
    max: 10_000,
    maxSize: 32 * 1024 * 1024,
    sizeCalculation: (value) => value.length + 100,
  })

  async generation(hostId: string): Promise<number> {
    return this.#generations.get(hostId) ?? 0
  }
  async bumpGeneration(hostId: string): Promise<void> {
    this.#generations.set(hostId, (this.#generations.get(hostId) ?? 0) + 1)
  }
  async get(key: string): Promise<string | undefined> {
    return this.#entries.get(key)
  }
  async set(key: string, value: string, ttlMs: number): Promise<void> {
    this.#entries.set(key, value, { ttl: Math.min(ttlMs, SLOTS_TTL_MS) })
  }
  async close(): Promise<void> {
    this.#entries.clear()
  }
}

/**
 * Redis-backed cache shared by every server process. Generation counters are
 * Redis INCRs, so a bump through one process is seen by the next read of every other.
 */
export class RedisSlotCache implements SlotCache {
  constructor(readonly redis: Redis) {}

  // A generation must never go back to a value it had: replies cached under it
  // would come back to life. So a missing counter (never set, or evicted under an
  // allkeys-* policy) starts at the current epoch microseconds (ms × 1000), which
  // is larger than any value an earlier counter for the host reached, unless it
  // was bumped over a thousand times a millisecond; and counters carry no expiry.
  async generation(hostId: string): Promise<number> {
    const key = hostGenerationKey(hostId)
    const value = await this.redis.get(key)
    if (value !== null) return Number(value)
    await this.redis.set(key, freshGeneration(), 'NX')
    return Number(await this.redis.get(key))
  }
  async bumpGeneration(hostId: string): Promise<void> {
    const key = hostGenerationKey(hostId)
    await this.redis.multi().set(key, freshGeneration(), 'NX').incr(key).exec()
  }
  async get(key: string): Promise<string | undefined> {
    return (await this.redis.get(key)) ?? undefined
  }
  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.redis.set(key, value, 'PX', Math.max(1, Math.min(ttlMs, SLOTS_TTL_MS)))
  }
  async close(): Promise<void> {}
}
