import { describe, expect, it } from 'vitest'
import { isSchedulingError } from '../errors/scheduling-error'
import {
  formatInBothZones,
  formatSlotDateTime,
  formatSlotRange,
  formatSlotTime,
  uses12HourClock,
} from './index'

const MIN = 60_000
// 2024-01-15 19:00Z: 14:00 EST in New York, 19:00 GMT in London, 00:45 the next day in Kathmandu.
const WINTER = Date.UTC(2024, 0, 15, 19)
// 2024-07-15 18:00Z: 14:00 EDT in New York, 19:00 BST in London.
const SUMMER = Date.UTC(2024, 6, 15, 18)

describe('formatSlotTime', () => {
  it.each([
    [
      'New York in winter (EST, en-US)',
      WINTER,
      'America/New_York',
      undefined,
      undefined,
      '2:00 PM',
    ],
    [
      'New York in summer (EDT, en-US)',
      SUMMER,
      'America/New_York',
      undefined,
      undefined,
      '2:00 PM',
    ],
    ['London in winter (GMT, en-GB 24-hour)', WINTER, 'Europe/London', 'en-GB', undefined, '19:00'],
    ['London in summer (BST, en-GB 24-hour)', SUMMER, 'Europe/London', 'en-GB', undefined, '19:00'],
    [
      'a two-digit morning hour in de-DE',
      Date.UTC(2024, 0, 15, 8, 5),
      'Europe/Berlin',
      'de-DE',
      undefined,
      '09:05',
    ],
    [
      'Kathmandu at +05:45 (past midnight)',
      WINTER,
      'Asia/Kathmandu',
      'en-US',
      undefined,
      '12:45 AM',
    ],
    ['en-US forced to 24 hours', WINTER, 'America/New_York', 'en-US', false, '14:00'],
    ['en-GB forced to 12 hours', WINTER, 'Europe/London', 'en-GB', true, '7:00 pm'],
  ] as const)('%s', (_, instant, timeZone, locale, hour12, expected) => {
    expect(formatSlotTime(instant, { timeZone, locale, hour12 })).toBe(expected)
  })

  it('shows midnight as 00:00, not 24:00, when forcing 24 hours in en-US', () => {
    // Intl's hour12: false resolves to h24 in en-US and would print "24:00".
    expect(
      formatSlotTime(Date.UTC(2024, 0, 15, 5), { timeZone: 'America/New_York', hour12: false }),
    ).toBe('00:00')
  })

  it('shows midnight as 12:00 AM in en-US', () => {
    expect(formatSlotTime(Date.UTC(2024, 0, 15, 5), { timeZone: 'America/New_York' })).toBe(
      '12:00 AM',
    )
  })

  it('uses a plain space before AM/PM (ICU emits U+202F)', () => {
    const text = formatSlotTime(WINTER, { timeZone: 'America/New_York' })
    expect(text).not.toMatch(/[\u00a0\u2009\u202f]/)
    expect(text).toContain(' PM')
  })

  it('accepts RFC 3339 strings with any offset for the same instant', () => {
    const opts = { timeZone: 'America/New_York' }
    expect(formatSlotTime('2024-01-15T19:00:00Z', opts)).toBe('2:00 PM')
    expect(formatSlotTime('2024-01-15T14:00:00-05:00', opts)).toBe('2:00 PM')
    expect(formatSlotTime('2024-01-16T00:45:00.000+05:45', opts)).toBe('2:00 PM')
  })

  it.each([
    ['a date without time', '2024-01-15'],
    ['a local time without offset', '2024-01-15T14:00:00'],
    ['free text', 'next Monday'],
    ['NaN', Number.NaN],
  ])('rejects %s with INVALID_DATE', (_, instant) => {
    expect(() => formatSlotTime(instant, { timeZone: 'UTC' })).toThrowError(
      expect.objectContaining({ code: 'INVALID_DATE' }),
    )
  })

  it('rejects an unknown zone with INVALID_TIME_ZONE', () => {
    let caught: unknown
    try {
      formatSlotTime(WINTER, { timeZone: 'Mars/Olympus_Mons' })
    } catch (error) {
      caught = error
    }
    expect(isSchedulingError(caught)).toBe(true)
    expect(caught).toMatchObject({ code: 'INVALID_TIME_ZONE', details: { field: 'timeZone' } })
  })

  it('rejects a malformed locale with VALIDATION_FAILED', () => {
    expect(() => formatSlotTime(WINTER, { timeZone: 'UTC', locale: 'not a locale!' })).toThrowError(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    )
  })
})

