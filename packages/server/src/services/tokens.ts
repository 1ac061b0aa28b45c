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
 * rebuild the links (idempotent replays, reminder e-mails) without keeping the
 * token itself.
 */
export function bookingToken(secretKey: string, bookingId: string): string {
  return createHmac('sha256', secretKey).update(`booking-token:v1:${bookingId}`).digest('base64url')
}

/**
 * The keys that derive invitee tokens, newest first (SECRET_KEY = `newest,older,…`).
 * New bookings get a token of the first; a token of any of them still opens its
 * booking, so the key can rotate without breaking links already sent.
 */
export type SecretKeys = readonly [string, ...string[]]

/**
 * `value` as {@link SecretKeys}: a list as it is, or a string split at commas
 * (SECRET_KEY's format; generated keys are base64url and never hold a comma).
 * Throws on an empty list or an empty entry.
 */
export function toSecretKeys(value: string | readonly string[]): SecretKeys {
  const keys = (typeof value === 'string' ? value.split(',') : [...value]).map((key) => key.trim())
  const [first, ...rest] = keys
  if (first === undefined || keys.some((key) => key === '')) {
    throw new Error('secret keys: expected one key or a comma-separated list without empty entries')
  }
  return [first, ...rest]
}

/**
 * The token of a booking's links, derived with whichever of `keys` made its stored
 * `tokenHash`, so a link rebuilt after a rotation is the one the invitee already
 * has; `undefined` when none did (the key was retired: see {@link reissuedToken}).
 */
export function linkTokenOf(
  keys: SecretKeys,
  bookingId: string,
  tokenHash: string,
): string | undefined {
  for (const key of keys) {
    const token = bookingToken(key, bookingId)
    if (sameDigest(sha256(token), tokenHash)) return token
  }
  return undefined
}

/**
 * Whether `token` opens the booking: it matches the stored hash and is derived
 * from one of `keys`. A token made with a key no longer listed is refused even
 * though its hash is stored: dropping a (leaked) key from SECRET_KEY retires
 * every link it made.
 */
export function isBookingToken(
  keys: SecretKeys,
  bookingId: string,
  tokenHash: string,
  token: string,
): boolean {
  if (!sameDigest(sha256(token), tokenHash)) return false
  return linkTokenOf(keys, bookingId, tokenHash) !== undefined
}

/** The token and stored hash a booking gets under the newest key (new bookings, re-issued links). */
export function reissuedToken(keys: SecretKeys, bookingId: string) {
  const token = bookingToken(keys[0], bookingId)
  return { token, tokenHash: sha256(token) }
}

/** A new API key, `sk_` and 32 base64url characters (192 random bits), and what is stored of it. */
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
