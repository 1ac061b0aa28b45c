import { describe, expect, test } from 'vitest'
import { findSlots } from '../slots/find-slots'
import type { Schedule, Slot } from '../types'
import { findCollectiveSlots } from './find-collective-slots'
import { findRoundRobinSlots } from './find-round-robin-slots'

const utc = (text: string) => Date.parse(text)
const starts = (slots: readonly Slot[]) =>
  slots.map((slot) => new Date(slot.startsAt).toISOString().replace(':00.000', ''))
const weekdays = (timeZone: string, startTime: string, endTime: string): Schedule => ({
  timeZone,
  weekly: ([1, 2, 3, 4, 5] as const).map((dayOfWeek) => ({ dayOfWeek, startTime, endTime })),
})

// Monday 2026-01-05: New York 09:00–17:00 EST = 14:00–22:00Z; Berlin 09:00–17:00 CET = 08:00–16:00Z.
const newYork = weekdays('America/New_York', '09:00', '17:00')
const berlin = weekdays('Europe/Berlin', '09:00', '17:00')
const range = { from: utc('2026-01-05T00:00:00Z'), to: utc('2026-01-06T00:00:00Z') }
const now = utc('2026-01-01T00:00:00Z')

describe('findCollectiveSlots', () => {
  test('offers only the hours every host is open, each in their own zone', () => {
    const slots = findCollectiveSlots({
      hosts: [{ schedule: newYork }, { schedule: berlin }],
      meetingType: { durationMinutes: 60 },
      now,
      range,
    })
    expect(starts(slots)).toEqual(['2026-01-05T14:00Z', '2026-01-05T15:00Z'])
  })

  test('applies each host’s own busy time', () => {
    const slots = findCollectiveSlots({
      hosts: [
        { schedule: newYork },
        {
          schedule: berlin,
          events: [{ startsAt: utc('2026-01-05T15:00:00Z'), endsAt: utc('2026-01-05T15:30:00Z') }],
        },
      ],
      meetingType: { durationMinutes: 30 },
      now,
      range,
    })
    expect(starts(slots)).toEqual(['2026-01-05T14:00Z', '2026-01-05T14:30Z', '2026-01-05T15:30Z'])
  })

  test('equals findSlots for one host', () => {
    const meetingType = { durationMinutes: 45, slotIntervalMinutes: 15, bufferAfterMinutes: 5 }
    const events = [{ startsAt: utc('2026-01-05T16:00:00Z'), endsAt: utc('2026-01-05T17:00:00Z') }]
    expect(
      findCollectiveSlots({ hosts: [{ schedule: newYork, events }], meetingType, now, range }),
    ).toEqual(findSlots({ schedule: newYork, events, meetingType, now, range }))
  })

  test('rejects an empty team and names a host’s invalid field', () => {
    expect(() =>
      findCollectiveSlots({ hosts: [], meetingType: { durationMinutes: 30 }, now, range }),
    ).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }))
    expect(() =>
      findCollectiveSlots({
        hosts: [{ schedule: newYork }, { schedule: { ...berlin, timeZone: 'Europe/Nowhere' } }],
        meetingType: { durationMinutes: 30 },
        now,
        range,
      }),
    ).toThrow(
      expect.objectContaining({
        details: expect.objectContaining({ field: 'hosts[1].schedule.timeZone' }),
      }),
    )
  })
})

describe('findRoundRobinSlots', () => {
  test('lists, per start, which hosts are free, whatever the host order', () => {
    const hosts = [
      { hostId: 'ny', schedule: newYork },
      {
        hostId: 'berlin',
        schedule: berlin,
        bookings: [{ startsAt: utc('2026-01-05T14:00:00Z'), endsAt: utc('2026-01-05T15:00:00Z') }],
      },
    ]
    const input = { hosts, meetingType: { durationMinutes: 60 }, now, range }
    const slots = findRoundRobinSlots(input)
    const byStart = Object.fromEntries(
      slots.map((slot) => [new Date(slot.startsAt).toISOString(), slot.hostIds]),
    )
    expect(byStart['2026-01-05T08:00:00.000Z']).toEqual(['berlin'])
    expect(byStart['2026-01-05T14:00:00.000Z']).toEqual(['ny'])
    expect(byStart['2026-01-05T15:00:00.000Z']).toEqual(['berlin', 'ny'])
    expect(byStart['2026-01-05T21:00:00.000Z']).toEqual(['ny'])
    // Berlin 08:00–15:00Z starts minus its booked 14:00, New York 14:00–21:00Z: every hour 08–21Z.
    expect(slots).toHaveLength(14)
    expect(findRoundRobinSlots({ ...input, hosts: [...hosts].reverse() })).toEqual(slots)
  })

  test('rejects duplicate host ids', () => {
    expect(() =>
      findRoundRobinSlots({
        hosts: [
          { hostId: 'a', schedule: newYork },
          { hostId: 'a', schedule: berlin },
        ],
        meetingType: { durationMinutes: 30 },
        now,
        range,
      }),
    ).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED', details: { field: 'hosts[1].hostId' } }),
    )
  })
})
