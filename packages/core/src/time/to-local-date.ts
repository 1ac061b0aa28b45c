import type { Instant, IsoDate } from '../types'
import { assertInstant } from './assert-instant'
import { DAY_MS, formatIsoDate } from './epoch-day'
import { getZoneTable } from './zone-table'

/**
 * The calendar date (`YYYY-MM-DD`) that the wall clock in `timeZone` shows at `instant`.
 *
 * @example
 * ```ts
 * toLocalDate(Date.parse('2026-11-01T03:30:00Z'), 'America/New_York') // '2026-10-31'
 * ```
 */
export function toLocalDate(instant: Instant, timeZone: string): IsoDate {
  const table = getZoneTable(timeZone)
  assertInstant(instant, 'instant')
  return formatIsoDate(Math.floor((instant + table.offsetAt(instant)) / DAY_MS))
}
