/**
 * Property test of recurring-event expansion against an oracle that shares
 * nothing with the code under test: `Intl.DateTimeFormat` reading each instance
 * back on the event's own wall clock. Zones with DST in both hemispheres, a
 * half-hour DST (Australia/Lord_Howe), +05:45 and one without DST; start dates
 * around the 2026–2028 transitions. Instances stay within 09:00–22:45, where
 * none of these zones has a transition, so every local time exists once.
 */
import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { busyOfCalendarObject } from './busy-of-calendar-object'

const RUNS = Number(process.env.PROP_RUNS ?? 200)
const ZONES = [
  'America/New_York',
  'Europe/Berlin',
  'Australia/Sydney',
  'Australia/Lord_Howe',
  'America/Santiago',
  'Asia/Kathmandu',
  'Asia/Tokyo',
] as const

const pad = (n: number) => String(n).padStart(2, '0')

/** Local `YYYY-MM-DD HH:mm` of an instant in a zone, read by Intl (the oracle). */
function localOf(instant: number, timeZone: string): { date: string; time: string } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  )
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    time: `${parts.hour}:${parts.minute}`,
  }
}

const DAY_MS = 86_400_000

describe('busyOfCalendarObject (property)', () => {
  test.prop(
    {
      zone: fc.constantFrom(...ZONES),
      // Days from 2026-01-01 to the end of 2028.
      day: fc.integer({ min: 0, max: 3 * 365 }),
      hour: fc.integer({ min: 9, max: 20 }),
      minute: fc.constantFrom(0, 15, 30, 45),
      // Ends by 22:45: Santiago's transitions are at midnight.
      durationMinutes: fc.integer({ min: 5, max: 120 }),
      freq: fc.constantFrom('DAILY', 'WEEKLY'),
      count: fc.integer({ min: 1, max: 30 }),
    },
    { numRuns: RUNS },
  )(
    'every instance starts at the series wall time in its zone, one period apart, COUNT times',
    ({ zone, day, hour, minute, durationMinutes, freq, count }) => {
      const first = new Date(Date.UTC(2026, 0, 1) + day * DAY_MS)
      const date = `${first.getUTCFullYear()}${pad(first.getUTCMonth() + 1)}${pad(first.getUTCDate())}`
      const object = [
        'BEGIN:VCALENDAR',
        'VERSION:2.0',
        'PRODID:-//test//test//EN',
        'BEGIN:VEVENT',
        'UID:p',
        'DTSTAMP:20260101T000000Z',
        `DTSTART;TZID=${zone}:${date}T${pad(hour)}${pad(minute)}00`,
        `DURATION:PT${durationMinutes}M`,
        `RRULE:FREQ=${freq};COUNT=${count}`,
        'END:VEVENT',
        'END:VCALENDAR',
      ].join('\r\n')
      const busy = busyOfCalendarObject(object, {
        objectId: '/p.ics',
        window: { from: Date.UTC(2025, 11, 1), to: Date.UTC(2029, 11, 1) },
        timeZone: 'UTC',
        addresses: new Set(),
      })
      expect(busy).toHaveLength(count)
      const step = freq === 'DAILY' ? 1 : 7
      busy.forEach((b, i) => {
        if (b.kind !== 'timed') throw new Error('expected timed instances')
        const local = localOf(b.startsAt, zone)
        const expectedDate = new Date(first.getTime() + i * step * DAY_MS)
          .toISOString()
          .slice(0, 10)
        expect(local).toEqual({ date: expectedDate, time: `${pad(hour)}:${pad(minute)}` })
        // The duration is exact: no instance here spans a transition's hour.
        expect(b.endsAt - b.startsAt).toBe(durationMinutes * 60_000)
      })
      expect(new Set(busy.map((b) => b.externalId)).size).toBe(count)
    },
  )
})
