import type { FindSlotsInput, Slot } from '../types'
import { gridStarts } from './grid-starts'
import { openIntervalsBetween } from './open-intervals-between'
import { resolveRange } from './resolve-range'
import { prepareSlotContext } from './slot-context'
import { SlotFilter } from './slot-filter'

/**
 * The bookable slots of one host whose start lies in `input.range`, exactly as
 * SEMANTICS.md §2–§5 define them: open intervals per host-local date (DST-exact,
 * `compatible` wall→instant), a grid of starts every `slotIntervalMinutes` (default:
 * the duration) along the real timeline from each interval's start, then minimum
 * notice, booking window, daily/weekly limits and conflicts with bookings' blocked
 * ranges (their buffers included) and opaque external events, the slot's own
 * buffers included. Instants are epoch ms; dates and limits are counted in the
 * host's zone (`schedule.timeZone`). Sorted by start, duplicate-free, independent
 * of the order of every input list. Pure: `now` is a parameter.
 *
 * Throws `SchedulingError` for invalid input (SEMANTICS.md §6), with `details.field`.
 *
 * @example
 * ```ts
 * const slots = findSlots({
 *   schedule: {
 *     timeZone: 'America/New_York',
 *     weekly: [1, 2, 3, 4, 5].map((dayOfWeek) => ({ dayOfWeek, startTime: '09:00', endTime: '17:00' })),
 *   },
 *   meetingType: { durationMinutes: 30, bufferAfterMinutes: 10, minNoticeMinutes: 240 },
 *   events: [{ startsAt: Date.parse('2026-11-02T15:00:00Z'), endsAt: Date.parse('2026-11-02T16:00:00Z') }],
 *   now: Date.parse('2026-10-30T12:00:00Z'),
 *   range: { startDate: '2026-11-02', endDate: '2026-11-06', timeZone: 'Europe/Paris' },
 * })
 * // [{ startsAt: 1_793_628_000_000, endsAt: 1_793_629_800_000 }, …] (09:00 EST = 14:00Z on Nov 2)
 * ```
 */
export function findSlots(input: FindSlotsInput): Slot[] {
  const context = prepareSlotContext(input)
  const [from, to] = resolveRange(input.range)
  const lo = Math.max(from, context.earliestStart)
  const intervals = openIntervalsBetween(context, lo, to)
  const starts = gridStarts(intervals, context.stepMs, context.durationMs, lo, to)
  const filter = new SlotFilter(context)
  const durationMs = context.durationMs
  const slots: Slot[] = []
  for (let i = 0; i < starts.length; i++) {
    const startsAt = starts[i] as number
    if (filter.reject(startsAt) === null) slots.push({ startsAt, endsAt: startsAt + durationMs })
  }
  return slots
}
