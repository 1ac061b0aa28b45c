import { describe, expect, test } from 'vitest'
import {
  addDays,
  addMonths,
  addMonthsToDate,
  dayOfWeek,
  monthBounds,
  monthWeeks,
  startOfWeek,
} from './dates'

describe('calendar-day arithmetic', () => {
  test('knows the weekday of a date (2027-03-14 is a Sunday)', () => {
    expect(dayOfWeek('2027-03-14')).toBe(0)
    expect(dayOfWeek('1969-12-31')).toBe(3)
  })

  test('adds days across month and year ends and leap days', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29')
    expect(addDays('2027-12-31', 1)).toBe('2028-01-01')
    expect(addDays('2027-03-01', -1)).toBe('2027-02-28')
  })

  test('is not shifted by a DST change in the viewer zone (2026-03-08, New York)', () => {
    // Calendar days are computed on UTC midnights; a 23-hour local day must not skip a date.
    expect(addDays('2026-03-07', 1)).toBe('2026-03-08')
    expect(addDays('2026-03-08', 1)).toBe('2026-03-09')
  })

  test('moves months and clamps the day to the end of the shorter month', () => {
    expect(addMonths('2027-12', 1)).toBe('2028-01')
    expect(addMonths('2027-01', -1)).toBe('2026-12')
    expect(addMonthsToDate('2027-01-31', 1)).toBe('2027-02-28')
    expect(monthBounds('2028-02')).toEqual({ startDate: '2028-02-01', endDate: '2028-02-29' })
    expect(monthBounds('2100-02')).toEqual({ startDate: '2100-02-01', endDate: '2100-02-28' })
  })

  test('agrees with Date on months and days over decades (the arithmetic is integer, not Date)', () => {
    for (let t = Date.UTC(1990, 0, 1); t < Date.UTC(2110, 0, 1); t += 37 * 86_400_000) {
      const date = new Date(t).toISOString().slice(0, 10)
      for (const delta of [-400, -13, -1, 1, 12, 29, 367]) {
        expect(addDays(date, delta)).toBe(
          new Date(t + delta * 86_400_000).toISOString().slice(0, 10),
        )
      }
      for (const delta of [-25, -12, -1, 1, 11, 26]) {
        const month = new Date(
          Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1 + delta, 1),
        )
        expect(addMonths(date.slice(0, 7), delta)).toBe(month.toISOString().slice(0, 7))
      }
    }
  })

  test('lays a month out in weeks from the chosen first weekday', () => {
    const monday = monthWeeks('2027-02', 1)
    expect(monday[0]).toEqual([
      '2027-02-01',
      '2027-02-02',
      '2027-02-03',
      '2027-02-04',
      '2027-02-05',
      '2027-02-06',
      '2027-02-07',
    ])
    expect(monday).toHaveLength(4)
    const sunday = monthWeeks('2027-02', 0)
    expect(sunday[0]?.[0]).toBeNull()
    expect(sunday[0]?.[1]).toBe('2027-02-01')
    expect(sunday.flat().filter(Boolean)).toHaveLength(28)
  })

  test('finds the start of the week', () => {
    expect(startOfWeek('2027-03-17', 1)).toBe('2027-03-15')
    expect(startOfWeek('2027-03-17', 0)).toBe('2027-03-14')
    expect(startOfWeek('2027-03-14', 6)).toBe('2027-03-13')
  })
})