describe('formatSlotDateTime', () => {
  it.each([
    [
      'the seed example: New York in winter',
      WINTER,
      'America/New_York',
      'en-US',
      'Monday, January 15, 2024 at 2:00 PM EST',
    ],
    [
      'New York in summer shows EDT',
      SUMMER,
      'America/New_York',
      'en-US',
      'Monday, July 15, 2024 at 2:00 PM EDT',
    ],
    [
      'London in winter, en-GB',
      WINTER,
      'Europe/London',
      'en-GB',
      'Monday, 15 January 2024 at 19:00 GMT',
    ],
    [
      'London in summer, en-GB, shows BST',
      SUMMER,
      'Europe/London',
      'en-GB',
      'Monday, 15 July 2024 at 19:00 BST',
    ],
    // en-US has no abbreviation for BST, so ICU falls back to the offset.
    [
      'London in summer, en-US, shows GMT+1',
      SUMMER,
      'Europe/London',
      'en-US',
      'Monday, July 15, 2024 at 7:00 PM GMT+1',
    ],
    [
      'Kathmandu at +05:45 rolls to the next day',
      WINTER,
      'Asia/Kathmandu',
      'en-US',
      'Tuesday, January 16, 2024 at 12:45 AM GMT+5:45',
    ],
    [
      'de-DE follows its own pattern',
      WINTER,
      'America/New_York',
      'de-DE',
      'Montag, 15. Januar 2024 um 14:00 GMT-5',
    ],
  ] as const)('%s', (_, instant, timeZone, locale, expected) => {
    expect(formatSlotDateTime(instant, { timeZone, locale })).toBe(expected)
  })

  it('defaults to en-US', () => {
    expect(formatSlotDateTime(WINTER, { timeZone: 'America/New_York' })).toBe(
      'Monday, January 15, 2024 at 2:00 PM EST',
    )
  })

  it('takes a zone-name style, or none, and an hour12 override', () => {
    const opts = { timeZone: 'America/New_York' } as const
    expect(formatSlotDateTime(WINTER, { ...opts, timeZoneName: 'long' })).toBe(
      'Monday, January 15, 2024 at 2:00 PM Eastern Standard Time',
    )
    expect(formatSlotDateTime(WINTER, { ...opts, timeZoneName: 'longOffset' })).toBe(
      'Monday, January 15, 2024 at 2:00 PM GMT-05:00',
    )
    expect(formatSlotDateTime(WINTER, { ...opts, timeZoneName: false, hour12: false })).toBe(
      'Monday, January 15, 2024 at 14:00',
    )
  })

  it('shows the local time on both sides of the New York spring-forward (2024-03-10)', () => {
    // 06:59Z is 01:59 EST; one minute later the clocks jump to 03:00 EDT.
    const opts = { timeZone: 'America/New_York' } as const
    expect(formatSlotDateTime(Date.UTC(2024, 2, 10, 6, 59), opts)).toBe(
      'Sunday, March 10, 2024 at 1:59 AM EST',
    )
    expect(formatSlotDateTime(Date.UTC(2024, 2, 10, 7, 0), opts)).toBe(
      'Sunday, March 10, 2024 at 3:00 AM EDT',
    )
  })

  it('tells the two 01:30s of the London fall-back (2024-10-27) apart by zone name', () => {
    const opts = { timeZone: 'Europe/London', locale: 'en-GB' } as const
    expect(formatSlotDateTime(Date.UTC(2024, 9, 27, 0, 30), opts)).toBe(
      'Sunday, 27 October 2024 at 01:30 BST',
    )
    expect(formatSlotDateTime(Date.UTC(2024, 9, 27, 1, 30), opts)).toBe(
      'Sunday, 27 October 2024 at 01:30 GMT',
    )
  })
})

