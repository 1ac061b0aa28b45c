import { describe, expect, test } from 'vitest'
import type { FindSlotsInput, MeetingTypeRules, Schedule, Slot, WeeklyRule } from '../types'
import { findSlots } from './find-slots'

// Expected instants are literal UTC strings worked out by hand from the tz rules
// and cross-checked with Intl.DateTimeFormat, never with the code under test.
const utc = (text: string) => Date.parse(text)
const starts = (slots: readonly Slot[]) =>
  slots.map((slot) => new Date(slot.startsAt).toISOString().replace(':00.000', ''))
const lengths = (slots: readonly Slot[]) =>
  new Set(slots.map((slot) => (slot.endsAt - slot.startsAt) / 60_000))
const weekdays = (startTime: string, endTime: string): WeeklyRule[] =>
  ([1, 2, 3, 4, 5] as const).map((dayOfWeek) => ({ dayOfWeek, startTime, endTime }))
const sundays = (startTime: string, endTime: string): WeeklyRule[] => [
  { dayOfWeek: 0, startTime, endTime },
]
const longAgo = utc('2025-01-01T00:00:00Z')

/** One local day's slots for a schedule, range = that UTC day ± 1 day. */
function slotsAround(schedule: Schedule, day: string, meetingType: MeetingTypeRules): Slot[] {
  return findSlots({
    schedule,
    meetingType,
    now: longAgo,
    range: {
      from: utc(`${day}T00:00:00Z`) - 86_400_000,
      to: utc(`${day}T00:00:00Z`) + 2 * 86_400_000,
    },
  })
}

