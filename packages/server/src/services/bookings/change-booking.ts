import { randomUUID } from 'node:crypto'
import { formatUtc, MINUTE_MS } from '@slotkit/core'
import type { Answers, Booking } from '@slotkit/core/api'
import {
  cancelBookingVersioned,
  findBookingById,
  insertBooking,
  markRescheduledVersioned,
} from '../../db/repositories/bookings.repository'
import { lockHost } from '../../db/repositories/users.repository'
import type { BookingRow } from '../../db/schema'
import { ApiError, notFound } from '../../http/api-error'
import type { BookingActor } from '../../plugins/auth'
import type { ServiceDeps } from '../deps'
import { bumpHostGeneration } from '../generation'
import { loadSchedulingContext } from '../scheduling-context'
import { isBookingToken } from '../tokens'
import { parseInstant } from '../validate'
import { mayMailInvitee } from './invitee-mail'
import { newBookingValues, recheckSlot, withSlotAttempt } from './slot-attempt'
import { toInviteeBooking, toPublicBooking } from './wire'

/** Who may act on a booking: its host (or the admin) by key, or the invitee by token (set by the route's auth guard). */
export type { BookingActor }

/** Loads a booking the actor may see, or 401/403/404. */
export async function getAuthorizedBooking(
  deps: ServiceDeps,
  id: string,
  actor: BookingActor | undefined,
): Promise<BookingRow> {
  if (!actor)
    throw new ApiError(
      'UNAUTHORIZED',
      'Send a Bearer API key, or the token from the booking links (?token=)',
    )
  const row = await findBookingById(deps.db, id)
  if (actor.kind === 'token') {
    // Same answer for an unknown id and a wrong token: a token guesser learns nothing.
    if (!row || !isBookingToken(deps.secretKeys, row.id, row.tokenHash, actor.token))
      throw new ApiError('NOT_FOUND', 'Booking not found (or the token does not match)')
    return row
  }
  if (!row) throw notFound('Booking')
  if (actor.kind === 'user' && actor.userId !== row.hostId)
    throw new ApiError('FORBIDDEN', "This booking belongs to another user's calendar")
  return row
}

/** A booking as `actor` sees it: the invitee (by token) with the links, anyone else without. */
function asSeenBy(deps: ServiceDeps, row: BookingRow, actor: BookingActor | undefined): Booking {
  return actor?.kind === 'token' ? toInviteeBooking(deps, row) : toPublicBooking(row)
}

/** `GET /api/bookings/:id`: the booking, if the actor may see it (401/403/404 otherwise). */
export async function getBooking(
  deps: ServiceDeps,
  id: string,
  actor: BookingActor | undefined,
): Promise<Booking> {
  return asSeenBy(deps, await getAuthorizedBooking(deps, id, actor), actor)
}

/**
 * The client key that counts against the mail limits: an invitee acting with
 * the link's token is anyone on the internet; a host or admin key is accountable,
 * and the invitee must hear about what the host did.
 */
function publicClient(
  actor: BookingActor | undefined,
  clientKey: string | undefined,
): string | undefined {
  return actor?.kind === 'token' ? clientKey : undefined
}

/**
 * 409 BOOKING_IN_PAST when the invitee's token tries to change a booking that has
 * started: a cancel then would fire `booking.cancelled` webhooks (which billing
 * systems act on) for a meeting that took place. The host's key and the admin
 * token may still, e.g. to record a no-show.
 */
function expectNotStartedFor(
  deps: ServiceDeps,
  row: BookingRow,
  actor: BookingActor | undefined,
): void {
  if (actor?.kind === 'token' && row.startsAt.getTime() <= deps.now()) {
    throw new ApiError(
      'BOOKING_IN_PAST',
      `This meeting started at ${formatUtc(row.startsAt.getTime())}; only the host can change it now`,
      { start_time: formatUtc(row.startsAt.getTime()) },
    )
  }
}

function expectConfirmed(row: BookingRow): void {
  if (row.status !== 'confirmed') {
    throw new ApiError(
      'BOOKING_NOT_ACTIVE',
      `This booking is ${row.status}; only confirmed bookings can be changed`,
      {
        status: row.status,
      },
    )
  }
}

/** 409 CONCURRENT_MODIFICATION: the versioned update found another version (layer 3). */
function concurrentModification(): ApiError {
  return new ApiError(
    'CONCURRENT_MODIFICATION',
    'The booking was changed at the same time; reload it and try again',
  )
}