describe('formatSlotRange', () => {
  const end = WINTER + 30 * MIN

  it('collapses what both ends share', () => {
    expect(formatSlotRange(WINTER, end, { timeZone: 'America/New_York' })).toBe(
      'Monday, January 15, 2024, 2:00 – 2:30 PM EST',
    )
    expect(formatSlotRange(WINTER, end, { timeZone: 'Europe/London', locale: 'en-GB' })).toBe(
      'Monday, 15 January 2024, 19:00–19:30 GMT',
    )
  })

  it('gives only the times with timeOnly', () => {
    expect(formatSlotRange(WINTER, end, { timeZone: 'America/New_York', timeOnly: true })).toBe(
      '2:00 – 2:30 PM',
    )
    expect(
      formatSlotRange(WINTER, end, { timeZone: 'America/New_York', timeOnly: true, hour12: false }),
    ).toBe('14:00 – 14:30')
  })

  it('shows both dates for a range over local midnight', () => {
    expect(
      formatSlotRange('2024-01-16T04:30:00Z', '2024-01-16T05:30:00Z', {
        timeZone: 'America/New_York',
      }),
    ).toBe('Monday, January 15, 2024 at 11:30 PM EST – Tuesday, January 16, 2024 at 12:30 AM EST')
  })

  it('uses plain spaces around the dash (ICU emits U+2009)', () => {
    expect(formatSlotRange(WINTER, end, { timeZone: 'America/New_York' })).not.toMatch(
      /[\u00a0\u2009\u202f]/,
    )
  })

  it('rejects an end before the start with INVALID_RANGE', () => {
    expect(() => formatSlotRange(end, WINTER, { timeZone: 'UTC' })).toThrowError(
      expect.objectContaining({ code: 'INVALID_RANGE' }),
    )
  })
})

describe('formatInBothZones', () => {
  it("gives the invitee's and the host's line (the seed's confirmation e-mail)", () => {
    expect(
      formatInBothZones({
        startsAt: WINTER,
        endsAt: WINTER + 30 * MIN,
        inviteeTimeZone: 'America/New_York',
        hostTimeZone: 'Europe/London',
      }),
    ).toEqual({
      invitee: 'Monday, January 15, 2024, 2:00 – 2:30 PM EST',
      host: 'Monday, January 15, 2024, 7:00 – 7:30 PM GMT',
    })
  })

  it('follows the locale and crosses the date line for Kathmandu', () => {
    expect(
      formatInBothZones({
        startsAt: '2024-01-15T19:00:00Z',
        endsAt: '2024-01-15T20:00:00Z',
        inviteeTimeZone: 'Asia/Kathmandu',
        hostTimeZone: 'Europe/London',
        locale: 'en-GB',
      }),
    ).toEqual({
      invitee: 'Tuesday, 16 January 2024, 00:45–01:45 GMT+5:45',
      host: 'Monday, 15 January 2024, 19:00–20:00 GMT',
    })
  })
})

describe('uses12HourClock', () => {
  it.each([
    ['en-US', true],
    ['en-GB', false],
    ['de-DE', false],
    ['fr-FR', false],
  ] as const)('%s → %s', (locale, expected) => {
    expect(uses12HourClock(locale)).toBe(expected)
  })

  it('defaults to en-US', () => {
    expect(uses12HourClock()).toBe(true)
  })
})
