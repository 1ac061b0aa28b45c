import type { FastifyRequest } from 'fastify'
import { LRUCache } from 'lru-cache'

/**
 * Notifications one Google channel may deliver per minute. Generous: a bulk change
 * (an import, a recurring series edited) makes Google send a burst, and one queued
 * sync per calendar absorbs it anyway; a channel past this is someone replaying it.
 */
export const NOTIFICATIONS_PER_CHANNEL_PER_MINUTE = 300

/**
 * Graph notification requests per minute, all subscriptions together (per process
 * without Redis, per deployment with it). One POST may carry many subscriptions,
 * and the body is read after the limit, so there is no per-subscription key.
 */
export const NOTIFICATIONS_PER_MINUTE = 30_000

/** How long an unknown channel or subscription id is answered 404 from memory. */
export const UNKNOWN_CHANNEL_TTL_MS = 30_000

/**
 * The rate limits of the providers' notification routes (route `config`), or none
 * when rate limiting is off (RATE_LIMIT_PER_MINUTE=0). Never per IP address: Google
 * and Microsoft deliver every customer's notifications from shared senders, so a
 * per-address limit would throttle all hosts because of one busy calendar.
 *
 * - Google: per channel id (the `X-Goog-Channel-ID` header, read before the body).
 *   Made-up ids each get a fresh key; what they cost is one indexed lookup, then
 *   {@link UnknownChannels} answers them.
 * - Microsoft: {@link NOTIFICATIONS_PER_MINUTE} for all subscriptions. Graph's
 *   validation request is exempt (it touches nothing), so a subscription being
 *   created gets its answer within Graph's 10 s even while the ceiling is reached.
 */
export function notificationRateLimits(enabled: boolean): {
  google: Record<string, unknown>
  microsoft: Record<string, unknown>
} {
  if (!enabled) return { google: {}, microsoft: {} }
  const tooMany =
    (what: string) => (_request: FastifyRequest, context: { max: number; ttl: number }) => ({
      statusCode: 429,
      error: 'RATE_LIMITED',
      message: `Too many notifications: at most ${context.max} per minute ${what}; retry in ${Math.ceil(context.ttl / 1000)} s`,
    })
  return {
    google: {
      rateLimit: {
        max: NOTIFICATIONS_PER_CHANNEL_PER_MINUTE,
        timeWindow: 60_000,
        keyGenerator: (request: FastifyRequest) =>
          `notify:google:${String(request.headers['x-goog-channel-id'] ?? '').slice(0, 64)}`,
        errorResponseBuilder: tooMany('for one channel'),
      },
    },
    microsoft: {
      rateLimit: {
        max: NOTIFICATIONS_PER_MINUTE,
        timeWindow: 60_000,
        keyGenerator: () => 'notify:microsoft',
        allowList: (request: FastifyRequest) =>
          typeof (request.query as { validationToken?: unknown }).validationToken === 'string',
        errorResponseBuilder: tooMany('for all subscriptions'),
      },
    },
  }
}

/**
 * Channel and subscription ids that were unknown a moment ago, kept in this
 * process's memory for {@link UNKNOWN_CHANNEL_TTL_MS}: a notification for one of
 * them is answered 404 without a database query. In-process on purpose: the
 * point is to skip a round trip, and a Redis lookup would cost about what the
 * indexed PostgreSQL lookup it replaces does. The TTL stays short because a
 * channel can become known later (a notification that overtook the stored watch
 * reply); until the entry expires, polling and the on-demand refresh cover it.
 * Bounded (10,000 ids): a flood of made-up ids evicts old entries, never grows
 * memory.
 */
export class UnknownChannels {
  readonly #ids: LRUCache<string, true>

  constructor(now: () => number) {
    this.#ids = new LRUCache<string, true>({
      max: 10_000,
      ttl: UNKNOWN_CHANNEL_TTL_MS,
      // The server's clock (tests move it), read on every check: lru-cache's default
      // reuses a reading for 1 ms, until a timer clears it.
      perf: { now },
      ttlResolution: 0,
    })
  }

  /** Whether `channelId` of `provider` was found unknown within the TTL. */
  has(provider: string, channelId: string): boolean {
    return this.#ids.has(`${provider}\u0000${channelId}`)
  }

  /** Remembers that `channelId` of `provider` is unknown. */
  add(provider: string, channelId: string): void {
    this.#ids.set(`${provider}\u0000${channelId}`, true)
  }
}
