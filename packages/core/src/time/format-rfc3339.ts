import type { Instant } from '../types'
import { assertInstant } from './assert-instant'
import { DAY_MS, formatIsoDate, MINUTE_MS, pad } from './epoch-day'
import { getZoneTable } from './zone-table'

/**
 * `instant` as an RFC 3339 timestamp with the UTC offset `timeZone` has then,
 * e.g. "2027-03-14T09:00:00-04:00". A zone at offset 0 is written "+00:00",
 * never "Z" (use {@link formatUtc} for that). Milliseconds appear only when non-zero.
 *
 * RFC 3339 offsets have whole minutes, so a historic sub-minute offset (local
 * mean time, e.g. -04:56:02 in New York before 1883) is rounded to the nearest
 * minute and the wall time is shown with that rounded offset: the string always
 * denotes exactly `instant`, so `parseRfc3339(formatRfc3339(t, zone)) === t`.
 *
 * @example
 * ```ts
 * formatRfc3339(Date.parse('2027-03-14T13:00:00Z'), 'America/New_York') // '2027-03-14T09:00:00-04:00'
 * ```
 */
export function formatRfc3339(instant: Instant, timeZone: string): string {
  const table = getZoneTable(timeZone)
  assertInstant(instant, 'instant')
  const offsetMinutes = Math.round(table.offsetAt(instant) / MINUTE_MS)
  const sign = offsetMinutes < 0 ? '-' : '+'
  const absolute = Math.abs(offsetMinutes)
  return `${formatLocal(instant + offsetMinutes * MINUTE_MS)}${sign}${TWO_DIGITS[Math.floor(absolute / 60)]}:${TWO_DIGITS[absolute % 60]}`
}

/** "00" … "99": two-digit fields without `padStart` per call. */
const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => pad(i, 2))
/** One-entry memo of the last formatted day: consecutive slots share their date. */
let memoDay = Number.NaN
let memoDate = ''

/** `YYYY-MM-DDTHH:MM:SS[.mmm]` of local wall-clock milliseconds. */
export function formatLocal(localMs: number): string {
  const epochDay = Math.floor(localMs / DAY_MS)
  if (epochDay !== memoDay) {
    memoDate = formatIsoDate(epochDay)
    memoDay = epochDay
  }
  const ms = localMs - epochDay * DAY_MS
  const seconds = Math.floor(ms / 1000)
  const millis = ms - seconds * 1000
  const time = `${TWO_DIGITS[Math.floor(seconds / 3600)]}:${TWO_DIGITS[Math.floor(seconds / 60) % 60]}:${TWO_DIGITS[seconds % 60]}`
  return millis === 0 ? `${memoDate}T${time}` : `${memoDate}T${time}.${pad(millis, 3)}`
}
