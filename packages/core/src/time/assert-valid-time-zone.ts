import { getZoneTable } from './zone-table'

/**
 * Throws a `SchedulingError` with code `INVALID_TIME_ZONE` (and `details.field`)
 * unless `timeZone` is an IANA zone id the runtime knows, e.g. "Europe/Berlin".
 * Builds nothing expensive: a zone's offset table is filled lazily on first use.
 *
 * @example
 * ```ts
 * assertValidTimeZone('Asia/Kathmandu') // ok
 * assertValidTimeZone('Mars/Olympus', 'schedule.timeZone') // throws INVALID_TIME_ZONE
 * ```
 */
export function assertValidTimeZone(
  timeZone: unknown,
  field = 'timeZone',
): asserts timeZone is string {
  getZoneTable(timeZone, field)
}
