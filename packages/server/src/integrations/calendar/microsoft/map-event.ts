import { toInstant } from '@slotkit/core'
import { type BusyInterval, SLOTKIT_EVENT_MARK } from '../provider'

/**
 * The single-value extended property Slotkit writes on the events it creates
 * (the public-strings property set, so any client can read it): its value is
 * the booking id.
 */
export const GRAPH_EVENT_MARK_PROPERTY = `String {00020329-0000-0000-C000-000000000046} Name ${SLOTKIT_EVENT_MARK}`

/**
 * The start of the `transactionId` of every event Slotkit creates (the rest is
 * derived from the booking). Graph returns `transactionId` with the event, and
 * calendarView/delta cannot `$expand` extended properties, so this is how the
 * sync recognises its own events.
 */
export const SLOTKIT_TRANSACTION_PREFIX = 'slotkit-'

/** A Graph `dateTimeTimeZone`. */
export interface GraphDateTime {
  readonly dateTime?: string | null
  readonly timeZone?: string | null
}

/** The fields of a Graph event (or a delta item) that decide whether and when it blocks time. */
export interface GraphEventLike {
  readonly id?: string | null
  readonly '@removed'?: unknown
  readonly isCancelled?: boolean | null
  readonly isAllDay?: boolean | null
  readonly showAs?: string | null
  readonly type?: string | null
  readonly responseStatus?: { readonly response?: string | null } | null
  readonly transactionId?: string | null
  readonly singleValueExtendedProperties?: readonly { id?: string; value?: string }[] | null
  readonly start?: GraphDateTime | null
  readonly end?: GraphDateTime | null
}

/** Names Graph and Windows give UTC (Graph answers in UTC when asked with `Prefer: outlook.timezone="UTC"`). */
const UTC_NAMES = new Set(['utc', 'etc/utc', 'tzone://microsoft/utc', 'coordinated universal time'])

/** `2027-03-08T10:00:00.0000000`: date, hour, minute, second, fraction. */
const WALL_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?$/

/**
 * Epoch ms of a Graph wall time: UTC (what Slotkit asks for), or an IANA zone.
 * A Windows zone name ("Pacific Standard Time") cannot be placed without a table
 * Slotkit does not carry: undefined.
 */
export function graphInstant(value: GraphDateTime | null | undefined): number | undefined {
  const match = WALL_TIME.exec(value?.dateTime ?? '')
  const zone = value?.timeZone ?? 'UTC'
  if (!match) return undefined
  const [, date, hour, minute, second = '0', fraction = '0'] = match
  const extraMs = Number(second) * 1000 + Math.floor(Number(`0.${fraction}`) * 1000)
  if (UTC_NAMES.has(zone.toLowerCase())) {
    return Date.parse(`${date}T${hour}:${minute}:00Z`) + extraMs
  }
  try {
    return toInstant(date!, `${hour}:${minute}`, zone) + extraMs
  } catch {
    return undefined
  }
}

/** Whether Slotkit wrote this event (its transactionId, or the extended property when present). */
export function isSlotkitEvent(event: GraphEventLike): boolean {
  if (event.transactionId?.startsWith(SLOTKIT_TRANSACTION_PREFIX)) return true
  return (event.singleValueExtendedProperties ?? []).some(
    (p) => p.id?.toLowerCase() === GRAPH_EVENT_MARK_PROPERTY.toLowerCase(),
  )
}

/**
 * The busy time of a Graph event listed by calendarView (recurring series arrive
 * as their occurrences), or null when it does not block time: removed from the
 * view (`@removed`), cancelled, shown as free or as working elsewhere (the host
 * works, from another place), declined by the mailbox owner, a series master, or
 * written by Slotkit itself, so a booking never blocks its own reschedule.
 * Tentative, busy, out-of-office and unknown block. All-day events keep their
 * dates (Graph writes them as midnights); the engine places them in the host's zone.
 */
export function toBusyInterval(event: GraphEventLike): BusyInterval | null {
  const id = event.id
  if (!id || event['@removed'] !== undefined) return null
  if (event.isCancelled === true) return null
  if (event.showAs === 'free' || event.showAs === 'workingElsewhere') return null
  if (event.responseStatus?.response === 'declined') return null
  if (event.type === 'seriesMaster') return null
  if (isSlotkitEvent(event)) return null
  if (event.isAllDay === true) {
    const startDate = WALL_TIME.exec(event.start?.dateTime ?? '')?.[1]
    const endDate = WALL_TIME.exec(event.end?.dateTime ?? '')?.[1]
    if (!startDate || !endDate || endDate <= startDate) return null
    return { kind: 'all-day', externalId: id, startDate, endDate }
  }
  const startsAt = graphInstant(event.start)
  const endsAt = graphInstant(event.end)
  if (startsAt === undefined || endsAt === undefined || endsAt <= startsAt) return null
  return { kind: 'timed', externalId: id, startsAt, endsAt }
}
