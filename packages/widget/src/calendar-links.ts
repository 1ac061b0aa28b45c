/**
 * Add-to-calendar helpers for the confirmation screen: an iCalendar file
 * (RFC 5545) and Google Calendar / Outlook web links. Instants are RFC 3339
 * strings or epoch milliseconds; every output uses UTC, so no zone database is
 * needed.
 */

/** What goes into the calendar entry. */
export interface CalendarEvent {
  /** Stable id (the booking id), used as the iCalendar UID. */
  readonly id: string
  readonly title: string
  readonly startsAt: number | string
  readonly endsAt: number | string
  readonly description?: string | undefined
  readonly url?: string | undefined
}

function toMs(instant: number | string): number {
  return typeof instant === 'number' ? instant : Date.parse(instant)
}

/** `20270315T130000Z`: the iCalendar / Google UTC form of an instant. */
export function toIcsUtc(instant: number | string): string {
  return new Date(toMs(instant))
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')
}

function escapeText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r?\n/g, '\\n')
}

/** Folds a content line at 75 octets (RFC 5545 §3.1), counting UTF-8 bytes. */
function fold(line: string): string {
  const out: string[] = []
  let current = ''
  let bytes = 0
  for (const ch of line) {
    const size = new TextEncoder().encode(ch).length
    if (bytes + size > (out.length === 0 ? 75 : 74)) {
      out.push(current)
      current = ''
      bytes = 0
    }
    current += ch
    bytes += size
  }
  out.push(current)
  return out.join('\r\n ')
}

/**
 * An iCalendar document with one event. `stampedAt` is the DTSTAMP (pass
 * the booking's creation time; the caller owns the clock).
 */
export function buildIcs(event: CalendarEvent, stampedAt: number | string): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Slotkit//Widget//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'BEGIN:VEVENT',
    `UID:${event.id}@slotkit`,
    `DTSTAMP:${toIcsUtc(stampedAt)}`,
    `DTSTART:${toIcsUtc(event.startsAt)}`,
    `DTEND:${toIcsUtc(event.endsAt)}`,
    `SUMMARY:${escapeText(event.title)}`,
    ...(event.description ? [`DESCRIPTION:${escapeText(event.description)}`] : []),
    ...(event.url ? [`URL:${event.url}`] : []),
    'END:VEVENT',
    'END:VCALENDAR',
  ]
  return `${lines.map(fold).join('\r\n')}\r\n`
}

/** A `data:` URL of {@link buildIcs}, for an `<a download>`. */
export function icsDataUrl(event: CalendarEvent, stampedAt: number | string): string {
  return `data:text/calendar;charset=utf-8,${encodeURIComponent(buildIcs(event, stampedAt))}`
}

/** A Google Calendar "create event" link. */
export function googleCalendarUrl(event: CalendarEvent): string {
  const params = new URLSearchParams({
    action: 'TEMPLATE',
    text: event.title,
    dates: `${toIcsUtc(event.startsAt)}/${toIcsUtc(event.endsAt)}`,
  })
  if (event.description) params.set('details', event.description)
  return `https://calendar.google.com/calendar/render?${params}`
}

/** An Outlook on the web "compose event" link. */
export function outlookCalendarUrl(event: CalendarEvent): string {
  const iso = (instant: number | string) => new Date(toMs(instant)).toISOString()
  const params = new URLSearchParams({
    path: '/calendar/action/compose',
    rru: 'addevent',
    subject: event.title,
    startdt: iso(event.startsAt),
    enddt: iso(event.endsAt),
  })
  if (event.description) params.set('body', event.description)
  return `https://outlook.live.com/calendar/0/deeplink/compose?${params}`
}
