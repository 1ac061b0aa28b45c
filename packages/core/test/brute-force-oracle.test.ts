/**
 * Unit tests of the brute-force oracle itself, on hand-worked cases (expected values worked
 * out from SEMANTICS.md and published tz rules, not computed by any code), so that a bug in
 * the oracle is caught independently of the engine.
 */
import { describe, expect, it } from 'vitest'
import type { FindSlotsInput } from '../src/types'
import {
  addDays,
  dayOfWeek,
  intervalsOfDate,
  localDate,
  oracleCheckSlot,
  oracleFindSlots,
  rangeOf,
  toInstant,
} from './brute-force-oracle'

const z = (iso: string) => Date.parse(iso)
const MIN = 60_000

describe('oracle: calendar helpers', () => {
  it('adds days across month and year ends and knows weekdays', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01')
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28')
    expect(dayOfWeek('2026-03-08')).toBe(0) // a Sunday
    expect(dayOfWeek('2026-11-26')).toBe(4) // a Thursday
  })

  it('reads the host-local date with Intl', () => {
    expect(localDate(z('2026-01-15T04:59:00Z'), 'America/New_York')).toBe('2026-01-14')
    expect(localDate(z('2026-01-15T05:00:00Z'), 'America/New_York')).toBe('2026-01-15')
    // Chatham is +13:45 in January: local midnight of the 15th is 2026-01-14T10:15Z.
    expect(localDate(z('2026-01-14T10:14:00Z'), 'Pacific/Chatham')).toBe('2026-01-14')
    expect(localDate(z('2026-01-14T10:15:00Z'), 'Pacific/Chatham')).toBe('2026-01-15')
  })
})

describe('oracle: toInstant (SEMANTICS §1)', () => {
  it('maps a unique wall time to its instant, fractional offsets included', () => {
    expect(toInstant('2026-01-15', '09:00', 'UTC')).toBe(z('2026-01-15T09:00:00Z'))
    expect(toInstant('2026-01-15', '09:00', 'America/New_York')).toBe(z('2026-01-15T14:00:00Z'))
    expect(toInstant('2026-07-15', '09:00', 'America/New_York')).toBe(z('2026-07-15T13:00:00Z'))
    expect(toInstant('2026-01-15', '09:00', 'Asia/Kathmandu')).toBe(z('2026-01-15T03:15:00Z'))
    expect(toInstant('2026-01-15', '09:00', 'Pacific/Chatham')).toBe(z('2026-01-14T19:15:00Z'))
    expect(toInstant('2026-07-15', '09:00', 'Pacific/Chatham')).toBe(z('2026-07-14T20:15:00Z'))
    expect(toInstant('2026-01-15', '09:00', 'America/St_Johns')).toBe(z('2026-01-15T12:30:00Z'))
    expect(toInstant('2026-01-15', '09:00', 'Asia/Kolkata')).toBe(z('2026-01-15T03:30:00Z'))
  })

  it('pushes a gap time forward by the gap length (America/New_York spring forward)', () => {
    // SEMANTICS' own example: 02:30 -> 03:30 EDT = 07:30Z.
    expect(toInstant('2026-03-08', '02:30', 'America/New_York')).toBe(z('2026-03-08T07:30:00Z'))
    expect(toInstant('2026-03-08', '02:00', 'America/New_York')).toBe(z('2026-03-08T07:00:00Z'))
    expect(toInstant('2026-03-08', '01:59', 'America/New_York')).toBe(z('2026-03-08T06:59:00Z'))
    expect(toInstant('2026-03-08', '03:00', 'America/New_York')).toBe(z('2026-03-08T07:00:00Z'))
  })

  it('takes the earlier instant in an overlap (America/New_York fall back)', () => {
    expect(toInstant('2026-11-01', '01:30', 'America/New_York')).toBe(z('2026-11-01T05:30:00Z'))
    expect(toInstant('2026-11-01', '01:00', 'America/New_York')).toBe(z('2026-11-01T05:00:00Z'))
    expect(toInstant('2026-11-01', '02:00', 'America/New_York')).toBe(z('2026-11-01T07:00:00Z'))
  })

  it('handles the 30-minute shift of Australia/Lord_Howe', () => {
    // 2026-10-04 02:00 +10:30 -> 02:30 +11:00 (at 15:30Z); 02:15 is read at +10:30.
    expect(toInstant('2026-10-04', '02:15', 'Australia/Lord_Howe')).toBe(z('2026-10-03T15:45:00Z'))
    // 2026-04-05 02:00 +11:00 -> 01:30 +10:30 (at 15:00Z); 01:45 happens at 14:45Z and 15:15Z.
    expect(toInstant('2026-04-05', '01:45', 'Australia/Lord_Howe')).toBe(z('2026-04-04T14:45:00Z'))
    expect(toInstant('2026-04-05', '02:00', 'Australia/Lord_Howe')).toBe(z('2026-04-04T15:30:00Z'))
  })

  it('handles a DST change at local midnight (America/Santiago) and 24:00', () => {
    // 2026-09-06 00:00 -04 -> 01:00 -03 at 04:00Z: midnight does not exist.
    expect(toInstant('2026-09-06', '00:00', 'America/Santiago')).toBe(z('2026-09-06T04:00:00Z'))
    expect(toInstant('2026-09-06', '00:30', 'America/Santiago')).toBe(z('2026-09-06T04:30:00Z'))
    expect(toInstant('2026-09-06', '01:00', 'America/Santiago')).toBe(z('2026-09-06T04:00:00Z'))
    // 2026-04-05 00:00 -03 -> 2026-04-04 23:00 -04 at 03:00Z: 23:30 on the 4th happens twice.
    expect(toInstant('2026-04-04', '23:30', 'America/Santiago')).toBe(z('2026-04-05T02:30:00Z'))
    expect(toInstant('2026-04-05', '00:00', 'America/Santiago')).toBe(z('2026-04-05T04:00:00Z'))
  })
})

