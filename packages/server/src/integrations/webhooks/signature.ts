import { createHmac, timingSafeEqual } from 'node:crypto'

/** The header that carries a delivery's signature. */
export const SIGNATURE_HEADER = 'Slotkit-Signature'

/** Default tolerance of {@link verifyWebhookSignature}: 5 minutes either way. */
export const DEFAULT_TOLERANCE_SECONDS = 300

/** HMAC-SHA256 (hex) of `${timestamp}.${body}` under `secret`. */
export function computeSignature(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')
}

/**
 * The `Slotkit-Signature` header value for `body` sent at `timestampSeconds`
 * (Unix seconds): `t=<timestamp>,v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`.
 *
 * @example
 * ```ts
 * signWebhookPayload('whsec_…', '{"type":"booking.created"}', 1_700_000_000)
 * // 't=1700000000,v1=5c1f…'
 * ```
 */
export function signWebhookPayload(secret: string, body: string, timestampSeconds: number): string {
  return `t=${timestampSeconds},v1=${computeSignature(secret, timestampSeconds, body)}`
}

/** Options of {@link verifyWebhookSignature}. */
export interface VerifyWebhookOptions {
  /** Largest accepted |now − t| in seconds; default 300. Guards against replays. */
  readonly toleranceSeconds?: number
  /** The receiver's clock, epoch ms; default `Date.now()`. */
  readonly now?: number
}

/** Why {@link verifyWebhookSignature} rejected a delivery, or `ok`. */
export type WebhookVerification =
  | { readonly ok: true; readonly timestamp: number }
  | {
      readonly ok: false
      readonly reason: 'MALFORMED_HEADER' | 'TIMESTAMP_OUT_OF_TOLERANCE' | 'SIGNATURE_MISMATCH'
    }

/**
 * Checks a webhook delivery on the receiving side: parses the
 * `Slotkit-Signature` header, checks the timestamp is within the tolerance,
 * and compares the HMAC of `${t}.${rawBody}` in constant time with every `v1`
 * value (there can be more than one while a secret is being rotated).
 * `rawBody` must be the body exactly as received (before JSON parsing).
 *
 * @example
 * ```ts
 * import { verifyWebhookSignature } from '@slotkit/server'
 *
 * const result = verifyWebhookSignature(secret, req.headers['slotkit-signature'], rawBody)
 * if (!result.ok) return res.writeHead(400).end(result.reason)
 * ```
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | string[] | undefined,
  rawBody: string | Buffer,
  options: VerifyWebhookOptions = {},
): WebhookVerification {
  const value = Array.isArray(header) ? header.join(',') : header
  if (!value) return { ok: false, reason: 'MALFORMED_HEADER' }
  let timestamp: number | undefined
  const signatures: string[] = []
  for (const part of value.split(',')) {
    const eq = part.indexOf('=')
    if (eq < 0) continue
    const key = part.slice(0, eq).trim()
    const item = part.slice(eq + 1).trim()
    if (key === 't' && /^\d{1,12}$/.test(item)) timestamp = Number(item)
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(item)) signatures.push(item.toLowerCase())
  }
  if (timestamp === undefined || signatures.length === 0) {
    return { ok: false, reason: 'MALFORMED_HEADER' }
  }
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS
  const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000)
  if (Math.abs(nowSeconds - timestamp) > tolerance) {
    return { ok: false, reason: 'TIMESTAMP_OUT_OF_TOLERANCE' }
  }
  const body = typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8')
  const expected = Buffer.from(computeSignature(secret, timestamp, body), 'hex')
  const matches = signatures.some((signature) => {
    const given = Buffer.from(signature, 'hex')
    return given.length === expected.length && timingSafeEqual(given, expected)
  })
  return matches ? { ok: true, timestamp } : { ok: false, reason: 'SIGNATURE_MISMATCH' }
}
