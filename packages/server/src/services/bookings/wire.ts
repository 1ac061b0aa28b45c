import { formatUtc, MINUTE_MS } from '@slotkit/core'
import type { Booking, CalendarSync, CreateBookingReply } from '@slotkit/core/api'
import type { BookingRow } from '../../db/schema'
import type { ServiceDeps } from '../deps'
import { linkTokenOf } from '../tokens'

/** What building an invitee's links needs. */
type LinkDeps = Pick<ServiceDeps, 'secretKeys' | 'publicUrl'>

/**
 * The wire shape of a booking without the invitee's links: for its host, the
 * admin, listings and webhook payloads.
 */
export function toPublicBooking(row: BookingRow): Booking {
  const wire: Booking = {
    id: row.id,
    status: row.status,
    meeting_type_id: row.meetingTypeId,
    user_id: row.hostId,
    start_time: formatUtc(row.startsAt.getTime()),
    end_time: formatUtc(row.endsAt.getTime()),
    duration_minutes: Math.round((row.endsAt.getTime() - row.startsAt.getTime()) / MINUTE_MS),
    invitee_name: row.inviteeName,
    invitee_email: row.inviteeEmail,
    invitee_timezone: row.inviteeTimeZone,
    answers: row.answers as Booking['answers'],
    calendar_event_id: row.calendarEventId,
    location: row.location,
    meeting_url: row.meetingUrl,
    calendar_sync: calendarSyncOf(row),
    created_at: formatUtc(row.createdAt.getTime()),
    version: row.version,
    rescheduled_from_id: row.rescheduledFrom,
    rescheduled_to_id: row.rescheduledTo,
  }
  if (row.cancelledAt) wire.cancelled_at = formatUtc(row.cancelledAt.getTime())
  if (row.cancelReason !== null) wire.cancel_reason = row.cancelReason
  return wire
}

/** Where writing the booking to its host's calendar stands, as the wire shows it. */
function calendarSyncOf(
  row: Pick<BookingRow, 'calendarSync' | 'calendarSyncError' | 'calendarSyncAttempts'>,
): CalendarSync {
  const sync: CalendarSync = { state: row.calendarSync }
  if (row.calendarSyncError !== null) sync.last_error = row.calendarSyncError
  if (row.calendarSyncAttempts > 0) sync.attempts = row.calendarSyncAttempts
  return sync
}

/** The cancel and reschedule links of a booking whose invitee token is `token`. */
function linksOf(deps: LinkDeps, bookingId: string, token: string) {
  const base = `${deps.publicUrl()}/bookings/${bookingId}`
  return {
    cancel_url: `${base}/cancel?token=${token}`,
    reschedule_url: `${base}/reschedule?token=${token}`,
  }
}

/**
 * The wire shape of a booking for its invitee (acting with the link's token):
 * with the links, when one of the configured secret keys made its stored token.
 * The key that made the stored hash, not simply the newest: after a rotation the
 * rebuilt links are the ones the invitee already has (a booking whose key was
 * dropped has none; see `withLinkableToken`).
 */
export function toInviteeBooking(deps: LinkDeps, row: BookingRow): Booking {
  const token = linkTokenOf(deps.secretKeys, row.id, row.tokenHash)
  const wire = toPublicBooking(row)
  return token === undefined ? wire : { ...wire, ...linksOf(deps, row.id, token) }
}

/**
 * The reply of `POST /api/bookings`: the booking and its links, from the token
 * the booking was just given (or, for a replay, `withLinkableToken`'s), so the
 * links are always there.
 */
export function toCreateBookingReply(
  deps: LinkDeps,
  row: BookingRow,
  token: string,
): CreateBookingReply {
  return { ...toPublicBooking(row), ...linksOf(deps, row.id, token) }
}
