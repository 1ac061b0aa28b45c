import type { Instant } from '../types'
import { assertInstant } from './assert-instant'
import { formatLocal } from './format-rfc3339'

/**
 * `instant` as an RFC 3339 UTC timestamp ending in "Z", e.g.
 * "2027-03-14T13:00:00Z" (milliseconds only when non-zero).
 *
 * @example
 * ```ts
 * formatUtc(Date.parse('2027-03-14T13:00:00Z')) // '2027-03-14T13:00:00Z'
 * ```
 */
export function formatUtc(instant: Instant): string {
  assertInstant(instant, 'instant')
  return `${formatLocal(instant)}Z`
}
