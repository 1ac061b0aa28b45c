import { describe, expect, test } from 'vitest'
import {
  civilFromDays,
  dayOfWeekOf,
  daysFromCivil,
  daysInMonth,
  formatIsoDate,
  isIsoDate,
  parseIsoDate,
} from './epoch-day'

describe('epoch-day arithmetic', () => {
  test('agrees with Date.UTC on every day from 1600 to 2400, step 373 days', () => {
    for (let day = daysFromCivil(1600, 1, 1); day < daysFromCivil(2400, 1, 1); day += 373) {
      const date = new Date(day * 86_400_000)
      expect(civilFromDays(day)).toEqual([
        date.getUTCFullYear(),
        date.getUTCMonth() + 1,
        date.getUTCDate(),
      ])
      expect(daysFromCivil(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate())).toBe(
        day,
      )
      expect(dayOfWeekOf(day)).toBe(date.getUTCDay())
    }
  })

  test('round-trips ISO dates', () => {
    expect(formatIsoDate(parseIsoDate('2026-11-01', 'date'))).toBe('2026-11-01')
    expect(parseIsoDate('1970-01-01', 'date')).toBe(0)
    expect(dayOfWeekOf(parseIsoDate('2026-11-01', 'date'))).toBe(0)
  })

  test('knows the length of every month, leap years and centuries included', () => {
    for (const year of [1900, 2000, 2023, 2024, 2100]) {
      for (let month = 1; month <= 12; month++) {
        // Day 0 of the next month is the last day of this one.
        expect(daysInMonth(year, month), `${year}-${month}`).toBe(
          new Date(Date.UTC(year, month, 0)).getUTCDate(),
        )
      }
    }
  })

  test.each([
    ['2028-02-29', true],
    ['2000-02-29', true],
    ['2027-02-29', false],
    ['2100-02-29', false],
    ['2027-04-31', false],
    ['2027-13-01', false],
    ['2027-00-10', false],
    ['2027-01-00', false],
    ['2027-1-5', false],
    ['2027-01-05T00:00:00Z', false],
    ['', false],
    [20270105, false],
  ])('isIsoDate(%j) is %s, and parseIsoDate agrees', (text, valid) => {
    expect(isIsoDate(text)).toBe(valid)
    if (valid) expect(formatIsoDate(parseIsoDate(text, 'date'))).toBe(text)
    else
      expect(() => parseIsoDate(text, 'date')).toThrowError(
        expect.objectContaining({ code: 'INVALID_DATE', details: { field: 'date', value: text } }),
      )
  })
})
