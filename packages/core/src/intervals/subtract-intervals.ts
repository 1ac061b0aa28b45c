import type { Interval } from '../types'
import { mergeIntervals } from './merge-intervals'

/**
 * The parts of `from` not covered by any of `remove`: sorted, disjoint,
 * non-empty half-open intervals. Does not mutate the inputs.
 *
 * @example
 * ```ts
 * subtractIntervals([{ startsAt: 0, endsAt: 10 }], [{ startsAt: 3, endsAt: 4 }])
 * // [{ startsAt: 0, endsAt: 3 }, { startsAt: 4, endsAt: 10 }]
 * ```
 */
export function subtractIntervals(
  from: readonly Interval[],
  remove: readonly Interval[],
): Interval[] {
  const base = mergeIntervals(from)
  const cut = mergeIntervals(remove)
  const result: Interval[] = []
  let j = 0
  for (const interval of base) {
    let cursor = interval.startsAt
    while (j < cut.length && (cut[j] as Interval).endsAt <= cursor) j++
    let k = j
    while (k < cut.length && (cut[k] as Interval).startsAt < interval.endsAt) {
      const piece = cut[k] as Interval
      if (piece.startsAt > cursor) result.push({ startsAt: cursor, endsAt: piece.startsAt })
      if (piece.endsAt > cursor) cursor = piece.endsAt
      k++
    }
    if (cursor < interval.endsAt) result.push({ startsAt: cursor, endsAt: interval.endsAt })
  }
  return result
}
