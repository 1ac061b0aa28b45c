import type { Interval } from '../types'
import { sortIntervals } from './sort-intervals'

/**
 * Each of `intervals` cut to `[window.startsAt, window.endsAt)`; pieces left
 * empty are dropped. Sorted, not merged. Does not mutate the inputs.
 *
 * @example
 * ```ts
 * clipIntervals([{ startsAt: 0, endsAt: 10 }, { startsAt: 20, endsAt: 30 }], { startsAt: 5, endsAt: 25 })
 * // [{ startsAt: 5, endsAt: 10 }, { startsAt: 20, endsAt: 25 }]
 * ```
 */
export function clipIntervals(intervals: readonly Interval[], window: Interval): Interval[] {
  const result: Interval[] = []
  for (const interval of sortIntervals(intervals)) {
    const startsAt = Math.max(interval.startsAt, window.startsAt)
    const endsAt = Math.min(interval.endsAt, window.endsAt)
    if (startsAt < endsAt) result.push({ startsAt, endsAt })
  }
  return result
}
