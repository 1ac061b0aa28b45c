import type { Interval } from '../types'

/**
 * The candidate starts of SEMANTICS.md §3 that lie in `[lo, hi)`: for each open
 * interval `[a, b)`, `a + k * stepMs` while the slot still ends by `b`. Sorted and
 * duplicate-free. When the intervals are sorted and disjoint (always, except on
 * exotic transitions where a gap straddles midnight) the starts come out in order
 * directly; otherwise they are sorted and deduplicated.
 */
export function gridStarts(
  intervals: readonly Interval[],
  stepMs: number,
  durationMs: number,
  lo: number,
  hi: number,
): number[] {
  const starts: number[] = []
  let ordered = true
  let previousEnd = Number.NEGATIVE_INFINITY
  for (const interval of intervals) {
    const a = interval.startsAt
    const last = interval.endsAt - durationMs
    if (a < previousEnd) ordered = false
    previousEnd = interval.endsAt
    let t = a
    if (t < lo) t = a + Math.ceil((lo - a) / stepMs) * stepMs
    for (; t <= last && t < hi; t += stepMs) starts.push(t)
  }
  if (ordered) return starts
  starts.sort((x, y) => x - y)
  return starts.filter((t, i) => i === 0 || t !== starts[i - 1])
}
