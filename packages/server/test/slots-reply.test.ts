// The slots reply is JSON written by hand (slot.service.ts shapeReply, a measured
// optimisation): these are real replies from the running app, checked against
// the schemas the OpenAPI document and the client's types come from.
import { SlotsDayReplySchema, SlotsRangeReplySchema, SlotsReplySchema } from '@slotkit/core/api'
import type { FastifyInstance } from 'fastify'
import type { TSchema } from 'typebox'
import { Value } from 'typebox/value'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHost, createMeetingType, createTestApp } from './helpers'

const EVERY_DAY = [0, 1, 2, 3, 4, 5, 6]

/** The reply's body, parsed, after checking it against `schema` exactly (no field the schema does not name). */
function expectMatches(schema: TSchema, body: string): unknown {
  const reply: unknown = JSON.parse(body)
  expect([...Value.Errors(schema, reply)].map((e) => `${e.instancePath} ${e.message}`)).toEqual([])
  expect(Value.Check(SlotsReplySchema, reply)).toBe(true)
  // Clean drops what the schema does not describe; nothing may go.
  expect(Value.Clean(schema, structuredClone(reply))).toEqual(reply)
  return reply
}

interface DayReply {
  date: string
  timezone: string
  slots: { start: string; end: string }[]
}
interface RangeReply {
  timezone: string
  days: { date: string; slots: { start: string; end: string }[] }[]
}

describe('GET /api/availability/slots replies match SlotsReplySchema', () => {
  let app: FastifyInstance
  /** Mon–Fri 09:00–17:00 in New York. */
  let weekdays: string
  /** Every day 01:00–04:00 in New York: spans the spring-forward gap of 2027-03-14. */
  let newYorkNights: string
  /** Every day 01:00–04:00 in Berlin: spans the repeated hour of 2027-10-31. */
  let berlinNights: string

  beforeAll(async () => {
    app = await createTestApp()
    weekdays = await createMeetingType(app, await createHost(app, 'America/New_York'))
    const nights = EVERY_DAY.map((d) => ({
      day_of_week: d,
      start_time: '01:00',
      end_time: '04:00',
    }))
    // A year ahead, so October is inside the booking window of NOW (2027-03-01).
    const farAhead = { max_days_ahead: 365 }
    newYorkNights = await createMeetingType(
      app,
      await createHost(app, 'America/New_York', nights),
      farAhead,
    )
    berlinNights = await createMeetingType(
      app,
      await createHost(app, 'Europe/Berlin', nights),
      farAhead,
    )
  })
  afterAll(async () => app.close())

  async function get(query: string): Promise<string> {
    const url = `/api/availability/slots?${query}`
    const res = await app.inject({ url })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8')
    // The second answer comes from the cache: the same text.
    expect((await app.inject({ url })).body).toBe(res.body)
    return res.body
  }

  it('one day', async () => {
    const body = await get(`meeting_type_id=${weekdays}&date=2027-03-02&timezone=America/New_York`)
    const reply = expectMatches(SlotsDayReplySchema, body) as DayReply
    expect(reply.date).toBe('2027-03-02')
    expect(reply.timezone).toBe('America/New_York')
    expect(reply.slots.length).toBe(16)
    expect(reply.slots[0]).toEqual({
      start: '2027-03-02T09:00:00-05:00',
      end: '2027-03-02T09:30:00-05:00',
    })
  })

  it('a date range, weekend days included empty', async () => {
    const body = await get(
      `meeting_type_id=${weekdays}&start_date=2027-03-01&end_date=2027-03-07&timezone=America/New_York`,
    )
    const reply = expectMatches(SlotsRangeReplySchema, body) as RangeReply
    expect(reply.days.map((d) => d.date)).toEqual([
      '2027-03-01',
      '2027-03-02',
      '2027-03-03',
      '2027-03-04',
      '2027-03-05',
      '2027-03-06',
      '2027-03-07',
    ])
    expect(reply.days.map((d) => d.slots.length > 0)).toEqual([
      true,
      true,
      true,
      true,
      true,
      false,
      false,
    ])
    for (const day of reply.days) {
      for (const slot of day.slots) expect(slot.start.slice(0, 10)).toBe(day.date)
    }
  })

  it('spring forward: New York, 2027-03-14 (02:00-03:00 does not exist)', async () => {
    const body = await get(
      `meeting_type_id=${newYorkNights}&date=2027-03-14&timezone=America/New_York`,
    )
    const reply = expectMatches(SlotsDayReplySchema, body) as DayReply
    const starts = reply.slots.map((s) => s.start)
    // 01:00-04:00 local is two real hours: 01:xx at -05:00, then 03:xx at -04:00.
    expect(starts).toEqual([
      '2027-03-14T01:00:00-05:00',
      '2027-03-14T01:30:00-05:00',
      '2027-03-14T03:00:00-04:00',
      '2027-03-14T03:30:00-04:00',
    ])
  })

  it('fall back: Berlin, 2027-10-31 (02:00-03:00 happens twice)', async () => {
    const body = await get(`meeting_type_id=${berlinNights}&date=2027-10-31&timezone=Europe/Berlin`)
    const reply = expectMatches(SlotsDayReplySchema, body) as DayReply
    const starts = reply.slots.map((s) => s.start)
    // 01:00-04:00 local is four real hours; 02:xx comes at +02:00, then again at +01:00.
    expect(starts).toContain('2027-10-31T02:30:00+02:00')
    expect(starts).toContain('2027-10-31T02:30:00+01:00')
    expect(starts.length).toBe(8)
  })

  it('a range across both DST days, seen from a +05:45 zone (Asia/Kathmandu)', async () => {
    const body = await get(
      `meeting_type_id=${newYorkNights}&start_date=2027-03-13&end_date=2027-03-15&timezone=Asia/Kathmandu`,
    )
    const reply = expectMatches(SlotsRangeReplySchema, body) as RangeReply
    expect(reply.timezone).toBe('Asia/Kathmandu')
    const slots = reply.days.flatMap((d) => d.slots)
    expect(slots.length).toBeGreaterThan(0)
    for (const slot of slots) {
      expect(slot.start.endsWith('+05:45')).toBe(true)
      expect(slot.end.endsWith('+05:45')).toBe(true)
    }
  })

  it('an empty day and an empty range', async () => {
    const day = await get(`meeting_type_id=${weekdays}&date=2027-03-06&timezone=UTC`)
    expect(expectMatches(SlotsDayReplySchema, day)).toEqual({
      date: '2027-03-06',
      timezone: 'UTC',
      slots: [],
    })
    const range = await get(
      `meeting_type_id=${weekdays}&start_date=2027-03-06&end_date=2027-03-07&timezone=UTC`,
    )
    expect(expectMatches(SlotsRangeReplySchema, range)).toEqual({
      timezone: 'UTC',
      days: [
        { date: '2027-03-06', slots: [] },
        { date: '2027-03-07', slots: [] },
      ],
    })
  })
})
