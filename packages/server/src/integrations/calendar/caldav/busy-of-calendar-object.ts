import { formatIsoDate } from '@slotkit/core'
import ICAL from 'ical.js'
import { type BusyInterval, SLOTKIT_EVENT_MARK, type SyncWindow } from '../provider'
import { registerIanaZones, wallToInstant } from './iana-zone'

/** The iCalendar property that marks events Slotkit wrote: `X-SLOTKIT-BOOKING-ID`. */
export const CALDAV_EVENT_MARK = `X-${SLOTKIT_EVENT_MARK.toUpperCase().replaceAll('_', '-')}`

/** Busy instances of one object at most (a rule such as FREQ=MINUTELY stops there). */
export const MAX_INSTANCES_PER_OBJECT = 5000
/** Occurrences walked through at most per object, before the window included. */
const MAX_STEPS_PER_OBJECT = 100_000

/** What {@link busyOfCalendarObject} needs besides the object. */
export interface CalendarObjectContext {
  /**
   * The object's id (its href path). Busy times of a single event carry it as
   * their id; the instances of a recurring one `<objectId>#<recurrence id in UTC>`.
   */
  readonly objectId: string
  /** Instances overlapping `[from, to)` are kept. */
  readonly window: SyncWindow
  /** The host's IANA zone: floating times, and TZIDs that name no zone and have no VTIMEZONE. */
  readonly timeZone: string
  /** The account's own addresses, lower case, without `mailto:`: an instance it declined is free. */
  readonly addresses: ReadonlySet<string>
}

/** A component's value of `name`, upper case, or ''. */
function upperValue(component: ICAL.Component, name: string): string {
  const value = component.getFirstPropertyValue(name)
  return typeof value === 'string' ? value.toUpperCase() : ''
}

/** The e-mail address of a `mailto:` calendar user address, lower case. */
export function addressOf(calAddress: string): string {
  return calAddress
    .trim()
    .replace(/^mailto:/i, '')
    .toLowerCase()
}

/**
 * Whether an instance (the master's properties, or its override's) blocks time:
 * not `STATUS:CANCELLED`, not `TRANSP:TRANSPARENT` ("free"), and not declined
 * by the account (an ATTENDEE with one of its addresses and `PARTSTAT=DECLINED`).
 */
function blocksTime(component: ICAL.Component, addresses: ReadonlySet<string>): boolean {
  if (upperValue(component, 'status') === 'CANCELLED') return false
  if (upperValue(component, 'transp') === 'TRANSPARENT') return false
  for (const attendee of component.getAllProperties('attendee')) {
    const value = attendee.getFirstValue()
    const partstat = attendee.getParameter('partstat')
    if (
      typeof value === 'string' &&
      typeof partstat === 'string' &&
      partstat.toUpperCase() === 'DECLINED' &&
      addresses.has(addressOf(value))
    ) {
      return false
    }
  }
  return true
}

function isFloating(time: ICAL.Time): boolean {
  return !time.zone || time.zone === ICAL.Timezone.localTimezone || time.zone.tzid === 'floating'
}

/**
 * The instant of an ical.js time: UTC and zoned times as ical.js computes them
 * (the object's VTIMEZONE, else the IANA zone its TZID names); floating ones,
 * and dates (their midnight), on the host's wall clock.
 */
function instantOf(time: ICAL.Time, timeZone: string): number {
  if (time.isDate) {
    return wallToInstant(
      { year: time.year, month: time.month, day: time.day, hour: 0, minute: 0, second: 0 },
      timeZone,
    )
  }
  if (isFloating(time)) return wallToInstant(time, timeZone)
  return time.toUnixTime() * 1000
}

/** The date of an ical.js time, `days` later. */
function dateOf(time: ICAL.Time, days = 0): string {
  return formatIsoDate(Date.UTC(time.year, time.month - 1, time.day) / 86_400_000 + days)
}

/** The key of an instance in its id: its recurrence id in UTC (`20270311T150000Z`), or its date. */
function recurrenceKey(time: ICAL.Time, timeZone: string): string {
  if (time.isDate) return dateOf(time).replaceAll('-', '')
  return `${new Date(instantOf(time, timeZone)).toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`
}

/** One instance as a busy interval, or null when it is empty or outside the window. */
function toBusy(
  externalId: string,
  start: ICAL.Time,
  end: ICAL.Time,
  context: CalendarObjectContext,
): BusyInterval | null {
  const startsAt = instantOf(start, context.timeZone)
  const endsAt = instantOf(end, context.timeZone)
  if (!(endsAt > startsAt) || endsAt <= context.window.from || startsAt >= context.window.to) {
    return null
  }
  if (start.isDate) {
    // An all-day event keeps its dates; the sync engine places them in the host's zone.
    const endDate = end.isDate ? dateOf(end) : dateOf(start, 1)
    const startDate = dateOf(start)
    if (endDate <= startDate) return null
    return { kind: 'all-day', externalId, startDate, endDate }
  }
  return { kind: 'timed', externalId, startsAt, endsAt }
}

