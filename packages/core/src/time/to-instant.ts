import type { Instant, IsoDate, WallTime } from '../types'
import { DAY_MS, MINUTE_MS, parseIsoDate } from './epoch-day'
import { parseWallTime } from './wall-time'
import { getZoneTable } from './zone-table'

/**
 * The instant (epoch ms) at which the wall clock in `timeZone` shows `time` on
 * `date`, with Temporal's `compatible` disambiguation (SEMANTICS.md §1):
 * - a wall time that occurs once maps to that instant;
 * - one that occurs twice (fall-back overlap) maps to the **earlier** instant;
 * - one that does not exist (spring-forward gap) is pushed forward by the gap's
 *   length (read with the offset in force before the transition);
 * - `24:00` means 00:00 of the next day, with the same rules.
 *
 * Throws `INVALID_DATE`, `INVALID_TIME` or `INVALID_TIME_ZONE`.
 *
 * @example
 * ```ts
 * toInstant('2026-03-08', '02:30', 'America/New_York') // 02:30 does not exist: 03:30 EDT
 * // === Date.parse('2026-03-08T07:30:00Z')
 * ```
 */
export function toInstant(date: IsoDate, time: WallTime, timeZone: string): Instant {
  const table = getZoneTable(timeZone)
  const epochDay = parseIsoDate(date, 'date')
  const minutes = parseWallTime(time, 'time', true)
  return table.wallToInstant(epochDay * DAY_MS + minutes * MINUTE_MS)
}
