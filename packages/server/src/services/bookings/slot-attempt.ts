import { checkSlot, MINUTE_MS, type SlotRejectionReason } from '@slotkit/core'
import type { Answers, BookingLocation, CalendarSyncState } from '@slotkit/core/api'
import { EXCLUSION_VIOLATION, sqlState } from '../../db/database'
import { tstzrange } from '../../db/repositories/bookings.repository'
import type { MeetingTypeRow, UserRow } from '../../db/schema'
import { ApiError } from '../../http/api-error'
import type { ServiceDeps } from '../deps'
import { type SchedulingContext, toMeetingTypeRules } from '../scheduling-context'
import { reissuedToken } from '../tokens'
import { alternativesTo } from './alternatives'

/**
 * One try to take a slot (a new booking, or the new half of a reschedule): what
 * the re-check needs, and what its 409 needs to offer alternatives.
 */
export interface SlotAttempt {
  readonly deps: ServiceDeps
  readonly mt: MeetingTypeRow
  /** The host's zone, which the meeting type's rules are in. */
  readonly host: Pick<UserRow, 'timeZone'>
  readonly durationMinutes: number
  /** Epoch ms. */
  readonly startsAt: number
  /** The zone the alternatives of a 409 are written in. */
  readonly inviteeTimeZone: string
}

/** The slot was refused by the re-check; thrown inside the write, answered after its rollback. */
class SlotRejected extends Error {
  constructor(
    readonly reason: SlotRejectionReason,
    message: string,
  ) {
    super(message)
  }
}

/**
 * Layer 2's re-check: `attempt` against rules, notice, window, limits, confirmed
 * bookings (with their buffers) and stored external busy times (`ctx`, read with
 * the schedule version or after the host lock), exactly as the slots endpoint
 * computes them. `keepLength`: the attempt's length is allowed even if the
 * meeting type no longer offers it (a reschedule moves the meeting that was
 * booked). Throws what {@link withSlotAttempt} turns into a 409.
 */
export function recheckSlot(
  attempt: SlotAttempt,
  ctx: SchedulingContext,
  options: { keepLength?: boolean } = {},
): void {
  const rules = toMeetingTypeRules(attempt.mt)
  const check = checkSlot({
    schedule: ctx.schedule(attempt.host.timeZone),
    meetingType: options.keepLength
      ? {
          ...rules,
          durationOptionsMinutes: [
            ...(rules.durationOptionsMinutes ?? []),
            attempt.durationMinutes,
          ],
        }
      : rules,
    bookings: ctx.bookings,
    events: ctx.events,
    now: attempt.deps.now(),
    startsAt: attempt.startsAt,
    durationMinutes: attempt.durationMinutes,
  })
  if (!check.ok) throw new SlotRejected(check.reason, check.message)
}

/** Who a new booking is for. */
export interface Invitee {
  readonly name: string
  readonly email: string
  readonly timeZone: string
  /** The invitee's language (canonical BCP 47), for their e-mails and pages; none when not sent. */
  readonly locale: string | null | undefined
  readonly answers: Answers
}

/** Where a new booking's meeting happens, and where its calendar event stands. */
export interface Placement {
  readonly location: BookingLocation | null
  readonly meetingUrl: string | null
  /** `pending` when a `calendar.write-event` job is queued with the booking. */
  readonly calendarSync: CalendarSyncState
  /** A reschedule keeps the event of the booking it replaces (patched, not made again). */
  readonly calendarEventId?: string | null
  readonly calendarId?: string | null
}

/**
 * The row values of a booking `id` taking `attempt`'s slot, and the invitee's
 * token (for the links of the reply): only its hash is stored.
 */
export function newBookingValues(
  attempt: SlotAttempt,
  id: string,
  invitee: Invitee,
  placement: Placement,
) {
  const { deps, mt, startsAt } = attempt
  const endsAt = startsAt + attempt.durationMinutes * MINUTE_MS
  const { token, tokenHash } = reissuedToken(deps.secretKeys, id)
  const values = {
    id,
    hostId: mt.userId,
    meetingTypeId: mt.id,
    status: 'confirmed' as const,
    startsAt: new Date(startsAt),
    endsAt: new Date(endsAt),
    bufferBeforeMinutes: mt.bufferBeforeMinutes,
    bufferAfterMinutes: mt.bufferAfterMinutes,
    blocked: tstzrange(
      startsAt - mt.bufferBeforeMinutes * MINUTE_MS,
      endsAt + mt.bufferAfterMinutes * MINUTE_MS,
    ),
    inviteeName: invitee.name,
    inviteeEmail: invitee.email,
    inviteeTimeZone: invitee.timeZone,
    locale: invitee.locale ?? null,
    answers: JSON.stringify(invitee.answers),
    tokenHash,
    location: placement.location && JSON.stringify(placement.location),
    meetingUrl: placement.meetingUrl,
    calendarSync: placement.calendarSync,
    calendarEventId: placement.calendarEventId ?? null,
    calendarId: placement.calendarId ?? null,
  }
  return { values, token }
}

/** The values {@link newBookingValues} makes. */
export type NewBookingValues = ReturnType<typeof newBookingValues>['values']

/**
 * Runs `write`, which names its attempt (`attempting(attempt)`) once it knows
 * the meeting type, host and length, before checking and writing. If the slot
 * is not free (the re-check refused it, or the exclusion constraint fired:
 * SQLSTATE 23P01, layer 1), the error becomes 409 SLOT_UNAVAILABLE with its
 * reason and up to five alternatives, computed after `write`'s transaction
 * ended (no lock held meanwhile). Any other error passes as it is.
 */
export async function withSlotAttempt<T>(
  write: (attempting: (attempt: SlotAttempt) => SlotAttempt) => Promise<T>,
): Promise<T> {
  let attempt: SlotAttempt | undefined
  try {
    return await write((named) => {
      attempt = named
      return named
    })
  } catch (error) {
    const rejected =
      error instanceof SlotRejected
        ? error
        : sqlState(error) === EXCLUSION_VIOLATION
          ? new SlotRejected('CONFLICT', 'This slot was just booked')
          : undefined
    if (!attempt || !rejected) throw error
    throw await slotUnavailable(attempt, rejected)
  }
}

/** 409 SLOT_UNAVAILABLE for `attempt`; without alternatives if computing them fails. */
async function slotUnavailable(attempt: SlotAttempt, rejected: SlotRejected): Promise<ApiError> {
  const alternatives = await alternativesTo(attempt, rejected.reason).catch((error: unknown) => {
    attempt.deps.log.warn({ err: error }, 'computing alternatives failed')
    return []
  })
  return new ApiError('SLOT_UNAVAILABLE', rejected.message, undefined, {
    reason: rejected.reason,
    alternatives,
  })
}