/** The VEVENTs of every VCALENDAR in `ics` (a resource normally holds one). */
function veventsOf(ics: string): ICAL.Component[] {
  const parsed = ICAL.parse(ics) as unknown[]
  const roots = (typeof parsed[0] === 'string' ? [parsed] : parsed) as unknown[][]
  return roots.flatMap((jcal) => new ICAL.Component(jcal).getAllSubcomponents('vevent'))
}

/**
 * The busy times one CalDAV calendar object (an `.ics` resource) contributes to
 * `context.window`.
 *
 * Recurring events are expanded by ical.js (RRULE, RDATE, EXDATE, RECURRENCE-ID
 * overrides, RANGE=THISANDFUTURE) in their own zone, so a weekly 10:00 in
 * America/New_York stays 10:00 across the DST change (14:00Z, then 15:00Z).
 * A TZID is read from the object's VTIMEZONE when it has one (RFC 5545), else
 * as the IANA zone it names, else (like floating times) on the host's clock.
 * Each instance is judged on its own properties (an override's, else the
 * master's): cancelled, transparent and declined instances are free. Objects
 * Slotkit wrote ({@link CALDAV_EVENT_MARK}) contribute nothing. Throws when
 * the object is not iCalendar; the caller skips it.
 */
export function busyOfCalendarObject(ics: string, context: CalendarObjectContext): BusyInterval[] {
  registerIanaZones(ics)
  const vevents = veventsOf(ics)
  if (vevents.some((v) => v.hasProperty(CALDAV_EVENT_MARK.toLowerCase()))) return []
  // One UID per resource (RFC 4791 §4.1); grouped anyway, for objects that break the rule.
  const byUid = new Map<string, ICAL.Component[]>()
  vevents.forEach((vevent, index) => {
    const uid = vevent.getFirstPropertyValue('uid')
    const key = typeof uid === 'string' && uid ? uid : `#${index}`
    byUid.set(key, [...(byUid.get(key) ?? []), vevent])
  })
  const prefix = (n: number) => (byUid.size > 1 ? `${n}:` : '')
  const busy: BusyInterval[] = []
  const push = (interval: BusyInterval | null) => {
    if (interval && busy.length < MAX_INSTANCES_PER_OBJECT) busy.push(interval)
  }
  let group = 0
  for (const components of byUid.values()) {
    group += 1
    const master = components.find((c) => !c.hasProperty('recurrence-id'))
    const overrides = components.filter((c) => c.hasProperty('recurrence-id'))
    const instanceId = (recurrenceId: ICAL.Time) =>
      `${context.objectId}#${prefix(group)}${recurrenceKey(recurrenceId, context.timeZone)}`
    // Overrides are instances of their own: their times and properties replace the master's.
    for (const override of overrides) {
      const event = new ICAL.Event(override)
      if (blocksTime(override, context.addresses)) {
        push(toBusy(instanceId(event.recurrenceId), event.startDate, event.endDate, context))
      }
    }
    if (!master) continue
    const event = new ICAL.Event(master, {
      exceptions: overrides.map((o) => new ICAL.Event(o)),
    })
    if (!event.isRecurring()) {
      if (blocksTime(master, context.addresses)) {
        const id = byUid.size > 1 ? `${context.objectId}#${prefix(group)}` : context.objectId
        push(toBusy(id, event.startDate, event.endDate, context))
      }
      continue
    }
    const overridden = new Set(
      overrides.map((o) => recurrenceKey(new ICAL.Event(o).recurrenceId, context.timeZone)),
    )
    const iterator = event.iterator()
    let steps = 0
    for (let next = iterator.next(); next; next = iterator.next()) {
      if (++steps > MAX_STEPS_PER_OBJECT || busy.length >= MAX_INSTANCES_PER_OBJECT) break
      if (instantOf(next, context.timeZone) >= context.window.to) break
      if (overridden.has(recurrenceKey(next, context.timeZone))) continue
      // A RANGE=THISANDFUTURE override shifts this instance and lends it its properties.
      const details = event.getOccurrenceDetails(next)
      const source = details.item?.component ?? master
      if (!blocksTime(source, context.addresses)) continue
      push(toBusy(instanceId(next), details.startDate, details.endDate, context))
    }
  }
  return busy
}
