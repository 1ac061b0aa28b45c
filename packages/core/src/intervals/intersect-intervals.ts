import type { Interval } from '../types'
import { mergeIntervals } from './merge-intervals'

/**
 * The instants covered by both `a` and `b`, as sorted, disjoint, non-empty
 * half-open intervals (each side is merged first). Does not mutate the inputs.
 *
 * @example
 * ```ts
 * intersectIntervals([{ startsAt: 0, endsAt: 10 }], [{ startsAt: 5, endsAt: 20 }])
 * // [{ startsAt: 5, endsAt: 10 }]
 * ```
 */
export function intersectIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  return intersectSorted(mergeIntervals(a), mergeIntervals(b))
}

/**
 * Intersection of two lists that are each already sorted and pairwise disjoint
 * (touching allowed); keeps the pieces' boundaries, merges nothing.
 */
export function intersectSorted(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const result: Interval[] = []
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) {
    const x = a[i] as Interval
    const y = b[j] as Interval
    const startsAt = Math.max(x.startsAt, y.startsAt)
    const endsAt = Math.min(x.endsAt, y.endsAt)
    if (startsAt < endsAt) result.push({ startsAt, endsAt })
    if (x.endsAt < y.endsAt) i++
    else j++
  }
  return result
}