describe('findSlots across DST transitions and unusual offsets', () => {
  test.each([
    [
      'skips the nonexistent 02:00–02:59 on New York’s spring-forward day',
      {
        timeZone: 'America/New_York',
        weekly: [],
        overrides: [{ date: '2026-03-08', windows: [{ startTime: '01:00', endTime: '04:00' }] }],
      },
      '2026-03-08',
      30,
      ['2026-03-08T06:00Z', '2026-03-08T06:30Z', '2026-03-08T07:00Z', '2026-03-08T07:30Z'],
    ],
    [
      'offers both 01:00s (EDT, then EST) on New York’s fall-back day',
      {
        timeZone: 'America/New_York',
        weekly: [],
        overrides: [{ date: '2026-11-01', windows: [{ startTime: '00:00', endTime: '03:00' }] }],
      },
      '2026-11-01',
      60,
      ['2026-11-01T04:00Z', '2026-11-01T05:00Z', '2026-11-01T06:00Z', '2026-11-01T07:00Z'],
    ],
    [
      'gives Berlin’s 01:00–04:00 two real hours on spring-forward day',
      { timeZone: 'Europe/Berlin', weekly: sundays('01:00', '04:00') },
      '2026-03-29',
      60,
      ['2026-03-29T00:00Z', '2026-03-29T01:00Z'],
    ],
    [
      'gives Berlin’s 01:00–04:00 four real hours on fall-back day',
      { timeZone: 'Europe/Berlin', weekly: sundays('01:00', '04:00') },
      '2026-10-25',
      60,
      ['2026-10-24T23:00Z', '2026-10-25T00:00Z', '2026-10-25T01:00Z', '2026-10-25T02:00Z'],
    ],
    [
      'steps over Lord Howe’s 30-minute gap (02:00 → 02:30)',
      { timeZone: 'Australia/Lord_Howe', weekly: sundays('01:00', '04:00') },
      '2026-10-04',
      30,
      [
        '2026-10-03T14:30Z',
        '2026-10-03T15:00Z',
        '2026-10-03T15:30Z',
        '2026-10-03T16:00Z',
        '2026-10-03T16:30Z',
      ],
    ],
    [
      'offers Lord Howe’s repeated half hour twice on its April fall-back',
      { timeZone: 'Australia/Lord_Howe', weekly: sundays('01:00', '03:00') },
      '2026-04-05',
      30,
      [
        '2026-04-04T14:00Z',
        '2026-04-04T14:30Z',
        '2026-04-04T15:00Z',
        '2026-04-04T15:30Z',
        '2026-04-04T16:00Z',
      ],
    ],
    [
      'starts Santiago’s day at 01:00 when midnight does not exist',
      { timeZone: 'America/Santiago', weekly: sundays('00:00', '03:00') },
      '2026-09-06',
      60,
      ['2026-09-06T04:00Z', '2026-09-06T05:00Z'],
    ],
    [
      'keeps a window ending at 24:00 on Berlin’s fall-back day inside that day',
      { timeZone: 'Europe/Berlin', weekly: sundays('22:00', '24:00') },
      '2026-10-25',
      60,
      ['2026-10-25T21:00Z', '2026-10-25T22:00Z'],
    ],
    [
      'places Kathmandu’s 09:00 at 03:15Z (+05:45)',
      {
        timeZone: 'Asia/Kathmandu',
        weekly: [{ dayOfWeek: 1, startTime: '09:00', endTime: '10:00' }],
      },
      '2026-06-15',
      30,
      ['2026-06-15T03:15Z', '2026-06-15T03:45Z'],
    ],
    [
      'places Chatham’s summer 09:00 on the previous UTC day (+13:45)',
      {
        timeZone: 'Pacific/Chatham',
        weekly: [{ dayOfWeek: 4, startTime: '09:00', endTime: '10:00' }],
      },
      '2026-01-15',
      60,
      ['2026-01-14T19:15Z'],
    ],
    [
      'places St. John’s winter 09:00 at 12:30Z (−03:30)',
      {
        timeZone: 'America/St_Johns',
        weekly: [{ dayOfWeek: 4, startTime: '09:00', endTime: '10:00' }],
      },
      '2026-01-15',
      60,
      ['2026-01-15T12:30Z'],
    ],
    [
      'gives Sydney’s 01:00–04:00 two real hours on its October spring-forward',
      { timeZone: 'Australia/Sydney', weekly: sundays('01:00', '04:00') },
      '2026-10-04',
      60,
      ['2026-10-03T15:00Z', '2026-10-03T16:00Z'],
    ],
    [
      'places Kolkata’s 09:00 at 03:30Z all year',
      {
        timeZone: 'Asia/Kolkata',
        weekly: [{ dayOfWeek: 1, startTime: '09:00', endTime: '10:00' }],
      },
      '2026-03-09',
      60,
      ['2026-03-09T03:30Z'],
    ],
  ])('%s', (_name, schedule, day, durationMinutes, expected) => {
    expect(starts(slotsAround(schedule as Schedule, day, { durationMinutes }))).toEqual(expected)
  })

  test('offers 25 one-hour slots in a 00:00–24:00 window on New York’s fall-back day', () => {
    const slots = slotsAround(
      { timeZone: 'America/New_York', weekly: sundays('00:00', '24:00') },
      '2026-11-01',
      {
        durationMinutes: 60,
      },
    )
    expect(slots).toHaveLength(25)
    expect(starts(slots).at(0)).toBe('2026-11-01T04:00Z')
    expect(starts(slots).at(-1)).toBe('2026-11-02T04:00Z')
  })

  test('never offers a slot across midnight from one local day into the next', () => {
    const schedule: Schedule = {
      timeZone: 'UTC',
      weekly: ([0, 1, 2, 3, 4, 5, 6] as const).map((dayOfWeek) => ({
        dayOfWeek,
        startTime: '00:00',
        endTime: '24:00',
      })),
    }
    const slots = findSlots({
      schedule,
      meetingType: { durationMinutes: 90 },
      now: longAgo,
      range: { from: utc('2026-01-05T00:00:00Z'), to: utc('2026-01-06T06:00:00Z') },
    })
    // 16 slots fit in 24 h (the last 22:30–24:00); the next day's grid restarts at 00:00.
    expect(starts(slots)).toContain('2026-01-05T22:30Z')
    expect(starts(slots)).toContain('2026-01-06T00:00Z')
    expect(slots.filter((slot) => slot.startsAt < utc('2026-01-06T00:00:00Z'))).toHaveLength(16)
  })

  test('reads a date range in the viewer’s zone, including a 23-hour viewer day', () => {
    const schedule: Schedule = {
      timeZone: 'UTC',
      weekly: ([0, 1, 2, 3, 4, 5, 6] as const).map((dayOfWeek) => ({
        dayOfWeek,
        startTime: '00:00',
        endTime: '24:00',
      })),
    }
    const slots = findSlots({
      schedule,
      meetingType: { durationMinutes: 60 },
      now: longAgo,
      range: { startDate: '2026-03-08', endDate: '2026-03-08', timeZone: 'America/New_York' },
    })
    expect(slots).toHaveLength(23)
    expect(starts(slots).at(0)).toBe('2026-03-08T05:00Z')
    expect(starts(slots).at(-1)).toBe('2026-03-09T03:00Z')
  })
})

