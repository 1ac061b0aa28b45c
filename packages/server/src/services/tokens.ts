import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/** sha-256 hex. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex')
}

/** Constant-time comparison of two hex digests. */
export function sameDigest(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex')
  const right = Buffer.from(b, 'hex')
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right)
}

/**
 * The invitee's cancel/reschedule token of a booking: an HMAC of its id under the
 * server's secret key. Only its sha-256 is stored; deriving it lets the server
 * rebuild the links (idempotent replays now, reminder e-mails later) without
 * keeping the token itself.
 */
export function bookingToken(secretKey: string, bookingId: string): string {
  return createHmac('sha256', secretKey).update(`booking-token:v1:${bookingId}`).digest('base64url')
}

/** A new API key `sk_live_<random>` and what is stored of it. */
export function newApiKey(): { key: string; prefix: string; keyHash: string } {
  const key = `sk_${randomBytes(24).toString('base64url')}`
  return { key, prefix: key.slice(0, 10), keyHash: sha256(key) }
}

/** Stable JSON (sorted keys) for request hashing. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}
