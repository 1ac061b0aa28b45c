import { describe, expect, test } from 'vitest'
import { buildIcs, googleCalendarUrl, outlookCalendarUrl, toIcsUtc } from './calendar-links'

const event = {
  id: 'b7c1',
  title: 'Intro call; with Ada, Lovelace',
  startsAt: '2027-03-14T09:00:00-04:00',
  endsAt: '2027-03-14T09:30:00-04:00',
  description: 'Cancel: https://example.com/c?token=x\nReschedule: https://example.com/r',
}

describe('add-to-calendar links', () => {
  test('writes instants in UTC whatever offset they came with', () => {
    expect(toIcsUtc('2027-03-14T09:00:00-04:00')).toBe('20270314T130000Z')
    expect(toIcsUtc(Date.UTC(2027, 0, 1))).toBe('20270101T000000Z')
  })

  test('builds an iCalendar event with escaped text and CRLF lines', () => {
    const ics = buildIcs(event, '2027-03-01T10:00:00Z')
    expect(ics.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true)
    expect(ics).toContain('DTSTART:20270314T130000Z\r\n')
    expect(ics).toContain('DTEND:20270314T133000Z\r\n')
    expect(ics).toContain('DTSTAMP:20270301T100000Z\r\n')
    expect(ics).toContain('SUMMARY:Intro call\\; with Ada\\, Lovelace\r\n')
    expect(ics).toContain('UID:b7c1@slotkit')
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true)
  })

  test('folds lines longer than 75 octets', () => {
    const ics = buildIcs({ ...event, title: 'x'.repeat(200) }, 0)
    for (const line of ics.split('\r\n'))
      expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75)
    expect(ics.replace(/\r\n /g, '')).toContain(`SUMMARY:${'x'.repeat(200)}`)
  })

  test('links to Google Calendar and Outlook with the UTC times', () => {
    const google = new URL(googleCalendarUrl(event))
    expect(google.searchParams.get('dates')).toBe('20270314T130000Z/20270314T133000Z')
    expect(google.searchParams.get('text')).toBe(event.title)
    const outlook = new URL(outlookCalendarUrl(event))
    expect(outlook.searchParams.get('startdt')).toBe('2027-03-14T13:00:00.000Z')
    expect(outlook.searchParams.get('subject')).toBe(event.title)
  })
})
