import type { Instant } from '../types'
import { assertInstant } from './assert-instant'
import { getZoneTable } from './zone-table'

/**
 * The UTC offset of `timeZone` at `instant`, in **milliseconds** (local wall
 * time = instant + offset). Milliseconds, not minutes, because historic local
 * mean times have sub-minute offsets (Europe/Amsterdam was +00:19:32 until 1937).
 *
 * @example
 * ```ts
 * offsetAt(Date.parse('2026-07-01T12:00:00Z'), 'Asia/Kathmandu') // 20_700_000 (+05:45)
 * ```
 */
export function offsetAt(instant: Instant, timeZone: string): number {
  const table = getZoneTable(timeZone)
  assertInstant(instant, 'instant')
  return table.offsetAt(instant)
}
