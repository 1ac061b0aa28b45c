import { describe, expect, test } from 'vitest'
import { initialFocusDate, nextFocusDate } from './calendar-grid'
import { filterTimeZones } from './zone-picker'

describe('calendar keyboard model', () => {
  test('moves by day and week with the arrow keys, across month ends', () => {
    expect(nextFocusDate('ArrowRight', '2027-03-31', 1)).toBe('2027-04-01')
    expect(nextFocusDate('ArrowLeft', '2027-03-01', 1)).toBe('2027-02-28')
    expect(nextFocusDate('ArrowDown', '2027-03-28', 1)).toBe('2027-04-04')
    expect(nextFocusDate('ArrowUp', '2027-03-03', 1)).toBe('2027-02-24')
  })

  test('right to left, ArrowLeft moves forward and ArrowRight back; up and down stay', () => {
    const rtl = { rtl: true }
    expect(nextFocusDate('ArrowLeft', '2027-03-31', 6, rtl)).toBe('2027-04-01')
    expect(nextFocusDate('ArrowRight', '2027-03-01', 6, rtl)).toBe('2027-02-28')
    expect(nextFocusDate('ArrowDown', '2027-03-28', 6, rtl)).toBe('2027-04-04')
    // Home is still the week's first day (drawn at the right).
    expect(nextFocusDate('Home', '2027-03-17', 6, rtl)).toBe('2027-03-13')
  })

  test('jumps to the week ends with Home and End, per first weekday', () => {
    // 2027-03-17 is a Wednesday.
    expect(nextFocusDate('Home', '2027-03-17', 1)).toBe('2027-03-15')
    expect(nextFocusDate('End', '2027-03-17', 1)).toBe('2027-03-21')
    expect(nextFocusDate('Home', '2027-03-17', 0)).toBe('2027-03-14')
  })

  test('pages by month (and by year with Shift), clamping the day', () => {
    expect(nextFocusDate('PageDown', '2027-01-31', 1)).toBe('2027-02-28')
    expect(nextFocusDate('PageUp', '2027-03-15', 1, { shiftKey: true })).toBe('2026-03-15')
    expect(nextFocusDate('Tab', '2027-03-15', 1)).toBeUndefined()
  })

  test('puts the roving tab stop on the selected day, else the first bookable, else today', () => {
    const available = new Set(['2027-03-18', '2027-03-16'])
    expect(
      initialFocusDate('2027-03', { selected: '2027-03-20', today: '2027-03-02', available }),
    ).toBe('2027-03-20')
    expect(initialFocusDate('2027-03', { today: '2027-03-02', available })).toBe('2027-03-16')
    expect(initialFocusDate('2027-03', { today: '2027-03-02' })).toBe('2027-03-02')
    expect(initialFocusDate('2027-04', { today: '2027-03-02' })).toBe('2027-04-01')
  })
})

describe('time-zone search', () => {
  const zones = [
    'America/New_York',
    'America/North_Dakota/New_Salem',
    'Asia/Kolkata',
    'Europe/Berlin',
    'UTC',
  ]

  test('matches the city with spaces or underscores, exact and prefix matches first', () => {
    expect(filterTimeZones(zones, 'new york')).toEqual(['America/New_York'])
    expect(filterTimeZones(zones, 'new')[0]).toBe('America/New_York')
    expect(filterTimeZones(zones, 'europe')).toEqual(['Europe/Berlin'])
    expect(filterTimeZones(zones, '')).toEqual(zones)
    expect(filterTimeZones(zones, 'zzz')).toEqual([])
  })
})
