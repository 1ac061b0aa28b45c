import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { admin, bearer, bookingBody, createHost, createMeetingType, createTestApp } from './helpers'

describe('meeting types API', () => {
  let app: FastifyInstance
  beforeAll(async () => {
    app = await createTestApp()
  })
  afterAll(async () => app.close())

  it('creates a meeting type with the documented defaults', async () => {
    const host = await createHost(app)
    const res = await app.inject({
      method: 'POST',
      url: '/api/meeting-types',
      headers: bearer(host.apiKey),
      payload: { user_id: host.id, name: 'Intro call', duration_minutes: 45 },
    })
    expect(res.statusCode, res.body).toBe(201)
    expect(res.json()).toMatchObject({
      user_id: host.id,
      name: 'Intro call',
      duration_minutes: 45,
      buffer_before_minutes: 0,
      buffer_after_minutes: 0,
      slot_interval_minutes: 45,
      min_notice_minutes: 60,
      max_days_ahead: 60,
      max_bookings_per_day: null,
      max_bookings_per_week: null,
      date_range: null,
      duration_options_minutes: [],
      questions: [],
      slug: null,
      is_active: true,
    })
    expect(res.json().id).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('lists, changes and deactivates meeting types of their host only', async () => {
    const host = await createHost(app)
    const other = await createHost(app)
    const id = await createMeetingType(app, host, { name: 'A', slug: 'a-call' })
    await createMeetingType(app, host, { name: 'B' })
    const list = await app.inject({
      url: `/api/meeting-types?user_id=${host.id}`,
      headers: bearer(host.apiKey),
    })
    expect(list.json().meeting_types.map((t: { name: string }) => t.name)).toEqual(['A', 'B'])
    expect(
      (
        await app.inject({
          url: `/api/meeting-types?user_id=${host.id}`,
          headers: bearer(other.apiKey),
        })
      ).statusCode,
    ).toBe(403)
    expect((await app.inject({ url: `/api/meeting-types?user_id=${host.id}` })).statusCode).toBe(
      401,
    )

    const patch = await app.inject({
      method: 'PATCH',
      url: `/api/meeting-types/${id}`,
      headers: bearer(host.apiKey),
      payload: { name: 'A2', buffer_after_minutes: 15 },
    })
    expect(patch.statusCode).toBe(200)
    expect(patch.json()).toMatchObject({ name: 'A2', buffer_after_minutes: 15 })
    const foreign = await app.inject({
      method: 'PATCH',
      url: `/api/meeting-types/${id}`,
      headers: bearer(other.apiKey),
      payload: { name: 'X' },
    })
    expect(foreign.statusCode).toBe(403)
    const empty = await app.inject({
      method: 'PATCH',
      url: `/api/meeting-types/${id}`,
      headers: bearer(host.apiKey),
      payload: {},
    })
    expect(empty.statusCode).toBe(400)

    const dup = await app.inject({
      method: 'POST',
      url: '/api/meeting-types',
      headers: bearer(host.apiKey),
      payload: { user_id: host.id, name: 'C', duration_minutes: 30, slug: 'a-call' },
    })
    expect(dup.statusCode).toBe(409)
    expect(dup.json().details.field).toBe('slug')

    const del = await app.inject({
      method: 'DELETE',
      url: `/api/meeting-types/${id}`,
      headers: bearer(host.apiKey),
    })
    expect(del.statusCode).toBe(200)
    expect(del.json().is_active).toBe(false)
    expect((await app.inject({ url: `/api/meeting-types/${id}` })).statusCode).toBe(404)
    const slots = await app.inject({
      url: `/api/availability/slots?meeting_type_id=${id}&date=2027-03-02&timezone=UTC`,
    })
    expect(slots.statusCode).toBe(404)
    const booking = await app.inject({
      method: 'POST',
      url: '/api/bookings',
      payload: bookingBody(id, '2027-03-02T14:00:00Z'),
    })
    expect(booking.statusCode).toBe(404)
    expect(
      (await app.inject({ url: `/api/meeting-types?user_id=${host.id}`, headers: admin })).json()
        .meeting_types,
    ).toHaveLength(2)
  })

  it('shows invitees only what they may see', async () => {
    const host = await createHost(app, 'Asia/Kathmandu')
    const id = await createMeetingType(app, host, {
      name: 'Consult',
      buffer_before_minutes: 10,
      duration_options_minutes: [60],
      questions: [
        {
          id: 'topic',
          label: 'Topic',
          type: 'select',
          required: true,
          options: ['sales', 'support'],
        },
      ],
    })
    const res = await app.inject({ url: `/api/meeting-types/${id}` })
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body).toMatchObject({
      id,
      name: 'Consult',
      duration_minutes: 30,
      duration_options_minutes: [60],
      host: { name: 'Test Host', time_zone: 'Asia/Kathmandu' },
    })
    expect(body.questions[0]).toMatchObject({
      id: 'topic',
      type: 'select',
      options: ['sales', 'support'],
    })
    expect(body).not.toHaveProperty('buffer_before_minutes')
    expect(body).not.toHaveProperty('user_id')
  })

  it.each([
    [
      'a date range that ends before it starts',
      { date_range: { start_date: '2027-04-10', end_date: '2027-04-01' } },
      'date_range.end_date',
    ],
    [
      'an impossible date in the range',
      { date_range: { start_date: '2027-02-29', end_date: '2027-04-01' } },
      'date_range.start_date',
    ],
    [
      'a select question without options',
      { questions: [{ id: 'q', label: 'Q', type: 'select', required: false }] },
      'questions[0].options',
    ],
    ['a zero duration', { duration_minutes: 0 }, 'duration_minutes'],
    [
      'an unknown question type',
      { questions: [{ id: 'q', label: 'Q', type: 'colour', required: false }] },
      'questions.0.type',
    ],
  ])('rejects %s with 400 naming the field', async (_case, extra, field) => {
    const host = await createHost(app)
    const res = await app.inject({
      method: 'POST',
      url: '/api/meeting-types',
      headers: bearer(host.apiKey),
      payload: { user_id: host.id, name: 'M', duration_minutes: 30, ...extra },
    })
    expect(res.statusCode, res.body).toBe(400)
    expect(res.json().message).toContain(field)
  })

  it('needs the key of user_id (or the admin token) to create one', async () => {
    const host = await createHost(app)
    const other = await createHost(app)
    const payload = { user_id: host.id, name: 'M', duration_minutes: 30 }
    expect(
      (await app.inject({ method: 'POST', url: '/api/meeting-types', payload })).statusCode,
    ).toBe(401)
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/api/meeting-types',
          headers: bearer(other.apiKey),
          payload,
        })
      ).statusCode,
    ).toBe(403)
    expect(
      (await app.inject({ method: 'POST', url: '/api/meeting-types', headers: admin, payload }))
        .statusCode,
    ).toBe(201)
    const unknownUser = await app.inject({
      method: 'POST',
      url: '/api/meeting-types',
      headers: admin,
      payload: { ...payload, user_id: '3f2b8c1e-6a4d-4f0e-9b7a-2c5d8e1f0a3b' },
    })
    expect(unknownUser.statusCode).toBe(404)
  })

  it('uses a fixed date range instead of the rolling window', async () => {
    const host = await createHost(app)
    const id = await createMeetingType(app, host, {
      date_range: { start_date: '2027-06-01', end_date: '2027-06-02' },
    })
    const inRange = await app.inject({
      url: `/api/availability/slots?meeting_type_id=${id}&start_date=2027-05-31&end_date=2027-06-03&timezone=America/New_York`,
    })
    expect(inRange.json().days.map((d: { slots: unknown[] }) => d.slots.length)).toEqual([
      0, 16, 16, 0,
    ])
  })
})
