import type { Interval } from '../types'
import { sortIntervals } from './sort-intervals'

/**
 * The union of `intervals` as sorted, disjoint half-open intervals: overlapping
 * **or touching** intervals become one (`[1,3) + [3,5)` → `[1,5)`). Empty
 * intervals (`endsAt <= startsAt`) are dropped. Does not mutate the input.
 *
 * @example
 * ```ts
 * mergeIntervals([{ startsAt: 3, endsAt: 5 }, { startsAt: 1, endsAt: 3 }]) // [{ startsAt: 1, endsAt: 5 }]
 * ```
 */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const result: Interval[] = []
  let startsAt = 0
  let endsAt = 0
  let open = false
  for (const interval of sortIntervals(intervals)) {
    if (interval.endsAt <= interval.startsAt) continue
    if (open && interval.startsAt <= endsAt) {
      if (interval.endsAt > endsAt) endsAt = interval.endsAt
      continue
    }
    if (open) result.push({ startsAt, endsAt })
    startsAt = interval.startsAt
    endsAt = interval.endsAt
    open = true
  }
  if (open) result.push({ startsAt, endsAt })
  return result
}