/** `POST /api/bookings/:id/cancel`: versioned update (zero rows → 409 CONCURRENT_MODIFICATION). */
export async function cancelBooking(
  deps: ServiceDeps,
  id: string,
  actor: BookingActor | undefined,
  reason: string | undefined,
  expectedVersion?: number,
  /** The client's `rateLimitKey`: an invitee's (token) cancel counts against the mail limits. */
  clientKey?: string,
): Promise<Booking> {
  const row = await getAuthorizedBooking(deps, id, actor)
  expectConfirmed(row)
  expectNotStartedFor(deps, row, actor)
  const version = expectedVersion ?? row.version
  const updated = await deps.db.transaction().execute(async (trx) => {
    const cancelled = await cancelBookingVersioned(
      trx,
      row.hostId,
      row.id,
      version,
      reason ?? null,
      deps.bookingJobs !== undefined,
    )
    if (cancelled && deps.onBookingEvent) {
      // Only once the cancel is sure, so a lost race spends no e-mail budget.
      const inviteeMail = await mayMailInvitee(deps, {
        kind: 'cancellation',
        bookingId: row.id,
        recipient: row.inviteeEmail,
        clientKey: publicClient(actor, clientKey),
      })
      await deps.onBookingEvent(trx, { type: 'booking.cancelled', booking: cancelled, inviteeMail })
    }
    return cancelled
  })
  if (!updated) throw concurrentModification()
  await bumpHostGeneration(deps, row.hostId)
  return asSeenBy(deps, updated, actor)
}

/**
 * `POST /api/bookings/:id/reschedule`: one transaction that releases the old slot
 * (versioned) and takes the new one, or changes nothing.
 */
export async function rescheduleBooking(
  deps: ServiceDeps,
  id: string,
  actor: BookingActor | undefined,
  startTime: string,
  expectedVersion?: number,
  /** The client's `rateLimitKey`: an invitee's (token) reschedule counts against the mail limits. */
  clientKey?: string,
): Promise<Booking> {
  const startsAt = parseInstant(startTime, 'start_time')
  const old = await getAuthorizedBooking(deps, id, actor)
  expectConfirmed(old)
  expectNotStartedFor(deps, old, actor)
  const version = expectedVersion ?? old.version
  const durationMinutes = Math.round((old.endsAt.getTime() - old.startsAt.getTime()) / MINUTE_MS)
  const newId = randomUUID()
  const created = await withSlotAttempt((attempting) =>
    deps.db.transaction().execute(async (trx) => {
      const host = await lockHost(trx, old.hostId)
      if (!host) throw notFound('Booking')
      // The meeting type is read under the host lock, like the booking path: a
      // deactivated type takes no new times, and an edit racing this one is seen.
      const ctx = await loadSchedulingContext(trx, {
        hostId: old.hostId,
        meetingTypeId: old.meetingTypeId,
        loadMeetingType: true,
        withWriteCalendar: deps.bookingJobs !== undefined,
        from: startsAt,
        to: startsAt + durationMinutes * MINUTE_MS,
        excludeBookingId: old.id,
      })
      const mt = ctx.meetingType
      if (!mt?.isActive) throw notFound('Meeting type')
      const attempt = attempting({
        deps,
        mt,
        host,
        durationMinutes,
        startsAt,
        inviteeTimeZone: old.inviteeTimeZone,
      })
      // The booking keeps its own length, even if the host has since changed the
      // type's durations: the invitee moves the meeting they booked.
      recheckSlot(attempt, ctx, { keepLength: true })
      const released = await markRescheduledVersioned(trx, old.hostId, old.id, version, newId)
      if (!released) throw concurrentModification()
      // The new booking keeps the place and the calendar event of the one it
      // replaces: the event is moved (patched), so the invitee's calendar entry and
      // its Meet link stay. `released` is the row as this transaction updated it,
      // so an event id the write-back recorded just before is seen (ADR 0015).
      const { values } = newBookingValues(
        attempt,
        newId,
        {
          name: old.inviteeName,
          email: old.inviteeEmail,
          timeZone: old.inviteeTimeZone,
          locale: old.locale,
          answers: old.answers as Answers,
        },
        {
          location: released.location,
          meetingUrl: released.meetingUrl,
          calendarEventId: released.calendarEventId,
          calendarId: released.calendarId,
          calendarSync:
            deps.bookingJobs && (ctx.writeCalendar || released.calendarEventId !== null)
              ? 'pending'
              : 'not_applicable',
        },
      )
      const next = await insertBooking(trx, { ...values, rescheduledFrom: old.id })
      if (deps.onBookingEvent) {
        const inviteeMail = await mayMailInvitee(deps, {
          kind: 'reschedule',
          bookingId: next.id,
          recipient: next.inviteeEmail,
          clientKey: publicClient(actor, clientKey),
        })
        await deps.onBookingEvent(trx, {
          type: 'booking.rescheduled',
          booking: next,
          previous: released,
          inviteeMail,
        })
      }
      return next
    }),
  )
  await bumpHostGeneration(deps, old.hostId)
  return asSeenBy(deps, created, actor)
}
