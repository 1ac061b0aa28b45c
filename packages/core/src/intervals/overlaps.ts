import type { Interval } from '../types'

/**
 * True when half-open intervals `a` and `b` share an instant; the test is strict
 * (`a.startsAt < b.endsAt && b.startsAt < a.endsAt`), so touching intervals do not overlap.
 *
 * @example
 * ```ts
 * overlaps({ startsAt: 0, endsAt: 10 }, { startsAt: 10, endsAt: 20 }) // false
 * ```
 */
export function overlaps(a: Interval, b: Interval): boolean {
  return a.startsAt < b.endsAt && b.startsAt < a.endsAt
}