describe('findSlots filters', () => {
  // Monday 2026-01-05 in UTC, 09:00–12:00.
  const schedule: Schedule = {
    timeZone: 'UTC',
    weekly: [{ dayOfWeek: 1, startTime: '09:00', endTime: '12:00' }],
  }
  const monday = { from: utc('2026-01-05T00:00:00Z'), to: utc('2026-01-06T00:00:00Z') }
  const base: FindSlotsInput = {
    schedule,
    meetingType: { durationMinutes: 30 },
    now: longAgo,
    range: monday,
  }

  test('keeps the slot’s buffers free of busy time, even outside working hours', () => {
    const slots = findSlots({
      ...base,
      meetingType: { durationMinutes: 30, bufferBeforeMinutes: 10, bufferAfterMinutes: 10 },
      events: [{ startsAt: utc('2026-01-05T10:30:00Z'), endsAt: utc('2026-01-05T11:00:00Z') }],
    })
    expect(starts(slots)).toEqual(['2026-01-05T09:00Z', '2026-01-05T09:30Z', '2026-01-05T11:30Z'])
  })

  test('blocks an existing booking’s own buffers', () => {
    const slots = findSlots({
      ...base,
      bookings: [
        {
          startsAt: utc('2026-01-05T10:30:00Z'),
          endsAt: utc('2026-01-05T11:00:00Z'),
          bufferAfterMinutes: 30,
        },
      ],
    })
    expect(starts(slots)).toEqual([
      '2026-01-05T09:00Z',
      '2026-01-05T09:30Z',
      '2026-01-05T10:00Z',
      '2026-01-05T11:30Z',
    ])
  })

  test('lets slots touch busy time without conflict', () => {
    const slots = findSlots({
      ...base,
      events: [{ startsAt: utc('2026-01-05T10:00:00Z'), endsAt: utc('2026-01-05T10:30:00Z') }],
    })
    expect(starts(slots)).toContain('2026-01-05T09:30Z')
    expect(starts(slots)).toContain('2026-01-05T10:30Z')
    expect(starts(slots)).not.toContain('2026-01-05T10:00Z')
  })

  test('treats a zero-length event strictly inside a slot as a conflict, and one at its edge as none', () => {
    const at = (time: string) => utc(`2026-01-05T${time}:00Z`)
    const slots = findSlots({
      ...base,
      events: [
        { startsAt: at('09:15'), endsAt: at('09:15') },
        { startsAt: at('10:00'), endsAt: at('10:00') },
      ],
    })
    expect(starts(slots)).toEqual([
      '2026-01-05T09:30Z',
      '2026-01-05T10:00Z',
      '2026-01-05T10:30Z',
      '2026-01-05T11:00Z',
      '2026-01-05T11:30Z',
    ])
  })

  test('blocks the whole of a long event that contains shorter ones, in any order', () => {
    const at = (time: string) => utc(`2026-01-05T${time}:00Z`)
    const events = [
      { startsAt: at('09:30'), endsAt: at('11:00') },
      { startsAt: at('09:45'), endsAt: at('10:00') },
      { startsAt: at('10:15'), endsAt: at('10:30') },
    ]
    const expected = ['2026-01-05T09:00Z', '2026-01-05T11:00Z', '2026-01-05T11:30Z']
    expect(starts(findSlots({ ...base, events }))).toEqual(expected)
    expect(starts(findSlots({ ...base, events: [...events].reverse() }))).toEqual(expected)
  })

  test('ignores transparent (free) events', () => {
    const slots = findSlots({
      ...base,
      events: [
        {
          startsAt: utc('2026-01-05T09:00:00Z'),
          endsAt: utc('2026-01-05T12:00:00Z'),
          transparent: true,
        },
      ],
    })
    expect(slots).toHaveLength(6)
  })

  test('drops slots starting before now plus the minimum notice', () => {
    const slots = findSlots({
      ...base,
      meetingType: { durationMinutes: 30, minNoticeMinutes: 60 },
      now: utc('2026-01-05T09:10:00Z'),
    })
    expect(starts(slots)).toEqual(['2026-01-05T10:30Z', '2026-01-05T11:00Z', '2026-01-05T11:30Z'])
  })

  test('steps starts every slotIntervalMinutes from the window start', () => {
    const slots = findSlots({
      ...base,
      meetingType: { durationMinutes: 60, slotIntervalMinutes: 45 },
    })
    expect(starts(slots)).toEqual(['2026-01-05T09:00Z', '2026-01-05T09:45Z', '2026-01-05T10:30Z'])
  })

  test('offers a chosen duration from the allowed options and rejects others', () => {
    const meetingType = { durationMinutes: 30, durationOptionsMinutes: [60, 90] }
    expect(lengths(findSlots({ ...base, meetingType, durationMinutes: 90 }))).toEqual(new Set([90]))
    expect(findSlots({ ...base, meetingType, durationMinutes: 90 })).toHaveLength(2)
    expect(() => findSlots({ ...base, meetingType, durationMinutes: 45 })).toThrow(
      expect.objectContaining({
        code: 'INVALID_DURATION',
        details: expect.objectContaining({ field: 'durationMinutes' }),
      }),
    )
  })

  describe('in the host’s local days (America/New_York, Mon–Fri 09:00–10:00)', () => {
    const host: Schedule = { timeZone: 'America/New_York', weekly: weekdays('09:00', '10:00') }
    const twoWeeks = { from: utc('2026-01-04T00:00:00Z'), to: utc('2026-01-17T00:00:00Z') }
    const input: FindSlotsInput = {
      schedule: host,
      meetingType: { durationMinutes: 60 },
      now: longAgo,
      range: twoWeeks,
    }

    test('counts max_days_ahead from the host-local today, not the UTC one', () => {
      // 03:00Z on Monday Jan 5 is still Sunday Jan 4, 22:00 in New York: today + 1 = Monday.
      const slots = findSlots({
        ...input,
        meetingType: { durationMinutes: 60, maxDaysAhead: 1 },
        now: utc('2026-01-05T03:00:00Z'),
      })
      expect(starts(slots)).toEqual(['2026-01-05T14:00Z'])
    })

    test('keeps to a fixed date range, both ends inclusive', () => {
      const slots = findSlots({
        ...input,
        meetingType: {
          durationMinutes: 60,
          dateRange: { startDate: '2026-01-06', endDate: '2026-01-07' },
        },
      })
      expect(starts(slots)).toEqual(['2026-01-06T14:00Z', '2026-01-07T14:00Z'])
    })

    test('closes a host-local day that reached max bookings per day', () => {
      const slots = findSlots({
        ...input,
        range: { from: utc('2026-01-05T00:00:00Z'), to: utc('2026-01-08T00:00:00Z') },
        meetingType: { durationMinutes: 60, maxBookingsPerDay: 1 },
        bookings: [
          // 22:00 on Monday Jan 5 in New York (03:00Z Tuesday): counts for Monday.
          { startsAt: utc('2026-01-06T03:00:00Z'), endsAt: utc('2026-01-06T03:30:00Z') },
          // Does not count toward limits.
          {
            startsAt: utc('2026-01-07T20:00:00Z'),
            endsAt: utc('2026-01-07T20:30:00Z'),
            countsTowardLimits: false,
          },
        ],
      })
      expect(starts(slots)).toEqual(['2026-01-06T14:00Z', '2026-01-07T14:00Z'])
    })

    test('closes a week that reached max bookings per week, with weeks starting on weekStartsOn', () => {
      const bookings = [
        { startsAt: utc('2026-01-11T20:00:00Z'), endsAt: utc('2026-01-11T20:30:00Z') }, // Sunday Jan 11
        { startsAt: utc('2026-01-12T20:00:00Z'), endsAt: utc('2026-01-12T20:30:00Z') }, // Monday Jan 12
      ]
      const meetingType = { durationMinutes: 60, maxBookingsPerWeek: 1 }
      expect(findSlots({ ...input, meetingType, bookings })).toEqual([])
      const sundayWeeks = findSlots({ ...input, meetingType, bookings, weekStartsOn: 0 })
      expect(starts(sundayWeeks)).toEqual([
        '2026-01-05T14:00Z',
        '2026-01-06T14:00Z',
        '2026-01-07T14:00Z',
        '2026-01-08T14:00Z',
        '2026-01-09T14:00Z',
      ])
    })
  })

  test('returns the same slots whatever the order of every input list', () => {
    const input: FindSlotsInput = {
      schedule: {
        timeZone: 'Europe/Berlin',
        weekly: [
          { dayOfWeek: 1, startTime: '09:00', endTime: '12:00' },
          { dayOfWeek: 1, startTime: '11:00', endTime: '14:00' },
          { dayOfWeek: 2, startTime: '13:00', endTime: '17:00' },
        ],
        overrides: [
          {
            date: '2026-01-07',
            windows: [
              { startTime: '08:00', endTime: '09:00' },
              { startTime: '10:00', endTime: '11:00' },
            ],
          },
          { date: '2026-01-06', windows: [] },
        ],
      },
      meetingType: { durationMinutes: 30, slotIntervalMinutes: 15, bufferAfterMinutes: 5 },
      bookings: [
        { startsAt: utc('2026-01-05T09:00:00Z'), endsAt: utc('2026-01-05T09:30:00Z') },
        {
          startsAt: utc('2026-01-05T08:00:00Z'),
          endsAt: utc('2026-01-05T08:30:00Z'),
          bufferBeforeMinutes: 15,
        },
      ],
      events: [
        { startsAt: utc('2026-01-05T12:00:00Z'), endsAt: utc('2026-01-05T12:10:00Z') },
        { startsAt: utc('2026-01-05T10:00:00Z'), endsAt: utc('2026-01-05T11:00:00Z') },
        { startsAt: utc('2026-01-05T10:30:00Z'), endsAt: utc('2026-01-05T10:45:00Z') },
      ],
      now: longAgo,
      range: { from: utc('2026-01-05T00:00:00Z'), to: utc('2026-01-08T00:00:00Z') },
    }
    const reversed: FindSlotsInput = {
      ...input,
      schedule: {
        ...input.schedule,
        weekly: [...input.schedule.weekly].reverse(),
        overrides: [...(input.schedule.overrides ?? [])]
          .reverse()
          .map((override) => ({ ...override, windows: [...override.windows].reverse() })),
      },
      bookings: [...(input.bookings ?? [])].reverse(),
      events: [...(input.events ?? [])].reverse(),
    }
    const expected = findSlots(input)
    expect(expected.length).toBeGreaterThan(0)
    expect(findSlots(reversed)).toEqual(expected)
  })
})

