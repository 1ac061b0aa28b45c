import { DAY_MS, formatRfc3339, type SlotRejectionReason } from '@slotkit/core'
import { computeSlots } from '../slot.service'
import type { SlotAttempt } from './slot-attempt'

/** How many open slots a 409 offers instead. */
const ALTERNATIVES = 5

/**
 * The next open slots (up to five) after the refused `attempt`, in the invitee's
 * zone: from the requested time on (from now when it was too far ahead), within
 * two weeks, else two months.
 */
export async function alternativesTo(
  attempt: SlotAttempt,
  reason: SlotRejectionReason,
): Promise<{ start: string; end: string }[]> {
  const { deps, mt, host, durationMinutes, startsAt, inviteeTimeZone } = attempt
  const now = deps.now()
  const from = reason === 'TOO_FAR' ? now : Math.max(now, startsAt)
  for (const days of [14, 62]) {
    const slots = await computeSlots(deps, mt, host.timeZone, durationMinutes, {
      from,
      to: from + days * DAY_MS,
    })
    if (slots.length > 0 || days === 62) {
      return slots.slice(0, ALTERNATIVES).map((s) => ({
        start: formatRfc3339(s.startsAt, inviteeTimeZone),
        end: formatRfc3339(s.endsAt, inviteeTimeZone),
      }))
    }
  }
  return []
}
