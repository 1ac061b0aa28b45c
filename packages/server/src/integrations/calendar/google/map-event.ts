import type { calendar_v3 } from '@googleapis/calendar'
import { type BusyInterval, SLOTKIT_EVENT_MARK } from '../provider'

const DATE = /^\d{4}-\d{2}-\d{2}$/

/**
 * The busy time of a Google event listed with `singleEvents=true` (recurring
 * series arrive as their instances), or null when the event does not block
 * time: cancelled (deleted), `transparent` ("show as available"), a working
 * location, declined by the calendar's owner, or written by Slotkit itself
 * (marked with the {@link SLOTKIT_EVENT_MARK} private property), so a booking
 * never blocks its own reschedule. A missing `transparency` means opaque.
 * All-day events (`start.date`) keep their dates; the engine places them in
 * the host's zone.
 */
export function toBusyInterval(event: calendar_v3.Schema$Event): BusyInterval | null {
  const id = event.id
  if (!id || event.status === 'cancelled') return null
  if (event.transparency === 'transparent') return null
  if (event.eventType === 'workingLocation') return null
  if (event.attendees?.some((a) => a.self && a.responseStatus === 'declined')) return null
  if (event.extendedProperties?.private?.[SLOTKIT_EVENT_MARK] !== undefined) return null
  const start = event.start
  const end = event.end
  if (start?.date && end?.date) {
    if (!DATE.test(start.date) || !DATE.test(end.date) || end.date <= start.date) return null
    return { kind: 'all-day', externalId: id, startDate: start.date, endDate: end.date }
  }
  const startsAt = start?.dateTime ? Date.parse(start.dateTime) : Number.NaN
  const endsAt = end?.dateTime ? Date.parse(end.dateTime) : Number.NaN
  if (!Number.isFinite(startsAt) || !Number.isFinite(endsAt) || endsAt <= startsAt) return null
  return { kind: 'timed', externalId: id, startsAt, endsAt }
}
