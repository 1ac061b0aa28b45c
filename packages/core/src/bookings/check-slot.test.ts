import { describe, expect, test } from 'vitest'
import { findSlots } from '../slots/find-slots'
import type { CheckSlotInput, FindSlotsInput, Schedule } from '../types'
import { checkSlot } from './check-slot'

const utc = (text: string) => Date.parse(text)
const MINUTE = 60_000

describe('checkSlot', () => {
  // Monday 2026-01-05, UTC host, 09:00–12:00, 30-minute meetings every 30 minutes.
  const schedule: Schedule = {
    timeZone: 'UTC',
    weekly: [{ dayOfWeek: 1, startTime: '09:00', endTime: '12:00' }],
  }
  const base: Omit<CheckSlotInput, 'startsAt'> = {
    schedule,
    meetingType: {
      durationMinutes: 30,
      minNoticeMinutes: 60,
      maxDaysAhead: 30,
      maxBookingsPerDay: 2,
    },
    bookings: [{ startsAt: utc('2026-01-05T10:00:00Z'), endsAt: utc('2026-01-05T10:30:00Z') }],
    now: utc('2026-01-05T08:30:00Z'),
  }

  test('accepts an offered slot and returns it', () => {
    expect(checkSlot({ ...base, startsAt: utc('2026-01-05T11:00:00Z') })).toEqual({
      ok: true,
      slot: { startsAt: utc('2026-01-05T11:00:00Z'), endsAt: utc('2026-01-05T11:30:00Z') },
    })
  })

  test.each([
    ['OUTSIDE_AVAILABILITY for a slot running past closing time', '2026-01-05T11:45:00Z', {}],
    ['OUTSIDE_AVAILABILITY on a day without rules', '2026-01-06T10:00:00Z', {}],
    ['MISALIGNED for a start between two grid points', '2026-01-05T10:40:00Z', {}],
    ['TOO_SOON for a start inside the minimum notice', '2026-01-05T09:00:00Z', {}],
    [
      'TOO_SOON for a date before the fixed date range',
      '2026-01-05T11:00:00Z',
      { dateRange: { startDate: '2026-01-06', endDate: '2026-02-01' } },
    ],
    ['TOO_FAR beyond max_days_ahead', '2026-03-02T10:00:00Z', {}],
    ['LIMIT_REACHED when the day is full', '2026-01-05T11:00:00Z', { maxBookingsPerDay: 1 }],
    ['CONFLICT with an existing booking', '2026-01-05T10:00:00Z', {}],
  ])('reports %s', (name, startsAt, patch) => {
    const reason = name.split(' ')[0]
    const check = checkSlot({
      ...base,
      meetingType: { ...base.meetingType, ...patch },
      startsAt: utc(startsAt),
    })
    expect(check).toMatchObject({ ok: false, reason })
    expect(check.ok ? '' : check.message).toMatch(/\w+/)
  })

  test('reports the first failing reason in SEMANTICS order (TOO_SOON before CONFLICT)', () => {
    const check = checkSlot({
      ...base,
      now: utc('2026-01-05T09:30:00Z'),
      startsAt: utc('2026-01-05T10:00:00Z'),
    })
    expect(check).toMatchObject({ ok: false, reason: 'TOO_SOON' })
  })

  test('agrees with findSlots on every 5-minute start across New York’s fall-back week', () => {
    const input: FindSlotsInput = {
      schedule: {
        timeZone: 'America/New_York',
        weekly: [
          { dayOfWeek: 0, startTime: '00:00', endTime: '03:00' },
          { dayOfWeek: 1, startTime: '09:00', endTime: '12:00' },
          { dayOfWeek: 1, startTime: '13:00', endTime: '17:00' },
          { dayOfWeek: 6, startTime: '22:00', endTime: '24:00' },
        ],
        overrides: [{ date: '2026-11-03', windows: [{ startTime: '01:30', endTime: '02:30' }] }],
      },
      meetingType: {
        durationMinutes: 30,
        slotIntervalMinutes: 20,
        bufferBeforeMinutes: 10,
        maxBookingsPerDay: 1,
      },
      bookings: [
        {
          startsAt: utc('2026-11-02T15:00:00Z'),
          endsAt: utc('2026-11-02T15:30:00Z'),
          countsTowardLimits: false,
        },
      ],
      events: [{ startsAt: utc('2026-11-01T05:20:00Z'), endsAt: utc('2026-11-01T05:40:00Z') }],
      now: utc('2026-10-25T00:00:00Z'),
      range: { from: utc('2026-10-31T00:00:00Z'), to: utc('2026-11-05T00:00:00Z') },
    }
    const offered = new Set(findSlots(input).map((slot) => slot.startsAt))
    expect(offered.size).toBeGreaterThan(20)
    const { range: _range, ...rest } = input
    for (let t = utc('2026-10-31T00:00:00Z'); t < utc('2026-11-05T00:00:00Z'); t += 5 * MINUTE) {
      expect(checkSlot({ ...rest, startsAt: t }).ok, new Date(t).toISOString()).toBe(offered.has(t))
    }
  })
})
