import { describe, expect, it } from 'vitest'
import { formatDateHeading, localDateOf, weekdayNames } from './index'

describe('formatDateHeading', () => {
  it.each([
    ['2024-01-15', 'en-US', {}, 'Monday, January 15, 2024'],
    ['2024-01-15', 'de-DE', {}, 'Montag, 15. Januar 2024'],
    ['2024-01-15', 'en-GB', { year: false, month: 'short' }, 'Monday 15 Jan'],
    ['2024-02-29', 'en-US', { weekday: 'short' }, 'Thu, February 29, 2024'],
    ['2024-03-10', 'en-US', { weekday: false }, 'March 10, 2024'],
  ] as const)('%s in %s %j → %s', (date, locale, options, expected) => {
    expect(formatDateHeading(date, locale, options)).toBe(expected)
  })

  it('does not shift the date with the runtime zone (dates have no zone)', () => {
    // Formatting noon UTC in UTC: the heading is the same date everywhere.
    expect(formatDateHeading('2024-12-31')).toBe('Tuesday, December 31, 2024')
    expect(formatDateHeading('2025-01-01')).toBe('Wednesday, January 1, 2025')
  })

  it.each(['2024-02-30', '2023-02-29', '2024-13-01', '2024-1-5', '15.01.2024', ''])(
    'rejects %j with INVALID_DATE',
    (date) => {
      expect(() => formatDateHeading(date)).toThrowError(
        expect.objectContaining({ code: 'INVALID_DATE' }),
      )
    },
  )
})

describe('weekdayNames', () => {
  it('starts at Sunday by default', () => {
    expect(weekdayNames('en-US')).toEqual(['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'])
  })

  it('starts at the given day and follows the locale', () => {
    expect(weekdayNames('de-DE', 1, 'long')).toEqual([
      'Montag',
      'Dienstag',
      'Mittwoch',
      'Donnerstag',
      'Freitag',
      'Samstag',
      'Sonntag',
    ])
    expect(weekdayNames('en-GB', 6, 'narrow')).toEqual(['S', 'S', 'M', 'T', 'W', 'T', 'F'])
  })

  it.each([-1, 7, 1.5])('rejects firstDayOfWeek %s', (day) => {
    expect(() => weekdayNames('en-US', day)).toThrowError(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    )
  })
})

describe('localDateOf', () => {
  it.each([
    [
      'New York, the evening before in UTC terms',
      '2024-01-16T03:00:00Z',
      'America/New_York',
      '2024-01-15',
    ],
    [
      'Kathmandu (+05:45), already the next day',
      '2024-01-15T18:15:00Z',
      'Asia/Kathmandu',
      '2024-01-16',
    ],
    [
      'Kathmandu one minute earlier, still the same day',
      '2024-01-15T18:14:00Z',
      'Asia/Kathmandu',
      '2024-01-15',
    ],
    [
      'London in BST: 23:30Z is 00:30 the next day',
      '2024-07-15T23:30:00Z',
      'Europe/London',
      '2024-07-16',
    ],
    [
      'London in GMT: 23:30Z is still the same day',
      '2024-01-15T23:30:00Z',
      'Europe/London',
      '2024-01-15',
    ],
    // Samoa skipped 2011-12-30 entirely when it moved across the date line.
    ['Apia after skipping 2011-12-30', '2011-12-30T10:00:00Z', 'Pacific/Apia', '2011-12-31'],
  ] as const)('%s', (_, instant, timeZone, expected) => {
    expect(localDateOf(instant, timeZone)).toBe(expected)
  })

  it('takes epoch milliseconds', () => {
    expect(localDateOf(Date.UTC(2024, 0, 15, 19), 'Pacific/Kiritimati')).toBe('2024-01-16')
  })

  it('rejects an unknown zone', () => {
    expect(() => localDateOf(0, 'Nowhere/Special')).toThrowError(
      expect.objectContaining({ code: 'INVALID_TIME_ZONE' }),
    )
  })
})
