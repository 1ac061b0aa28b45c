import { intersectSorted } from '../intervals/intersect-intervals'
import { gridStarts } from '../slots/grid-starts'
import { openIntervalsBetween } from '../slots/open-intervals-between'
import { resolveRange } from '../slots/resolve-range'
import { SlotFilter } from '../slots/slot-filter'
import type { Interval, Slot } from '../types'
import { prepareTeamContexts } from './prepare-team-contexts'
import type { FindCollectiveSlotsInput } from './team-types'

/**
 * Slots that **every** host can take (a collective meeting), for a start in `range`:
 * 1. each host's open intervals (SEMANTICS.md §2, in the host's own zone) are
 *    intersected across hosts;
 * 2. candidate starts step every `slotIntervalMinutes` (default: the duration) from
 *    the start of each intersected interval (§3);
 * 3. a candidate is kept only if it passes every host's own filters (§4): minimum
 *    notice, booking window and daily/weekly limits counted in **that host's**
 *    local dates, and conflicts with that host's bookings and opaque events.
 *
 * With one host this equals {@link findSlots}. Instants are epoch ms. Sorted,
 * duplicate-free. Throws `SchedulingError` for invalid input; per-host fields are
 * named `hosts[i].schedule…`, `hosts[i].bookings[j]…`.
 *
 * @example
 * ```ts
 * findCollectiveSlots({
 *   hosts: [{ schedule: newYorkHost }, { schedule: londonHost, events: londonBusy }],
 *   meetingType: { durationMinutes: 30 },
 *   now,
 *   range: { from, to },
 * }) // [{ startsAt, endsAt }, …] when both are free
 * ```
 */
export function findCollectiveSlots(input: FindCollectiveSlotsInput): Slot[] {
  const contexts = prepareTeamContexts(input)
  const [from, to] = resolveRange(input.range)
  const first = contexts[0]!
  const lo = Math.max(from, first.earliestStart)
  let open: Interval[] = openIntervalsBetween(first, lo, to)
  for (let i = 1; i < contexts.length && open.length > 0; i++) {
    open = intersectSorted(open, openIntervalsBetween(contexts[i]!, lo, to))
  }
  const starts = gridStarts(open, first.stepMs, first.durationMs, lo, to)
  const filters = contexts.map((context) => new SlotFilter(context))
  const slots: Slot[] = []
  for (const startsAt of starts) {
    if (filters.every((filter) => filter.reject(startsAt) === null)) {
      slots.push({ startsAt, endsAt: startsAt + first.durationMs })
    }
  }
  return slots
}
