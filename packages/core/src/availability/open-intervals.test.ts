import { describe, expect, test } from 'vitest'
import type { Schedule } from '../types'
import { openIntervals } from './open-intervals'

const utc = (text: string) => Date.parse(text)
const show = (intervals: { startsAt: number; endsAt: number }[]) =>
  intervals.map(
    ({ startsAt, endsAt }) =>
      `${new Date(startsAt).toISOString()}/${new Date(endsAt).toISOString()}`,
  )

const everyDay = (timeZone: string, startTime: string, endTime: string): Schedule => ({
  timeZone,
  weekly: ([0, 1, 2, 3, 4, 5, 6] as const).map((dayOfWeek) => ({ dayOfWeek, startTime, endTime })),
})

describe('openIntervals', () => {
  test('gives a 00:00–24:00 window its 25 real hours on New York’s fall-back day', () => {
    const [interval, ...rest] = openIntervals(
      everyDay('America/New_York', '00:00', '24:00'),
      '2026-11-01',
      '2026-11-01',
    )
    expect(rest).toEqual([])
    expect(interval).toEqual({
      startsAt: utc('2026-11-01T04:00:00Z'),
      endsAt: utc('2026-11-02T05:00:00Z'),
    })
  })

  test('gives 09:00–17:00 eight real hours on a 23-hour day', () => {
    expect(
      show(openIntervals(everyDay('Europe/Berlin', '09:00', '17:00'), '2026-03-29', '2026-03-29')),
    ).toEqual(['2026-03-29T07:00:00.000Z/2026-03-29T15:00:00.000Z'])
  })

  test('gives 01:00–03:00 one real hour on New York’s spring-forward night', () => {
    expect(
      show(
        openIntervals(everyDay('America/New_York', '01:00', '03:00'), '2026-03-08', '2026-03-08'),
      ),
    ).toEqual(['2026-03-08T06:00:00.000Z/2026-03-08T07:00:00.000Z'])
  })

  test('drops a 02:00–03:00 window that vanishes in Berlin’s spring-forward gap', () => {
    expect(
      openIntervals(everyDay('Europe/Berlin', '02:00', '03:00'), '2026-03-29', '2026-03-29'),
    ).toEqual([])
  })

  test('never merges intervals of different dates that touch at midnight', () => {
    expect(
      show(openIntervals(everyDay('Asia/Kolkata', '00:00', '24:00'), '2026-03-08', '2026-03-09')),
    ).toEqual([
      '2026-03-07T18:30:00.000Z/2026-03-08T18:30:00.000Z',
      '2026-03-08T18:30:00.000Z/2026-03-09T18:30:00.000Z',
    ])
  })

  test('merges overlapping and touching windows of one date', () => {
    const schedule: Schedule = {
      timeZone: 'UTC',
      weekly: [
        { dayOfWeek: 1, startTime: '12:00', endTime: '17:00' },
        { dayOfWeek: 1, startTime: '09:00', endTime: '12:00' },
        { dayOfWeek: 1, startTime: '16:00', endTime: '18:00' },
        { dayOfWeek: 1, startTime: '19:00', endTime: '20:00' },
      ],
    }
    expect(show(openIntervals(schedule, '2026-01-05', '2026-01-05'))).toEqual([
      '2026-01-05T09:00:00.000Z/2026-01-05T18:00:00.000Z',
      '2026-01-05T19:00:00.000Z/2026-01-05T20:00:00.000Z',
    ])
  })

  test('lets an override replace the weekly rules on a transition day, and an empty one close it', () => {
    const schedule: Schedule = {
      ...everyDay('Europe/Berlin', '09:00', '17:00'),
      overrides: [
        { date: '2026-10-25', windows: [{ startTime: '01:00', endTime: '04:00' }] },
        { date: '2026-10-26', windows: [] },
      ],
    }
    // 01:00 CEST = 23:00Z the day before; 04:00 CET = 03:00Z: four real hours.
    expect(show(openIntervals(schedule, '2026-10-25', '2026-10-27'))).toEqual([
      '2026-10-24T23:00:00.000Z/2026-10-25T03:00:00.000Z',
      '2026-10-27T08:00:00.000Z/2026-10-27T16:00:00.000Z',
    ])
  })

  test('ends a 22:00–24:00 window at the real next midnight on Berlin’s fall-back day', () => {
    expect(
      show(openIntervals(everyDay('Europe/Berlin', '22:00', '24:00'), '2026-10-25', '2026-10-25')),
    ).toEqual(['2026-10-25T21:00:00.000Z/2026-10-25T23:00:00.000Z'])
  })

  test('starts a window at Santiago’s nonexistent midnight at 01:00 -03', () => {
    expect(
      show(
        openIntervals(everyDay('America/Santiago', '00:00', '03:00'), '2026-09-06', '2026-09-06'),
      ),
    ).toEqual(['2026-09-06T04:00:00.000Z/2026-09-06T06:00:00.000Z'])
  })

  test('gives Beirut’s Saturday 22:00–24:00 three real hours before its midnight fall-back', () => {
    expect(
      show(openIntervals(everyDay('Asia/Beirut', '22:00', '24:00'), '2026-10-24', '2026-10-24')),
    ).toEqual(['2026-10-24T19:00:00.000Z/2026-10-24T22:00:00.000Z'])
  })

  test.each([
    [
      'a window ending before it starts',
      { timeZone: 'UTC', weekly: [{ dayOfWeek: 1, startTime: '10:00', endTime: '09:00' }] },
      'INVALID_RULES',
      'schedule.weekly[0].endTime',
    ],
    [
      '24:00 as a start',
      { timeZone: 'UTC', weekly: [{ dayOfWeek: 1, startTime: '24:00', endTime: '24:00' }] },
      'INVALID_TIME',
      'schedule.weekly[0].startTime',
    ],
    [
      'a day of week 7',
      { timeZone: 'UTC', weekly: [{ dayOfWeek: 7, startTime: '09:00', endTime: '10:00' }] },
      'INVALID_RULES',
      'schedule.weekly[0].dayOfWeek',
    ],
    [
      'an override on 2026-02-29',
      { timeZone: 'UTC', weekly: [], overrides: [{ date: '2026-02-29', windows: [] }] },
      'INVALID_DATE',
      'schedule.overrides[0].date',
    ],
    [
      'an override time 9:00',
      {
        timeZone: 'UTC',
        weekly: [],
        overrides: [{ date: '2026-02-28', windows: [{ startTime: '9:00', endTime: '10:00' }] }],
      },
      'INVALID_TIME',
      'schedule.overrides[0].windows[0].startTime',
    ],
    [
      'an unknown zone',
      { timeZone: 'America/Nowhere', weekly: [] },
      'INVALID_TIME_ZONE',
      'schedule.timeZone',
    ],
  ])('rejects %s', (_name, schedule, code, field) => {
    expect(() => openIntervals(schedule as Schedule, '2026-01-05', '2026-01-05')).toThrow(
      expect.objectContaining({ code, details: expect.objectContaining({ field }) }),
    )
  })

  test('rejects a date range that ends before it starts', () => {
    expect(() =>
      openIntervals(everyDay('UTC', '09:00', '10:00'), '2026-01-05', '2026-01-04'),
    ).toThrow(expect.objectContaining({ code: 'INVALID_RANGE' }))
  })
})
