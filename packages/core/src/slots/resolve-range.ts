import { SchedulingError } from '../errors/scheduling-error'
import { assertInstant } from '../time/assert-instant'
import { DAY_MS, parseIsoDate } from '../time/epoch-day'
import { getZoneTable } from '../time/zone-table'
import type { SlotRange } from '../types'

/** Longest query range, in days (SEMANTICS.md §6). */
const MAX_RANGE_DAYS = 400

/**
 * The instant range `[from, to)` of a {@link SlotRange} (SEMANTICS.md §5): as given
 * for an instant range; for a date range in a viewer's zone,
 * `[toInstant(startDate, 00:00), toInstant(endDate + 1, 00:00))`. Throws
 * `INVALID_RANGE`, `INVALID_DATE` or `INVALID_TIME_ZONE` naming `range.*`.
 */
export function resolveRange(range: SlotRange, prefix = 'range'): [from: number, to: number] {
  if (range === null || typeof range !== 'object') {
    throw new SchedulingError('INVALID_RANGE', `${prefix} must be an object`, { field: prefix })
  }
  if ('from' in range || 'to' in range) {
    const { from, to } = range as { from: number; to: number }
    assertInstant(from, `${prefix}.from`)
    assertInstant(to, `${prefix}.to`)
    if (to < from) {
      throw new SchedulingError('INVALID_RANGE', `${prefix}.to is before ${prefix}.from`, {
        field: `${prefix}.to`,
      })
    }
    if (to - from > MAX_RANGE_DAYS * DAY_MS) {
      throw new SchedulingError(
        'INVALID_RANGE',
        `${prefix} is longer than ${MAX_RANGE_DAYS} days`,
        {
          field: `${prefix}.to`,
        },
      )
    }
    return [from, to]
  }
  const table = getZoneTable(range.timeZone, `${prefix}.timeZone`)
  const first = parseIsoDate(range.startDate, `${prefix}.startDate`)
  const last = parseIsoDate(range.endDate, `${prefix}.endDate`)
  if (last < first) {
    throw new SchedulingError('INVALID_RANGE', `${prefix}.endDate is before ${prefix}.startDate`, {
      field: `${prefix}.endDate`,
    })
  }
  if (last - first + 1 > MAX_RANGE_DAYS) {
    throw new SchedulingError(
      'INVALID_RANGE',
      `${prefix} covers more than ${MAX_RANGE_DAYS} days`,
      {
        field: `${prefix}.endDate`,
      },
    )
  }
  return [table.wallToInstant(first * DAY_MS), table.wallToInstant((last + 1) * DAY_MS)]
}
