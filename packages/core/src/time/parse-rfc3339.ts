import { SchedulingError } from '../errors/scheduling-error'
import type { Instant } from '../types'
import { DAY_MS, MINUTE_MS, parseIsoDate } from './epoch-day'

const RFC3339 =
  /^(\d{4}-\d{2}-\d{2})[Tt ]([01]\d|2[0-3]):([0-5]\d):([0-5]\d)(?:\.(\d{1,9}))?(?:([Zz])|([+-])([01]\d|2[0-3]):([0-5]\d))$/

/**
 * The instant (epoch ms) of an RFC 3339 timestamp with any offset or "Z", e.g.
 * "2027-03-14T09:00:00-04:00". Fractions beyond milliseconds are truncated; leap
 * seconds (":60") are rejected. Throws `INVALID_DATE` with `details.field` (default "value").
 *
 * @example
 * ```ts
 * parseRfc3339('2027-03-14T09:00:00-04:00') === Date.parse('2027-03-14T13:00:00Z') // true
 * ```
 */
export function parseRfc3339(text: string, field = 'value'): Instant {
  const match = typeof text === 'string' ? RFC3339.exec(text) : null
  if (match) {
    const epochDay = parseIsoDate(match[1], field)
    const millis = match[5] === undefined ? 0 : Number(match[5].padEnd(3, '0').slice(0, 3))
    const local =
      epochDay * DAY_MS +
      Number(match[2]) * 3_600_000 +
      Number(match[3]) * MINUTE_MS +
      Number(match[4]) * 1000 +
      millis
    if (match[6] !== undefined) return local
    const offsetMinutes = Number(match[8]) * 60 + Number(match[9])
    return local - (match[7] === '-' ? -offsetMinutes : offsetMinutes) * MINUTE_MS
  }
  throw new SchedulingError(
    'INVALID_DATE',
    `${field} must be an RFC 3339 timestamp such as "2027-03-14T09:00:00-04:00", got ${JSON.stringify(text)}`,
    { field, value: text },
  )
}
