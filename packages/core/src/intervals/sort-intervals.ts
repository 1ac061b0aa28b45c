import type { Interval } from '../types'

/**
 * A new array of `intervals` sorted by start, then end (instants, epoch ms).
 * Does not mutate the input.
 *
 * @example
 * ```ts
 * sortIntervals([{ startsAt: 5, endsAt: 9 }, { startsAt: 1, endsAt: 3 }])
 * // [{ startsAt: 1, endsAt: 3 }, { startsAt: 5, endsAt: 9 }]
 * ```
 */
export function sortIntervals<TInterval extends Interval>(
  intervals: readonly TInterval[],
): TInterval[] {
  return intervals.slice().sort((a, b) => a.startsAt - b.startsAt || a.endsAt - b.endsAt)
}
