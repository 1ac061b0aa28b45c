import { appendOpenIntervalsOfDay } from '../availability/compile-schedule'
import type { SlotRejectionReason } from '../errors/codes'
import { localDay, prepareSlotContext, type SlotContext } from '../slots/slot-context'
import { SlotFilter } from '../slots/slot-filter'
import { assertInstant } from '../time/assert-instant'
import type { CheckSlotInput, Interval, SlotCheck } from '../types'

/**
 * Checks one requested start against exactly the rules of {@link findSlots}
 * (same compiled context, same open intervals, same filter code), so the two can
 * never disagree: `{ ok: true, slot }` exactly when `findSlots` over a range
 * containing `startsAt` would offer a slot starting at `startsAt`; otherwise the
 * **first** failing reason of SEMANTICS.md §4 (OUTSIDE_AVAILABILITY, MISALIGNED,
 * TOO_SOON, TOO_FAR, LIMIT_REACHED, CONFLICT) and a human-readable message.
 * Instants are epoch ms; dates are host-local. Throws only for invalid input.
 *
 * @example
 * ```ts
 * const check = checkSlot({ schedule, meetingType, bookings, now, startsAt: Date.parse('2026-11-02T14:00:00Z') })
 * if (!check.ok) console.log(check.reason, check.message) // e.g. 'CONFLICT'
 * ```
 */
export function checkSlot(input: CheckSlotInput): SlotCheck {
  const context = prepareSlotContext(input)
  assertInstant(input.startsAt, 'startsAt')
  const startsAt = input.startsAt
  const endsAt = startsAt + context.durationMs
  const day = localDay(context.schedule.table.offsetAt(startsAt), startsAt)
  const intervals: Interval[] = []
  for (let d = day - 2; d <= day + 2; d++) appendOpenIntervalsOfDay(context.schedule, d, intervals)
  let inside = false
  let aligned = false
  for (const interval of intervals) {
    if (interval.startsAt <= startsAt && endsAt <= interval.endsAt) {
      inside = true
      if ((startsAt - interval.startsAt) % context.stepMs === 0) aligned = true
    }
  }
  const reason: SlotRejectionReason | null = !inside
    ? 'OUTSIDE_AVAILABILITY'
    : !aligned
      ? 'MISALIGNED'
      : new SlotFilter(context).reject(startsAt)
  if (reason === null) return { ok: true, slot: { startsAt, endsAt } }
  return { ok: false, reason, message: describeRejection(reason, context) }
}

function describeRejection(reason: SlotRejectionReason, context: SlotContext): string {
  const minutes = (ms: number) => ms / 60_000
  switch (reason) {
    case 'OUTSIDE_AVAILABILITY':
      return "The requested time is not entirely within the host's working hours."
    case 'MISALIGNED':
      return `Slots start every ${minutes(context.stepMs)} minutes from the start of the host's working hours; the requested start is between two slots.`
    case 'TOO_SOON':
      return context.minDay === Number.NEGATIVE_INFINITY
        ? `The requested time is too soon: bookings need at least ${context.minNoticeMinutes} minutes' notice.`
        : `The requested time is too soon: bookings need at least ${context.minNoticeMinutes} minutes' notice and must be on or after the first bookable date.`
    case 'TOO_FAR':
      return 'The requested time is too far ahead: it is after the last date open for booking.'
    case 'LIMIT_REACHED':
      return 'The host has reached the maximum number of bookings for that day or week.'
    case 'CONFLICT':
      return 'The requested time (with its buffers) overlaps another booking or a busy event of the host.'
  }
}
