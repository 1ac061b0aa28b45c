import { SchedulingError } from '../errors/scheduling-error'
import { parseIsoDate } from '../time/epoch-day'
import type { Interval, IsoDate, Schedule } from '../types'
import { appendOpenIntervalsOfDay, compileSchedule } from './compile-schedule'

/** Longest date span core computes in one call, in days. */
export const MAX_RANGE_DAYS = 400

/**
 * The host's open intervals (instants, epoch ms) for the host-local dates
 * `fromDate` … `toDate`, both inclusive (SEMANTICS.md §2): per date, the date
 * override's windows if there is one (empty = day off), else the weekly rules
 * for that day of week; each `HH:MM` edge resolved in `schedule.timeZone` with
 * the `compatible` policy; empty windows dropped; the windows of one date merged
 * when they overlap or touch. Intervals of different dates are never merged, even
 * when they touch at midnight. Sorted by start.
 *
 * Throws `INVALID_TIME_ZONE`, `INVALID_DATE`, `INVALID_TIME`, `INVALID_RULES`, or
 * `INVALID_RANGE` (toDate before fromDate, or more than 400 days).
 *
 * @example
 * ```ts
 * openIntervals(
 *   { timeZone: 'America/New_York', weekly: [{ dayOfWeek: 0, startTime: '00:00', endTime: '24:00' }] },
 *   '2026-11-01',
 *   '2026-11-01',
 * ) // one interval of 25 hours: 04:00Z on Nov 1 to 05:00Z on Nov 2
 * ```
 */
export function openIntervals(schedule: Schedule, fromDate: IsoDate, toDate: IsoDate): Interval[] {
  const compiled = compileSchedule(schedule)
  const first = parseIsoDate(fromDate, 'fromDate')
  const last = parseIsoDate(toDate, 'toDate')
  if (last < first) {
    throw new SchedulingError(
      'INVALID_RANGE',
      `toDate (${toDate}) is before fromDate (${fromDate})`,
      {
        field: 'toDate',
      },
    )
  }
  if (last - first + 1 > MAX_RANGE_DAYS) {
    throw new SchedulingError(
      'INVALID_RANGE',
      `the range covers more than ${MAX_RANGE_DAYS} days`,
      {
        field: 'toDate',
      },
    )
  }
  const out: Interval[] = []
  for (let day = first; day <= last; day++) appendOpenIntervalsOfDay(compiled, day, out)
  return out
}
