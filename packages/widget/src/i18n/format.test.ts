import { describe, expect, test } from 'vitest'
import {
  firstDayOfWeekFor,
  formatMonth,
  formatSlotTime,
  isValidTimeZone,
  uses12HourClock,
} from './format'

describe('widget formatting', () => {
  test('titles a month in the locale', () => {
    expect(formatMonth('2027-03', 'en-US')).toBe('March 2027')
    expect(formatMonth('2027-03', 'de-DE')).toBe('März 2027')
  })

  test('starts the week on Sunday in the US and Monday in Germany', () => {
    expect(firstDayOfWeekFor('en-US')).toBe(0)
    expect(firstDayOfWeekFor('de-DE')).toBe(1)
  })

  test('uses the locale clock unless hour12 is forced', () => {
    const at = '2027-03-14T13:30:00Z'
    expect(uses12HourClock('en-US')).toBe(true)
    expect(uses12HourClock('de-DE')).toBe(false)
    expect(formatSlotTime(at, { timeZone: 'UTC', locale: 'en-US' })).toBe('1:30 PM')
    expect(formatSlotTime(at, { timeZone: 'UTC', locale: 'de-DE' })).toBe('13:30')
    expect(formatSlotTime(at, { timeZone: 'UTC', locale: 'en-US', hour12: false })).toBe('13:30')
  })

  test('shows a half-hour zone correctly (Asia/Kolkata)', () => {
    expect(
      formatSlotTime('2027-03-14T13:30:00Z', { timeZone: 'Asia/Kolkata', locale: 'en-GB' }),
    ).toBe('19:00')
  })

  test('tells known zones from unknown ones', () => {
    expect(isValidTimeZone('Asia/Kathmandu')).toBe(true)
    expect(isValidTimeZone('Mars/Olympus')).toBe(false)
  })
})
