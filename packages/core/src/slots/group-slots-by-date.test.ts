import { describe, expect, test } from 'vitest'
import { groupSlotsByDate } from './group-slots-by-date'

const utc = (text: string) => Date.parse(text)
const slot = (startsAt: string) => ({
  startsAt: utc(startsAt),
  endsAt: utc(startsAt) + 30 * 60_000,
})

describe('groupSlotsByDate', () => {
  const slots = [
    slot('2026-11-01T03:30:00Z'),
    slot('2026-11-01T05:30:00Z'),
    slot('2026-11-01T15:30:00Z'),
  ]

  test('groups by the local date of each start in the given zone', () => {
    expect(
      groupSlotsByDate(slots, 'America/New_York').map(({ date, slots }) => [date, slots.length]),
    ).toEqual([
      ['2026-10-31', 1],
      ['2026-11-01', 2],
    ])
    expect(
      groupSlotsByDate(slots, 'Asia/Tokyo').map(({ date, slots }) => [date, slots.length]),
    ).toEqual([
      ['2026-11-01', 2],
      ['2026-11-02', 1],
    ])
  })

  test('returns no groups for no slots and rejects unknown zones', () => {
    expect(groupSlotsByDate([], 'UTC')).toEqual([])
    expect(() => groupSlotsByDate(slots, 'Nowhere')).toThrow(
      expect.objectContaining({ code: 'INVALID_TIME_ZONE' }),
    )
  })
})
