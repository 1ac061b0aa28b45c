import { createHash } from 'node:crypto'
import type { Redis } from 'ioredis'
import { LRUCache } from 'lru-cache'
import { mailLimitKey, mailSuppressedKey } from './keys'

/** Budgets of invitee e-mails per hour; `0` turns that budget off. */
export interface MailLimits {
  /** E-mails to one invitee address (`MAIL_PER_RECIPIENT_PER_HOUR`). */
  readonly perRecipientPerHour: number
  /** E-mails caused by one client address, IPv6 by /64 (`MAIL_PER_CLIENT_PER_HOUR`). */
  readonly perClientPerHour: number
}

/** Which budget was spent when an e-mail is left out. */
export type MailLimitReason = 'recipient' | 'client'

/**
 * Limits the e-mails anyone on the internet can make the server send to an
 * invitee address (booking, cancelling or rescheduling through the public API
 * with any address). Fixed one-hour windows that start with the first e-mail.
 */
export interface MailLimiter {
  /**
   * Takes one e-mail from the recipient's and the client's budgets, or from
   * neither when either is spent: `undefined` = send, else the spent budget
   * (and the e-mail is counted as suppressed).
   */
  take(recipient: string, clientKey: string): Promise<MailLimitReason | undefined>
  /** E-mails left out so far (this process, or every process sharing the Redis). */
  suppressed(): Promise<number>
}

/** One hour, the window of both budgets. */
export const MAIL_WINDOW_MS = 60 * 60_000

/**
 * What the budgets count a recipient under: lower-cased, without a `+tag` (most
 * providers deliver `ada+1@example.com` to `ada@example.com`), hashed so the
 * address itself is never a key.
 */
export function recipientId(email: string): string {
  const [local = '', domain = ''] = email
    .trim()
    .toLowerCase()
    .split(/@(?=[^@]*$)/)
  const base = local.replace(/\+.*$/, '')
  return createHash('sha256').update(`${base}@${domain}`).digest('hex').slice(0, 32)
}

interface Window {
  count: number
  endsAt: number
}

/** In-process budgets (one server, no REDIS_URL). */
export class MemoryMailLimiter implements MailLimiter {
  // Bounded: one entry per recipient or client seen in the last hour, up to this many.
  readonly #windows = new LRUCache<string, Window>({ max: 100_000 })
  #suppressed = 0

  constructor(
    readonly limits: MailLimits,
    /** The clock (epoch ms). */
    readonly now: () => number = Date.now,
  ) {}

  #current(key: string, now: number): Window | undefined {
    const window = this.#windows.get(key)
    return window && window.endsAt > now ? window : undefined
  }

  async take(recipient: string, clientKey: string): Promise<MailLimitReason | undefined> {
    const now = this.now()
    const budgets: [string, number, MailLimitReason][] = [
      [
        mailLimitKey('recipient', recipientId(recipient)),
        this.limits.perRecipientPerHour,
        'recipient',
      ],
      [mailLimitKey('client', clientKey), this.limits.perClientPerHour, 'client'],
    ]
    for (const [key, limit, reason] of budgets) {
      if (limit > 0 && (this.#current(key, now)?.count ?? 0) >= limit) {
        this.#suppressed += 1
        return reason
      }
    }
    for (const [key, limit] of budgets) {
      if (limit === 0) continue
      const window = this.#current(key, now)
      if (window) window.count += 1
      else this.#windows.set(key, { count: 1, endsAt: now + MAIL_WINDOW_MS })
    }
    return undefined
  }

  async suppressed(): Promise<number> {
    return this.#suppressed
  }
}

// Check both budgets, then take from both, atomically: two servers racing for
// the last e-mail of a budget cannot both send. 0 = send, 1 = recipient spent,
// 2 = client spent. KEYS: recipient, client, suppressed counter. ARGV: the two
// limits (0 = off) and the window in ms.
const TAKE_SCRIPT = `
local limits = { tonumber(ARGV[1]), tonumber(ARGV[2]) }
for i = 1, 2 do
  if limits[i] > 0 and tonumber(redis.call('GET', KEYS[i]) or '0') >= limits[i] then
    redis.call('INCR', KEYS[3])
    return i
  end
end
for i = 1, 2 do
  if limits[i] > 0 and redis.call('INCR', KEYS[i]) == 1 then
    redis.call('PEXPIRE', KEYS[i], ARGV[3])
  end
end
return 0
`

const TAKE_COMMAND = 'slotkitMailTake'

/** The command `defineCommand` adds to the Redis client. */
type TakeCommand = Record<typeof TAKE_COMMAND, (...args: (string | number)[]) => Promise<number>>

/** Options of {@link RedisMailLimiter}. */
export interface RedisMailLimiterOptions {
  /** A Redis failure or a reply slower than this lets the e-mail through; default 250 ms. */
  readonly timeoutMs?: number
  /** Told about a Redis failure (the e-mail is sent). */
  readonly onError?: (error: unknown) => void
}

/** Budgets shared by every server process on one Redis. */
export class RedisMailLimiter implements MailLimiter {
  readonly #timeoutMs: number
  readonly #onError: (error: unknown) => void

  constructor(
    readonly redis: Redis,
    readonly limits: MailLimits,
    options: RedisMailLimiterOptions = {},
  ) {
    this.#timeoutMs = options.timeoutMs ?? 250
    this.#onError = options.onError ?? (() => {})
    // EVALSHA after the first call (ioredis loads the script on NOSCRIPT).
    if (!(TAKE_COMMAND in redis))
      redis.defineCommand(TAKE_COMMAND, { numberOfKeys: 3, lua: TAKE_SCRIPT })
  }

  async take(recipient: string, clientKey: string): Promise<MailLimitReason | undefined> {
    let timer: NodeJS.Timeout | undefined
    try {
      const result = await Promise.race([
        (this.redis as unknown as TakeCommand)[TAKE_COMMAND](
          mailLimitKey('recipient', recipientId(recipient)),
          mailLimitKey('client', clientKey),
          mailSuppressedKey(),
          this.limits.perRecipientPerHour,
          this.limits.perClientPerHour,
          MAIL_WINDOW_MS,
        ),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`no reply from Redis within ${this.#timeoutMs} ms`)),
            this.#timeoutMs,
          )
        }),
      ])
      return result === 1 ? 'recipient' : result === 2 ? 'client' : undefined
    } catch (error) {
      // A Redis outage must not cost invitees their confirmations, nor fail bookings.
      this.#onError(error)
      return undefined
    } finally {
      clearTimeout(timer)
    }
  }

  async suppressed(): Promise<number> {
    return Number((await this.redis.get(mailSuppressedKey())) ?? 0)
  }
}
