/**
 * Every cache key the server uses. The `v1` segment is the key format version:
 * change it whenever a key's layout or its value's format changes, so a
 * deployment never reads values written in an older format.
 */
const VERSION = 'v1'
const PREFIX = `slotkit:${VERSION}`

/** The host's generation counter (docs/architecture.md, "Slot cache and generations"): bumped on every change to the host's slots. */
export function hostGenerationKey(hostId: string): string {
  return `${PREFIX}:gen:{${hostId}}`
}

/** What identifies one slots answer; the generation makes a stale entry unreachable. */
export interface SlotsKeyParts {
  readonly hostId: string
  readonly generation: number
  readonly meetingTypeId: string
  readonly durationMinutes: number
  readonly timeZone: string
  readonly startDate: string
  readonly endDate: string
  /** `day` (single-date reply) or `range` (days reply): they are shaped differently. */
  readonly shape: 'day' | 'range'
}

/** Key of a cached slots reply. The `{hostId}` hash tag keeps a host's keys on one Redis Cluster slot. */
export function slotsKey(parts: SlotsKeyParts): string {
  return [
    `${PREFIX}:slots:{${parts.hostId}}`,
    parts.generation,
    parts.meetingTypeId,
    parts.durationMinutes,
    parts.timeZone,
    parts.startDate,
    parts.endDate,
    parts.shape,
  ].join(':')
}

/** Prefix of rate-limit counters (used by @fastify/rate-limit's Redis store). */
export function rateLimitKeyPrefix(): string {
  return `${PREFIX}:ratelimit:`
}

/**
 * One budget of invitee e-mails (`MailLimiter`): a hashed recipient address or a
 * client key (see `rateLimitKey`). Every mail-limit key carries the `{mail-limits}`
 * hash tag: the limiter's script touches three keys at once, which Redis Cluster
 * allows only within one slot.
 */
export function mailLimitKey(kind: 'recipient' | 'client', id: string): string {
  return `${PREFIX}:{mail-limits}:${kind}:${id}`
}

/** Counter of invitee e-mails the mail limits left out (no expiry). */
export function mailSuppressedKey(): string {
  return `${PREFIX}:{mail-limits}:suppressed`
}

/**
 * The generation of the set of API keys: bumped whenever a key is revoked, and
 * compared on every hit of a process's key cache, so a revoked key is refused by
 * every process at once.
 */
export function apiKeyGenerationKey(): string {
  return `${PREFIX}:api-keys:gen`
}

/** Failed authentications of one client (an address, or an IPv6 /64) in its current window. */
export function authFailuresKey(clientKey: string): string {
  return `${PREFIX}:auth-failures:${clientKey}`
}
