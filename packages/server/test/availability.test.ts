import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { admin, bearer, bookingBody, createHost, createMeetingType, createTestApp } from './helpers'

describe('availability and slots API', () => {
  let app: FastifyInstance
  beforeAll(async () => {
    app = await createTestApp()
  })
  afterAll(async () => app.close())

  const slotsUrl = (mt: string, query: string) =>
    `/api/availability/slots?meeting_type_id=${mt}&${query}`

  it('stores rules and overrides and returns what it stored', async () => {
    const host = await createHost(app)
    const payload = {
      rules: [
        { day_of_week: 2, start_time: '13:00', end_time: '17:00' },
        { day_of_week: 2, start_time: '09:00', end_time: '12:00' },
        { day_of_week: 6, start_time: '10:00', end_time: '24:00' },
      ],
      overrides: [
        { date: '2027-03-10', intervals: [] },
        { date: '2027-03-09', intervals: [{ start_time: '08:00', end_time: '10:00' }] },
      ],
    }
    const put = await app.inject({
      method: 'PUT',
      url: `/api/users/${host.id}/availability`,
      headers: bearer(host.apiKey),
      payload,
    })
    expect(put.statusCode, put.body).toBe(200)
    const expected = {
      user_id: host.id,
      time_zone: 'America/New_York',
      rules: [
        { day_of_week: 2, start_time: '09:00', end_time: '12:00' },
        { day_of_week: 2, start_time: '13:00', end_time: '17:00' },
        { day_of_week: 6, start_time: '10:00', end_time: '24:00' },
      ],
      overrides: [
        { date: '2027-03-09', intervals: [{ start_time: '08:00', end_time: '10:00' }] },
        { date: '2027-03-10', intervals: [] },
      ],
    }
    expect(put.json()).toEqual(expected)
    const get = await app.inject({ url: `/api/users/${host.id}/availability`, headers: admin })
    expect(get.json()).toEqual(expected)
    const mt = await createMeetingType(app, host, { duration_minutes: 60 })
    // 2027-03-09 is a Tuesday: the override (08:00-10:00) replaces the rules.
    const tue = (
      await app.inject({ url: slotsUrl(mt, 'date=2027-03-09&timezone=America/New_York') })
    ).json()
    expect(tue.slots).toEqual([
      { start: '2027-03-09T08:00:00-05:00', end: '2027-03-09T09:00:00-05:00' },
      { start: '2027-03-09T09:00:00-05:00', end: '2027-03-09T10:00:00-05:00' },
    ])
    // 2027-03-10 is a day off.
    expect(
      (await app.inject({ url: slotsUrl(mt, 'date=2027-03-10&timezone=America/New_York') })).json()
        .slots,
    ).toEqual([])
  })

  it.each([
    [
      'overlapping windows',
      {
        rules: [
          { day_of_week: 1, start_time: '09:00', end_time: '12:00' },
          { day_of_week: 1, start_time: '11:00', end_time: '13:00' },
        ],
      },
      'INVALID_RULES',
      'rules[1]',
    ],
    [
      'an inverted window',
      { rules: [{ day_of_week: 1, start_time: '12:00', end_time: '09:00' }] },
      'INVALID_RULES',
      'rules[0]',
    ],
    [
      'an impossible override date',
      { rules: [], overrides: [{ date: '2027-02-30', intervals: [] }] },
      'INVALID_DATE',
      'overrides[0].date',
    ],
    [
      'overlapping override windows',
      {
        rules: [],
        overrides: [
          {
            date: '2027-03-03',
            intervals: [
              { start_time: '09:00', end_time: '10:00' },
              { start_time: '09:30', end_time: '11:00' },
            ],
          },
        ],
      },
      'INVALID_RULES',
      'overrides[0].intervals[1]',
    ],
    [
      'a bad time',
      { rules: [{ day_of_week: 1, start_time: '9am', end_time: '12:00' }] },
      'VALIDATION_FAILED',
      'rules.0.start_time',
    ],
    [
      'a bad weekday',
      { rules: [{ day_of_week: 7, start_time: '09:00', end_time: '12:00' }] },
      'VALIDATION_FAILED',
      'rules.0.day_of_week',
    ],
  ])('rejects %s with 400', async (_case, payload, code, field) => {
    const host = await createHost(app)
    const res = await app.inject({
      method: 'PUT',
      url: `/api/users/${host.id}/availability`,
      headers: bearer(host.apiKey),
      payload,
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().error).toBe(code)
    expect(res.json().details.field).toBe(field)
  })

  it('needs the key of that user', async () => {
    const a = await createHost(app)
    const b = await createHost(app)
    const res = await app.inject({
      method: 'PUT',
      url: `/api/users/${b.id}/availability`,
      headers: bearer(a.apiKey),
      payload: { rules: [] },
    })
    expect(res.statusCode).toBe(403)
    expect((await app.inject({ url: `/api/users/${b.id}/availability` })).statusCode).toBe(401)
  })

  it('returns the slots of one day in the requested zone', async () => {
    const host = await createHost(app, 'America/New_York')
    const mt = await createMeetingType(app, host, { duration_minutes: 60 })
    const res = await app.inject({ url: slotsUrl(mt, 'date=2027-03-02&timezone=Asia/Kolkata') })
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body.date).toBe('2027-03-02')
    expect(body.timezone).toBe('Asia/Kolkata')
    // Slots starting on Kolkata's 2 March: New York's Monday afternoon (from 00:30) and Tuesday (19:30 to 23:30).
    expect(body.slots[0]).toEqual({
      start: '2027-03-02T00:30:00+05:30',
      end: '2027-03-02T01:30:00+05:30',
    })
    expect(body.slots.at(-1)).toEqual({
      start: '2027-03-02T23:30:00+05:30',
      end: '2027-03-03T00:30:00+05:30',
    })
  })

  it('returns every day of a range, empty days included', async () => {
    const host = await createHost(app)
    const mt = await createMeetingType(app, host, { duration_minutes: 60 })
    const res = await app.inject({
      url: slotsUrl(mt, 'start_date=2027-03-05&end_date=2027-03-08&timezone=America/New_York'),
    })
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body.days.map((d: { date: string }) => d.date)).toEqual([
      '2027-03-05',
      '2027-03-06',
      '2027-03-07',
      '2027-03-08',
    ])
    expect(body.days.map((d: { slots: unknown[] }) => d.slots.length)).toEqual([8, 0, 0, 8])
  })

  it.each([
    ['an impossible date', 'date=2027-02-30&timezone=UTC', 'INVALID_DATE', 'date'],
    ['a malformed date', 'date=2027-3-1&timezone=UTC', 'VALIDATION_FAILED', 'date'],
    ['an unknown zone', 'date=2027-03-02&timezone=Mars/Olympus', 'INVALID_TIME_ZONE', 'timezone'],
    ['a missing zone', 'date=2027-03-02', 'VALIDATION_FAILED', 'timezone'],
    ['no date', 'timezone=UTC', 'VALIDATION_FAILED', 'date'],
    [
      'a range over 62 days',
      'start_date=2027-03-01&end_date=2027-05-02&timezone=UTC',
      'INVALID_RANGE',
      'end_date',
    ],
    [
      'an inverted range',
      'start_date=2027-03-05&end_date=2027-03-01&timezone=UTC',
      'INVALID_RANGE',
      'end_date',
    ],
    [
      'a length the meeting type does not offer',
      'date=2027-03-02&timezone=UTC&duration=45',
      'INVALID_DURATION',
      'duration',
    ],
  ])('rejects %s with 400 naming the field', async (_case, query, code, field) => {
    const host = await createHost(app)
    const mt = await createMeetingType(app, host)
    const res = await app.inject({ url: slotsUrl(mt, query) })
    expect(res.statusCode, res.body).toBe(400)
    expect(res.json().error).toBe(code)
    expect(res.json().message).toContain(field)
  })

  it('answers 404 for an unknown meeting type', async () => {
    const res = await app.inject({
      url: slotsUrl('3f2b8c1e-6a4d-4f0e-9b7a-2c5d8e1f0a3b', 'date=2027-03-02&timezone=UTC'),
    })
    expect(res.statusCode).toBe(404)
  })

  it('offers the other lengths of a meeting type through duration', async () => {
    const host = await createHost(app)
    const mt = await createMeetingType(app, host, {
      duration_minutes: 30,
      duration_options_minutes: [90],
    })
    const res = await app.inject({
      url: slotsUrl(mt, 'date=2027-03-02&timezone=America/New_York&duration=90'),
    })
    expect(res.statusCode).toBe(200)
    expect(res.json().slots[0]).toEqual({
      start: '2027-03-02T09:00:00-05:00',
      end: '2027-03-02T10:30:00-05:00',
    })
  })

  describe('DST days through the API', () => {
    // Open every day 01:00-04:00 New York time, so the windows straddle both transitions.
    const nightRules = [0, 1, 2, 3, 4, 5, 6].map((d) => ({
      day_of_week: d,
      start_time: '01:00',
      end_time: '04:00',
    }))

    it('skips the nonexistent hour on spring-forward day (America/New_York, 2027-03-14)', async () => {
      const host = await createHost(app, 'America/New_York', nightRules)
      const mt = await createMeetingType(app, host, { duration_minutes: 30, max_days_ahead: 365 })
      const res = await app.inject({
        url: slotsUrl(mt, 'date=2027-03-14&timezone=America/New_York'),
      })
      // 01:00 EST to 04:00 EDT is two real hours: 02:00-03:00 does not exist.
      expect(res.json().slots.map((s: { start: string }) => s.start)).toEqual([
        '2027-03-14T01:00:00-05:00',
        '2027-03-14T01:30:00-05:00',
        '2027-03-14T03:00:00-04:00',
        '2027-03-14T03:30:00-04:00',
      ])
      const booked = await app.inject({
        method: 'POST',
        url: '/api/bookings',
        payload: bookingBody(mt, '2027-03-14T03:00:00-04:00'),
      })
      expect(booked.statusCode, booked.body).toBe(201)
      expect(booked.json().start_time).toBe('2027-03-14T07:00:00Z')
      const after = await app.inject({
        url: slotsUrl(mt, 'date=2027-03-14&timezone=America/New_York'),
      })
      expect(after.json().slots).toHaveLength(3)
    })

    it('offers the repeated hour twice on fall-back day (America/New_York, 2027-11-07)', async () => {
      const host = await createHost(app, 'America/New_York', nightRules)
      const mt = await createMeetingType(app, host, { duration_minutes: 30, max_days_ahead: 365 })
      const res = await app.inject({
        url: slotsUrl(mt, 'date=2027-11-07&timezone=America/New_York'),
      })
      // 01:00 EDT to 04:00 EST is four real hours: 01:00-02:00 happens twice.
      expect(res.json().slots.map((s: { start: string }) => s.start)).toEqual([
        '2027-11-07T01:00:00-04:00',
        '2027-11-07T01:30:00-04:00',
        '2027-11-07T01:00:00-05:00',
        '2027-11-07T01:30:00-05:00',
        '2027-11-07T02:00:00-05:00',
        '2027-11-07T02:30:00-05:00',
        '2027-11-07T03:00:00-05:00',
        '2027-11-07T03:30:00-05:00',
      ])
      const second = await app.inject({
        method: 'POST',
        url: '/api/bookings',
        payload: bookingBody(mt, '2027-11-07T01:00:00-05:00'),
      })
      expect(second.statusCode, second.body).toBe(201)
      expect(second.json().start_time).toBe('2027-11-07T06:00:00Z')
      const first = await app.inject({
        method: 'POST',
        url: '/api/bookings',
        payload: bookingBody(mt, '2027-11-07T01:00:00-04:00'),
      })
      expect(first.statusCode, first.body).toBe(201)
      expect(first.json().start_time).toBe('2027-11-07T05:00:00Z')
    })

    it('shows a Berlin invitee the New York spring-forward slots with the right offsets', async () => {
      const host = await createHost(app, 'America/New_York', nightRules)
      const mt = await createMeetingType(app, host, { duration_minutes: 30, max_days_ahead: 365 })
      const res = await app.inject({ url: slotsUrl(mt, 'date=2027-03-14&timezone=Europe/Berlin') })
      // Berlin is still on CET (+01:00) on 14 March; New York 01:00 EST = 07:00 CET.
      expect(res.json().slots.map((s: { start: string }) => s.start)).toContain(
        '2027-03-14T07:00:00+01:00',
      )
      expect(res.json().slots.map((s: { start: string }) => s.start)).toContain(
        '2027-03-14T08:00:00+01:00',
      )
    })
  })
})