const base = (over: Partial<FindSlotsInput>): FindSlotsInput => ({
  schedule: { timeZone: 'UTC', weekly: [] },
  meetingType: { durationMinutes: 60 },
  now: 0,
  range: { from: 0, to: 1 },
  ...over,
})

const starts = (input: FindSlotsInput) =>
  oracleFindSlots(input).map((s) => new Date(s.startsAt).toISOString())

describe('oracle: open intervals (SEMANTICS §2)', () => {
  it('gives windows their real length on DST days', () => {
    const ny = (date: string, startTime: string, endTime: string) =>
      intervalsOfDate(
        base({
          schedule: {
            timeZone: 'America/New_York',
            weekly: [{ dayOfWeek: dayOfWeek(date) as 0, startTime, endTime }],
          },
        }),
        date,
      ).map((iv) => (iv.endsAt - iv.startsAt) / MIN)
    expect(ny('2026-03-08', '01:00', '03:00')).toEqual([60])
    expect(ny('2026-03-08', '09:00', '17:00')).toEqual([480])
    expect(ny('2026-03-08', '00:00', '24:00')).toEqual([23 * 60])
    expect(ny('2026-11-01', '00:00', '24:00')).toEqual([25 * 60])
    expect(ny('2026-03-08', '02:00', '03:00')).toEqual([]) // empty, dropped
    expect(ny('2026-03-08', '02:30', '03:15')).toEqual([]) // end before start, dropped
  })

  it('merges touching windows of one date and uses an override instead of the rules', () => {
    const input = base({
      schedule: {
        timeZone: 'UTC',
        weekly: [
          { dayOfWeek: 4, startTime: '12:00', endTime: '17:00' },
          { dayOfWeek: 4, startTime: '09:00', endTime: '12:00' },
        ],
        overrides: [{ date: '2026-11-19', windows: [] }],
      },
      meetingType: { durationMinutes: 90, slotIntervalMinutes: 60 },
      range: { from: z('2026-11-19T00:00:00Z'), to: z('2026-11-27T00:00:00Z') },
    })
    // 2026-11-19 is a Thursday, off by override; 2026-11-26 is a Thursday: 09:00-17:00.
    expect(starts(input)).toEqual(
      [9, 10, 11, 12, 13, 14, 15].map((h) => `2026-11-26T${String(h).padStart(2, '0')}:00:00.000Z`),
    )
  })

  it('never merges intervals of different dates across midnight', () => {
    const input = base({
      schedule: {
        timeZone: 'UTC',
        weekly: [
          { dayOfWeek: 1, startTime: '22:00', endTime: '24:00' },
          { dayOfWeek: 2, startTime: '00:00', endTime: '02:00' },
        ],
      },
      meetingType: { durationMinutes: 60, slotIntervalMinutes: 30 },
      range: { from: z('2026-11-23T00:00:00Z'), to: z('2026-11-25T00:00:00Z') },
    })
    expect(starts(input)).toEqual([
      '2026-11-23T22:00:00.000Z',
      '2026-11-23T22:30:00.000Z',
      '2026-11-23T23:00:00.000Z',
      '2026-11-24T00:00:00.000Z',
      '2026-11-24T00:30:00.000Z',
      '2026-11-24T01:00:00.000Z',
    ])
    expect(oracleCheckSlot({ ...input, startsAt: z('2026-11-23T23:30:00Z') })).toEqual({
      ok: false,
      reason: 'OUTSIDE_AVAILABILITY',
    })
  })
})

