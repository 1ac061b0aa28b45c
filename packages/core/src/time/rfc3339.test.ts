import { describe, expect, test } from 'vitest'
import { SchedulingError } from '../errors/scheduling-error'
import { assertValidTimeZone } from './assert-valid-time-zone'
import { formatRfc3339 } from './format-rfc3339'
import { formatUtc } from './format-utc'
import { offsetAt } from './offset-at'
import { parseRfc3339 } from './parse-rfc3339'
import { toLocalDate } from './to-local-date'

describe('formatRfc3339', () => {
  test.each([
    [
      'writes New York summer time with -04:00',
      '2027-03-14T13:00:00Z',
      'America/New_York',
      '2027-03-14T09:00:00-04:00',
    ],
    [
      'writes the EDT 01:30 before New York falls back',
      '2026-11-01T05:30:00Z',
      'America/New_York',
      '2026-11-01T01:30:00-04:00',
    ],
    [
      'writes the EST 01:30 after New York falls back',
      '2026-11-01T06:30:00Z',
      'America/New_York',
      '2026-11-01T01:30:00-05:00',
    ],
    [
      'writes a zone at offset 0 as +00:00, not Z',
      '2026-01-15T09:00:00Z',
      'Europe/London',
      '2026-01-15T09:00:00+00:00',
    ],
    ['writes UTC as +00:00', '2026-01-15T09:00:00Z', 'UTC', '2026-01-15T09:00:00+00:00'],
    [
      'writes Kathmandu +05:45',
      '2026-06-15T03:15:00Z',
      'Asia/Kathmandu',
      '2026-06-15T09:00:00+05:45',
    ],
    [
      'writes Chatham +13:45 across the date line',
      '2026-01-14T19:15:00Z',
      'Pacific/Chatham',
      '2026-01-15T09:00:00+13:45',
    ],
    [
      'writes St. John’s −03:30',
      '2026-01-15T12:30:00Z',
      'America/St_Johns',
      '2026-01-15T09:00:00-03:30',
    ],
    [
      'writes milliseconds only when there are some',
      '2026-01-15T12:30:00.250Z',
      'UTC',
      '2026-01-15T12:30:00.250+00:00',
    ],
    [
      'writes dates before 1970',
      '1969-07-20T20:17:00Z',
      'America/New_York',
      '1969-07-20T16:17:00-04:00',
    ],
  ])('%s', (_name, instant, zone, expected) => {
    expect(formatRfc3339(Date.parse(instant), zone)).toBe(expected)
  })

  // New York kept local mean time (-04:56:02) until 1883-11-18; RFC 3339 has no
  // seconds in offsets, so the offset is rounded and the wall time follows it.
  test('round-trips instants in zones with sub-minute historic offsets', () => {
    for (const [zone, instant] of [
      ['America/New_York', Date.parse('1850-06-01T12:00:00Z')],
      ['Europe/Amsterdam', Date.parse('1920-06-01T12:00:00Z')],
      ['Africa/Monrovia', Date.parse('1960-06-01T12:00:00Z')],
    ] as const) {
      const text = formatRfc3339(instant, zone)
      expect(text).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/)
      expect(parseRfc3339(text)).toBe(instant)
    }
    expect(formatRfc3339(Date.parse('1850-06-01T12:00:00Z'), 'America/New_York')).toBe(
      '1850-06-01T07:04:00-04:56',
    )
  })
})

describe('formatUtc', () => {
  test('writes Z', () => {
    expect(formatUtc(Date.parse('2027-03-14T13:00:00Z'))).toBe('2027-03-14T13:00:00Z')
  })
})

describe('parseRfc3339', () => {
  test.each([
    ['2027-03-14T09:00:00-04:00', '2027-03-14T13:00:00Z'],
    ['2027-03-14T13:00:00Z', '2027-03-14T13:00:00Z'],
    ['2027-03-14t13:00:00z', '2027-03-14T13:00:00Z'],
    ['2026-06-15T09:00:00+05:45', '2026-06-15T03:15:00Z'],
    ['2026-06-15T09:00:00.123456+00:00', '2026-06-15T09:00:00.123Z'],
  ])('reads %s', (text, expected) => {
    expect(parseRfc3339(text)).toBe(Date.parse(expected))
  })

  test.each([
    '2027-03-14',
    '2027-02-30T09:00:00Z',
    '2027-03-14T24:00:00Z',
    '2027-03-14T09:00:60Z',
    '2027-03-14T09:00:00',
    'nonsense',
  ])('rejects %s with INVALID_DATE and the field name', (text) => {
    expect(() => parseRfc3339(text, 'startsAt')).toThrow(
      expect.objectContaining({
        code: 'INVALID_DATE',
        details: expect.objectContaining({ field: 'startsAt' }),
      }),
    )
  })
})

describe('offsetAt and toLocalDate', () => {
  test('give the offset in milliseconds, including 45-minute ones', () => {
    expect(offsetAt(Date.parse('2026-07-01T12:00:00Z'), 'Asia/Kathmandu')).toBe(20_700_000)
    expect(offsetAt(Date.parse('2026-07-01T12:00:00Z'), 'America/St_Johns')).toBe(-9_000_000)
  })

  test('gives the host-local date of an instant', () => {
    expect(toLocalDate(Date.parse('2026-11-01T03:30:00Z'), 'America/New_York')).toBe('2026-10-31')
    expect(toLocalDate(Date.parse('2026-01-14T19:15:00Z'), 'Pacific/Chatham')).toBe('2026-01-15')
  })

  test('rejects a non-finite instant with INVALID_RANGE', () => {
    expect(() => toLocalDate(Number.NaN, 'UTC')).toThrow(
      expect.objectContaining({ code: 'INVALID_RANGE' }),
    )
  })
})

describe('assertValidTimeZone', () => {
  test('accepts IANA zones and rejects unknown ones with the field name', () => {
    expect(() => assertValidTimeZone('Asia/Kathmandu')).not.toThrow()
    const attempt = () => assertValidTimeZone('Europe/Atlantis', 'schedule.timeZone')
    expect(attempt).toThrow(SchedulingError)
    expect(attempt).toThrow(
      expect.objectContaining({
        code: 'INVALID_TIME_ZONE',
        details: expect.objectContaining({ field: 'schedule.timeZone' }),
      }),
    )
  })
})