describe('findSlots input validation', () => {
  const schedule: Schedule = { timeZone: 'UTC', weekly: weekdays('09:00', '17:00') }
  const valid: FindSlotsInput = {
    schedule,
    meetingType: { durationMinutes: 30 },
    now: longAgo,
    range: { from: utc('2026-01-05T00:00:00Z'), to: utc('2026-01-06T00:00:00Z') },
  }

  test.each([
    [
      'an unknown host zone',
      { schedule: { ...schedule, timeZone: 'Nowhere/Land' } },
      'INVALID_TIME_ZONE',
      'schedule.timeZone',
    ],
    [
      'a zero duration',
      { meetingType: { durationMinutes: 0 } },
      'INVALID_DURATION',
      'meetingType.durationMinutes',
    ],
    [
      'a fractional duration',
      { meetingType: { durationMinutes: 30.5 } },
      'INVALID_DURATION',
      'meetingType.durationMinutes',
    ],
    [
      'a negative buffer',
      { meetingType: { durationMinutes: 30, bufferBeforeMinutes: -5 } },
      'INVALID_DURATION',
      'meetingType.bufferBeforeMinutes',
    ],
    [
      'a zero step',
      { meetingType: { durationMinutes: 30, slotIntervalMinutes: 0 } },
      'INVALID_DURATION',
      'meetingType.slotIntervalMinutes',
    ],
    [
      'a negative notice',
      { meetingType: { durationMinutes: 30, minNoticeMinutes: -1 } },
      'INVALID_DURATION',
      'meetingType.minNoticeMinutes',
    ],
    [
      'a negative daily limit',
      { meetingType: { durationMinutes: 30, maxBookingsPerDay: -1 } },
      'INVALID_DURATION',
      'meetingType.maxBookingsPerDay',
    ],
    [
      'a fixed date range that ends before it starts',
      {
        meetingType: {
          durationMinutes: 30,
          dateRange: { startDate: '2026-02-01', endDate: '2026-01-01' },
        },
      },
      'INVALID_RANGE',
      'meetingType.dateRange.endDate',
    ],
    [
      'a range that ends before it starts',
      { range: { from: utc('2026-01-06T00:00:00Z'), to: utc('2026-01-05T00:00:00Z') } },
      'INVALID_RANGE',
      'range.to',
    ],
    [
      'a range longer than 400 days',
      { range: { from: utc('2026-01-01T00:00:00Z'), to: utc('2027-03-01T00:00:00Z') } },
      'INVALID_RANGE',
      'range.to',
    ],
    [
      'a non-finite range start',
      { range: { from: Number.NEGATIVE_INFINITY, to: utc('2026-01-05T00:00:00Z') } },
      'INVALID_RANGE',
      'range.from',
    ],
    [
      'a date range with an impossible date',
      { range: { startDate: '2026-13-01', endDate: '2026-13-02', timeZone: 'UTC' } },
      'INVALID_DATE',
      'range.startDate',
    ],
    [
      'a date range in an unknown zone',
      { range: { startDate: '2026-01-05', endDate: '2026-01-05', timeZone: 'Moon/Base' } },
      'INVALID_TIME_ZONE',
      'range.timeZone',
    ],
    ['a non-finite now', { now: Number.NaN }, 'INVALID_RANGE', 'now'],
    [
      'an event that ends before it starts',
      { events: [{ startsAt: utc('2026-01-05T10:00:00Z'), endsAt: utc('2026-01-05T09:00:00Z') }] },
      'INVALID_RANGE',
      'events[0].endsAt',
    ],
    [
      'a booking with a negative buffer',
      { bookings: [{ startsAt: 0, endsAt: 1, bufferAfterMinutes: -1 }] },
      'INVALID_DURATION',
      'bookings[0].bufferAfterMinutes',
    ],
    [
      'a window end before its start',
      {
        schedule: {
          timeZone: 'UTC',
          weekly: [{ dayOfWeek: 1, startTime: '17:00', endTime: '09:00' }],
        },
      },
      'INVALID_RULES',
      'schedule.weekly[0].endTime',
    ],
  ])('rejects %s', (_name, patch, code, field) => {
    expect(() => findSlots({ ...valid, ...patch } as FindSlotsInput)).toThrow(
      expect.objectContaining({
        name: 'SchedulingError',
        code,
        details: expect.objectContaining({ field }),
      }),
    )
  })

  test('returns an empty list, not an error, for an empty range', () => {
    expect(findSlots({ ...valid, range: { from: valid.now, to: valid.now } })).toEqual([])
  })
})