describe('oracle: grid and range (SEMANTICS §3, §5)', () => {
  it('steps along the real timeline through a spring-forward night', () => {
    const input = base({
      schedule: {
        timeZone: 'America/New_York',
        weekly: [{ dayOfWeek: 0, startTime: '01:00', endTime: '04:00' }],
      },
      range: { startDate: '2026-03-08', endDate: '2026-03-08', timeZone: 'America/New_York' },
    })
    // 01:00 EST = 06:00Z to 04:00 EDT = 08:00Z: two hours.
    expect(starts(input)).toEqual(['2026-03-08T06:00:00.000Z', '2026-03-08T07:00:00.000Z'])
  })

  it('offers 25 hourly slots on a fall-back day open around the clock', () => {
    const input = base({
      schedule: {
        timeZone: 'America/New_York',
        weekly: [{ dayOfWeek: 0, startTime: '00:00', endTime: '24:00' }],
      },
      range: { startDate: '2026-11-01', endDate: '2026-11-01', timeZone: 'America/New_York' },
    })
    const s = oracleFindSlots(input)
    expect(s).toHaveLength(25)
    expect(s[0]?.startsAt).toBe(z('2026-11-01T04:00:00Z'))
    expect(s[24]?.startsAt).toBe(z('2026-11-02T04:00:00Z'))
  })

  it('turns a viewer date range into [midnight, next midnight) of the viewer zone', () => {
    expect(
      rangeOf(
        base({
          range: { startDate: '2026-09-05', endDate: '2026-09-05', timeZone: 'America/Santiago' },
        }),
      ),
    ).toEqual({ from: z('2026-09-05T04:00:00Z'), to: z('2026-09-06T04:00:00Z') })
    const input = base({
      schedule: {
        timeZone: 'UTC',
        weekly: [{ dayOfWeek: 4, startTime: '00:00', endTime: '24:00' }],
      },
      meetingType: { durationMinutes: 60 },
      range: { startDate: '2026-11-26', endDate: '2026-11-26', timeZone: 'Asia/Kathmandu' },
    })
    // Kathmandu 2026-11-26 is [2026-11-25T18:15Z, 2026-11-26T18:15Z); UTC Thursday opens at 00:00Z.
    const s = starts(input)
    expect(s[0]).toBe('2026-11-26T00:00:00.000Z')
    expect(s[s.length - 1]).toBe('2026-11-26T18:00:00.000Z')
    expect(s).toHaveLength(19)
  })

  it('keeps only starts in an instant range [from, to)', () => {
    const input = base({
      schedule: {
        timeZone: 'UTC',
        weekly: [{ dayOfWeek: 4, startTime: '09:00', endTime: '12:00' }],
      },
      range: { from: z('2026-11-26T09:00:00.001Z'), to: z('2026-11-26T11:00:00Z') },
    })
    expect(starts(input)).toEqual(['2026-11-26T10:00:00.000Z'])
  })
})

describe('oracle: filters in order (SEMANTICS §4)', () => {
  // Thursday 2026-11-26, UTC, 09:00-17:00, 60-minute meetings on a 30-minute grid.
  const thu = (over: Partial<FindSlotsInput> = {}): FindSlotsInput =>
    base({
      schedule: {
        timeZone: 'UTC',
        weekly: [{ dayOfWeek: 4, startTime: '09:00', endTime: '17:00' }],
      },
      meetingType: { durationMinutes: 60, slotIntervalMinutes: 30 },
      now: z('2026-11-20T00:00:00Z'),
      range: { from: z('2026-11-26T00:00:00Z'), to: z('2026-11-27T00:00:00Z') },
      ...over,
    })
  const check = (input: FindSlotsInput, iso: string) =>
    oracleCheckSlot({ ...input, startsAt: z(iso) })

  it('reports outside and misaligned before anything else', () => {
    const input = thu({ now: z('2026-11-27T00:00:00Z') })
    expect(check(input, '2026-11-26T16:30:00Z').ok).toBe(false)
    expect(check(input, '2026-11-26T16:30:00Z')).toMatchObject({ reason: 'OUTSIDE_AVAILABILITY' })
    expect(check(input, '2026-11-26T08:30:00Z')).toMatchObject({ reason: 'OUTSIDE_AVAILABILITY' })
    expect(check(input, '2026-11-26T09:15:00Z')).toMatchObject({ reason: 'MISALIGNED' })
    expect(check(input, '2026-11-26T09:30:00Z')).toMatchObject({ reason: 'TOO_SOON' })
  })

  it('applies notice, the rolling window and a fixed date range', () => {
    const notice = thu({
      now: z('2026-11-26T08:00:00Z'),
      meetingType: { durationMinutes: 60, slotIntervalMinutes: 30, minNoticeMinutes: 120 },
    })
    expect(starts(notice)[0]).toBe('2026-11-26T10:00:00.000Z')
    expect(check(notice, '2026-11-26T09:30:00Z')).toMatchObject({ reason: 'TOO_SOON' })
    // now is Wed 2026-11-25 23:30 UTC; maxDaysAhead 0: only the 25th is bookable.
    const far = thu({
      now: z('2026-11-25T23:30:00Z'),
      meetingType: { durationMinutes: 60, slotIntervalMinutes: 30, maxDaysAhead: 0 },
    })
    expect(starts(far)).toEqual([])
    expect(check(far, '2026-11-26T09:00:00Z')).toMatchObject({ reason: 'TOO_FAR' })
    expect(
      starts(
        thu({ meetingType: { durationMinutes: 60, slotIntervalMinutes: 30, maxDaysAhead: 6 } }),
      ),
    ).toHaveLength(15)
    const before = thu({
      meetingType: {
        durationMinutes: 60,
        dateRange: { startDate: '2026-11-27', endDate: '2026-12-31' },
      },
    })
    expect(check(before, '2026-11-26T09:00:00Z')).toMatchObject({ reason: 'TOO_SOON' })
    const after = thu({
      meetingType: {
        durationMinutes: 60,
        dateRange: { startDate: '2026-11-01', endDate: '2026-11-25' },
      },
    })
    expect(check(after, '2026-11-26T09:00:00Z')).toMatchObject({ reason: 'TOO_FAR' })
  })

  it('counts bookings per host-local day and week', () => {
    const booking = (iso: string, countsTowardLimits?: boolean) => ({
      startsAt: z(iso),
      endsAt: z(iso) + 30 * MIN,
      ...(countsTowardLimits === undefined ? {} : { countsTowardLimits }),
    })
    const perDay = thu({
      meetingType: { durationMinutes: 60, slotIntervalMinutes: 30, maxBookingsPerDay: 1 },
      bookings: [booking('2026-11-26T20:00:00Z')],
    })
    expect(starts(perDay)).toEqual([])
    expect(check(perDay, '2026-11-26T09:00:00Z')).toMatchObject({ reason: 'LIMIT_REACHED' })
    // A booking that does not count does not use up the limit.
    expect(starts({ ...perDay, bookings: [booking('2026-11-26T20:00:00Z', false)] })).toHaveLength(
      15,
    )
    // Weeks start on Monday by default: Sun 2026-11-22 is in the previous week.
    const perWeek = thu({
      meetingType: { durationMinutes: 60, slotIntervalMinutes: 30, maxBookingsPerWeek: 1 },
      bookings: [booking('2026-11-22T10:00:00Z')],
    })
    expect(starts(perWeek)).toHaveLength(15)
    // With weeks starting on Sunday it is in the same week.
    expect(starts({ ...perWeek, weekStartsOn: 0 })).toEqual([])
    // Monday 2026-11-23 is in the same Monday week.
    expect(starts({ ...perWeek, bookings: [booking('2026-11-23T00:00:00Z')] })).toEqual([])
    // Host-local days: in New York, 2026-11-27T03:00Z is still Thursday the 26th.
    const ny = thu({
      schedule: {
        timeZone: 'America/New_York',
        weekly: [{ dayOfWeek: 4, startTime: '09:00', endTime: '17:00' }],
      },
      meetingType: { durationMinutes: 60, slotIntervalMinutes: 30, maxBookingsPerDay: 1 },
      range: { from: z('2026-11-26T00:00:00Z'), to: z('2026-11-28T00:00:00Z') },
      bookings: [booking('2026-11-27T03:00:00Z')],
    })
    expect(starts(ny)).toEqual([])
  })

  it('blocks buffered conflicts and lets touching ranges pass', () => {
    const input = thu({
      meetingType: {
        durationMinutes: 60,
        slotIntervalMinutes: 30,
        bufferBeforeMinutes: 15,
        bufferAfterMinutes: 0,
      },
      bookings: [
        // blocked 11:45-13:10
        {
          startsAt: z('2026-11-26T12:00:00Z'),
          endsAt: z('2026-11-26T13:00:00Z'),
          bufferBeforeMinutes: 15,
          bufferAfterMinutes: 10,
        },
      ],
      events: [
        { startsAt: z('2026-11-26T15:00:00Z'), endsAt: z('2026-11-26T15:30:00Z') },
        {
          startsAt: z('2026-11-26T09:00:00Z'),
          endsAt: z('2026-11-26T11:00:00Z'),
          transparent: true,
        },
      ],
    })
    // Slot blocked [t - 15, t + 60). Booking [11:45, 13:10): t + 60 <= 11:45 -> t <= 10:45;
    // t - 15 >= 13:10 -> t >= 13:25. Event [15:00, 15:30): t <= 14:00 or t >= 15:45.
    expect(starts(input)).toEqual([
      '2026-11-26T09:00:00.000Z',
      '2026-11-26T09:30:00.000Z',
      '2026-11-26T10:00:00.000Z',
      '2026-11-26T10:30:00.000Z',
      '2026-11-26T13:30:00.000Z',
      '2026-11-26T14:00:00.000Z',
      '2026-11-26T16:00:00.000Z',
    ])
    expect(check(input, '2026-11-26T11:00:00Z')).toMatchObject({ reason: 'CONFLICT' })
    expect(check(input, '2026-11-26T14:00:00Z')).toEqual({
      ok: true,
      slot: { startsAt: z('2026-11-26T14:00:00Z'), endsAt: z('2026-11-26T15:00:00Z') },
    })
  })

  it('uses a chosen duration and steps by it when no interval is set', () => {
    const input = thu({
      meetingType: { durationMinutes: 60, durationOptionsMinutes: [120] },
      durationMinutes: 120,
    })
    expect(starts(input)).toEqual([
      '2026-11-26T09:00:00.000Z',
      '2026-11-26T11:00:00.000Z',
      '2026-11-26T13:00:00.000Z',
      '2026-11-26T15:00:00.000Z',
    ])
  })
})
