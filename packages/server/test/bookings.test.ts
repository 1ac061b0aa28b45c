import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDb, type Db } from '../src/db/database'
import {
  admin,
  bearer,
  bookingBody,
  createHost,
  createMeetingType,
  createTestApp,
  NOW,
  testConfig,
} from './helpers'

const book = (
  app: FastifyInstance,
  payload: Record<string, unknown>,
  headers: Record<string, string> = {},
) => app.inject({ method: 'POST', url: '/api/bookings', payload, headers })

describe('bookings API', () => {
  let app: FastifyInstance
  let db: Db
  beforeAll(async () => {
    app = await createTestApp()
    db = createDb({ connectionString: testConfig().databaseUrl! })
  })
  afterAll(async () => {
    await app.close()
    await db.destroy()
  })

  it('books a slot and answers with UTC times and the invitee links', async () => {
    const host = await createHost(app)
    const mt = await createMeetingType(app, host)
    const res = await book(
      app,
      bookingBody(mt, '2027-03-02T09:30:00-05:00', { invitee_timezone: 'Asia/Tokyo' }),
    )
    expect(res.statusCode, res.body).toBe(201)
    const booking = res.json()
    expect(booking).toMatchObject({
      status: 'confirmed',
      start_time: '2027-03-02T14:30:00Z',
      end_time: '2027-03-02T15:00:00Z',
      invitee_timezone: 'Asia/Tokyo',
      calendar_event_id: null,
      meeting_type_id: mt,
      user_id: host.id,
    })
    expect(booking.cancel_url).toMatch(
      new RegExp(`^http://slotkit\\.test/bookings/${booking.id}/cancel\\?token=[\\w-]+$`),
    )
    expect(booking.reschedule_url).toMatch(
      new RegExp(`^http://slotkit\\.test/bookings/${booking.id}/reschedule\\?token=[\\w-]+$`),
    )
    const page = await app.inject({
      url: new URL(booking.cancel_url).pathname + new URL(booking.cancel_url).search,
    })
    expect(page.statusCode).toBe(200)
    expect(page.headers['content-type']).toContain('text/html')
  })

  it('accepts any offset for the same instant', async () => {
    const host = await createHost(app)
    const mt = await createMeetingType(app, host)
    const res = await book(app, bookingBody(mt, '2027-03-03T00:00:00+09:00'))
    expect(res.statusCode, res.body).toBe(201)
    expect(res.json().start_time).toBe('2027-03-02T15:00:00Z')
  })

  describe('409 SLOT_UNAVAILABLE with core reason and alternatives', () => {
    it.each([
      ['OUTSIDE_AVAILABILITY', '2027-03-06T14:00:00Z', {}],
      ['MISALIGNED', '2027-03-02T14:10:00Z', {}],
      ['TOO_SOON', new Date(NOW + 30 * 60_000).toISOString(), { min_notice_minutes: 120 }],
      ['TOO_FAR', '2027-06-01T14:00:00Z', { max_days_ahead: 30 }],
    ])('%s', async (reason, start, extra) => {
      const host = await createHost(
        app,
        'UTC',
        [0, 1, 2, 3, 4, 5].map((d) => ({ day_of_week: d, start_time: '08:00', end_time: '18:00' })),
      )
      const mt = await createMeetingType(app, host, extra)
      const res = await book(app, bookingBody(mt, start))
      expect(res.statusCode, res.body).toBe(409)
      const body = res.json()
      expect(body).toMatchObject({ error: 'SLOT_UNAVAILABLE', reason })
      expect(body.message).toBeTruthy()
      expect(body.alternatives.length).toBeGreaterThan(0)
      expect(body.alternatives.length).toBeLessThanOrEqual(5)
      // In the invitee's zone (Europe/London is +00:00 in March).
      expect(body.alternatives[0].start).toMatch(/\+00:00$/)
    })

    it('LIMIT_REACHED after max_bookings_per_day', async () => {
      const host = await createHost(app)
      const mt = await createMeetingType(app, host, { max_bookings_per_day: 1 })
      expect((await book(app, bookingBody(mt, '2027-03-02T14:00:00Z'))).statusCode).toBe(201)
      const res = await book(app, bookingBody(mt, '2027-03-02T16:00:00Z'))
      expect(res.statusCode).toBe(409)
      expect(res.json().reason).toBe('LIMIT_REACHED')
      // The next open slots are on the next day.
      expect(res.json().alternatives[0].start).toBe('2027-03-03T14:00:00+00:00')
    })

    it('CONFLICT for a taken slot, with the next open slots after it', async () => {
      const host = await createHost(app)
      const mt = await createMeetingType(app, host)
      expect((await book(app, bookingBody(mt, '2027-03-02T14:00:00Z'))).statusCode).toBe(201)
      const res = await book(app, bookingBody(mt, '2027-03-02T14:00:00Z'))
      expect(res.statusCode).toBe(409)
      expect(res.json()).toMatchObject({ error: 'SLOT_UNAVAILABLE', reason: 'CONFLICT' })
      expect(res.json().alternatives).toEqual([
        { start: '2027-03-02T14:30:00+00:00', end: '2027-03-02T15:00:00+00:00' },
        { start: '2027-03-02T15:00:00+00:00', end: '2027-03-02T15:30:00+00:00' },
        { start: '2027-03-02T15:30:00+00:00', end: '2027-03-02T16:00:00+00:00' },
        { start: '2027-03-02T16:00:00+00:00', end: '2027-03-02T16:30:00+00:00' },
        { start: '2027-03-02T16:30:00+00:00', end: '2027-03-02T17:00:00+00:00' },
      ])
    })

    it('CONFLICT with a stored external busy time', async () => {
      const host = await createHost(app)
      const mt = await createMeetingType(app, host)
      await db
        .insertInto('externalBusy')
        .values({
          hostId: host.id,
          source: 'test',
          startsAt: new Date('2027-03-02T14:15:00Z'),
          endsAt: new Date('2027-03-02T14:45:00Z'),
        })
        .execute()
      const res = await book(app, bookingBody(mt, '2027-03-02T14:30:00Z'))
      expect(res.statusCode).toBe(409)
      expect(res.json().reason).toBe('CONFLICT')
      const slots = await app.inject({
        url: `/api/availability/slots?meeting_type_id=${mt}&date=2027-03-02&timezone=UTC`,
      })
      expect(slots.json().slots.map((s: { start: string }) => s.start)).not.toContain(
        '2027-03-02T14:30:00+00:00',
      )
    })
  })

  it.each([
    ['a bad e-mail', { invitee_email: 'nope' }, 'invitee_email'],
    [
      'an e-mail over 254 characters',
      { invitee_email: `${'a'.repeat(250)}@example.com` },
      'invitee_email',
    ],
    ['a name over 200 characters', { invitee_name: 'n'.repeat(201) }, 'invitee_name'],
    ['an unknown invitee zone', { invitee_timezone: 'Europe/Nowhere' }, 'invitee_timezone'],
    ['an impossible date', { start_time: '2027-02-30T14:00:00Z' }, 'start_time'],
    ['a time without offset', { start_time: '2027-03-02T14:00:00' }, 'start_time'],
    ['a length the meeting type does not offer', { duration_minutes: 45 }, 'duration_minutes'],
    ['answers over 10 KB', { answers: { notes: 'x'.repeat(10 * 1024) } }, 'answers'],
    ['an answer to an unknown question', { answers: { shoe_size: '42' } }, 'answers.shoe_size'],
    ['a missing required answer', { answers: {} }, 'answers.company'],
    [
      'a select answer outside its options',
      { answers: { company: 'ACME', plan: 'platinum' } },
      'answers.plan',
    ],
    ['an unknown field', { coupon: 'FREE' }, 'coupon'],
  ])('rejects %s with 400 naming the field', async (_case, extra, field) => {
    const host = await createHost(app)
    const mt = await createMeetingType(app, host, {
      questions: [
        { id: 'company', label: 'Company', type: 'text', required: true },
        { id: 'plan', label: 'Plan', type: 'select', required: false, options: ['free', 'pro'] },
        { id: 'notes', label: 'Notes', type: 'textarea', required: false },
      ],
    })
    const res = await book(
      app,
      bookingBody(mt, '2027-03-02T14:00:00Z', { answers: { company: 'ACME' }, ...extra }),
    )
    expect(res.statusCode, res.body).toBe(400)
    expect(res.json().message).toContain(field)
  })

  it('stores valid answers as given', async () => {
    const host = await createHost(app)
    const mt = await createMeetingType(app, host, {
      questions: [
        {
          id: 'company_size',
          label: 'Company size',
          type: 'select',
          required: true,
          options: ['1-10', '11-50'],
        },
        { id: 'agree', label: 'I agree', type: 'checkbox', required: true },
        { id: 'phone', label: 'Phone', type: 'phone', required: false },
      ],
    })
    const answers = { company_size: '11-50', agree: true, phone: '+44 20 7946 0958' }
    const res = await book(app, bookingBody(mt, '2027-03-02T14:00:00Z', { answers }))
    expect(res.statusCode, res.body).toBe(201)
    expect(res.json().answers).toEqual(answers)
  })

  it('answers malformed JSON and oversized bodies with 400 and 413', async () => {
    const bad = await app.inject({
      method: 'POST',
      url: '/api/bookings',
      headers: { 'content-type': 'application/json' },
      payload: '{"meeting_type_id":',
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().error).toBe('MALFORMED_JSON')
    const big = await app.inject({
      method: 'POST',
      url: '/api/bookings',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ junk: 'x'.repeat(400_000) }),
    })
    expect(big.statusCode).toBe(413)
  })

  describe('Idempotency-Key', () => {
    it('replays the same 201 for the same key and body, without a second booking', async () => {
      const host = await createHost(app)
      const mt = await createMeetingType(app, host)
      const body = bookingBody(mt, '2027-03-02T14:00:00Z')
      const first = await book(app, body, { 'idempotency-key': 'retry-1' })
      const second = await book(app, body, { 'idempotency-key': 'retry-1' })
      expect(first.statusCode).toBe(201)
      expect(second.statusCode).toBe(201)
      expect(second.json()).toEqual(first.json())
      expect(first.headers['idempotent-replayed']).toBeUndefined()
      expect(second.headers['idempotent-replayed']).toBe('true')
      const list = await app.inject({
        url: `/api/bookings?user_id=${host.id}`,
        headers: bearer(host.apiKey),
      })
      expect(list.json().bookings).toHaveLength(1)
    })

    it('replays the booking as it is now: a later reschedule shows, never a stale confirmation', async () => {
      const host = await createHost(app)
      const mt = await createMeetingType(app, host)
      const body = bookingBody(mt, '2027-03-02T14:00:00Z')
      const first = (await book(app, body, { 'idempotency-key': 'moved' })).json()
      const moved = await app.inject({
        method: 'POST',
        url: `/api/bookings/${first.id}/reschedule${new URL(first.cancel_url).search}`,
        payload: { start_time: '2027-03-02T16:00:00Z' },
      })
      expect(moved.statusCode).toBe(200)
      const replay = await book(app, body, { 'idempotency-key': 'moved' })
      expect(replay.statusCode).toBe(201)
      expect(replay.json()).toMatchObject({
        id: first.id,
        status: 'rescheduled',
        rescheduled_to_id: moved.json().id,
        cancel_url: first.cancel_url,
      })
    })

    it('answers 422 IDEMPOTENCY_KEY_REUSED for the same key with another body', async () => {
      const host = await createHost(app)
      const mt = await createMeetingType(app, host)
      expect(
        (await book(app, bookingBody(mt, '2027-03-02T14:00:00Z'), { 'idempotency-key': 'k' }))
          .statusCode,
      ).toBe(201)
      const other = await book(app, bookingBody(mt, '2027-03-02T15:00:00Z'), {
        'idempotency-key': 'k',
      })
      expect(other.statusCode).toBe(422)
      expect(other.json().error).toBe('IDEMPOTENCY_KEY_REUSED')
    })
  })

  it('lets the host (key) and the invitee (token) read a booking, nobody else', async () => {
    const host = await createHost(app)
    const other = await createHost(app)
    const mt = await createMeetingType(app, host)
    const created = (await book(app, bookingBody(mt, '2027-03-02T14:00:00Z'))).json()
    const token = new URL(created.cancel_url).searchParams.get('token')
    const byToken = await app.inject({ url: `/api/bookings/${created.id}?token=${token}` })
    expect(byToken.statusCode).toBe(200)
    expect(byToken.json().cancel_url).toBe(created.cancel_url)
    const byHost = await app.inject({
      url: `/api/bookings/${created.id}`,
      headers: bearer(host.apiKey),
    })
    expect(byHost.statusCode).toBe(200)
    expect(byHost.json()).not.toHaveProperty('cancel_url')
    expect(
      (await app.inject({ url: `/api/bookings/${created.id}`, headers: bearer(other.apiKey) }))
        .statusCode,
    ).toBe(403)
    expect((await app.inject({ url: `/api/bookings/${created.id}?token=wrong` })).statusCode).toBe(
      404,
    )
    expect((await app.inject({ url: `/api/bookings/${created.id}` })).statusCode).toBe(401)
    expect(
      (
        await app.inject({
          url: '/api/bookings/3f2b8c1e-6a4d-4f0e-9b7a-2c5d8e1f0a3b',
          headers: admin,
        })
      ).statusCode,
    ).toBe(404)
  })

  it('lists a host’s bookings in [from, to) page by page', async () => {
    const host = await createHost(app)
    const mt = await createMeetingType(app, host)
    for (const start of [
      '2027-03-02T14:00:00Z',
      '2027-03-02T15:00:00Z',
      '2027-03-03T14:00:00Z',
      '2027-03-04T14:00:00Z',
    ]) {
      expect((await book(app, bookingBody(mt, start))).statusCode).toBe(201)
    }
    const url = `/api/bookings?user_id=${host.id}&from=2027-03-02T00:00:00Z&to=2027-03-04T00:00:00Z&limit=2`
    const page1 = await app.inject({ url, headers: bearer(host.apiKey) })
    expect(page1.statusCode).toBe(200)
    expect(page1.json().bookings.map((b: { start_time: string }) => b.start_time)).toEqual([
      '2027-03-02T14:00:00Z',
      '2027-03-02T15:00:00Z',
    ])
    expect(page1.json().next_cursor).toBeTruthy()
    const page2 = await app.inject({
      url: `${url}&cursor=${page1.json().next_cursor}`,
      headers: bearer(host.apiKey),
    })
    expect(page2.json().bookings.map((b: { start_time: string }) => b.start_time)).toEqual([
      '2027-03-03T14:00:00Z',
    ])
    expect(page2.json().next_cursor).toBeNull()
    const other = await createHost(app)
    expect((await app.inject({ url, headers: bearer(other.apiKey) })).statusCode).toBe(403)
    expect((await app.inject({ url })).statusCode).toBe(401)
    const badCursor = await app.inject({ url: `${url}&cursor=zzz`, headers: bearer(host.apiKey) })
    expect(badCursor.statusCode).toBe(400)
  })

  it('cancels by token; the slot opens again and a second cancel is 409', async () => {
    const host = await createHost(app)
    const mt = await createMeetingType(app, host)
    const slotsUrl = `/api/availability/slots?meeting_type_id=${mt}&date=2027-03-02&timezone=UTC`
    const before = (await app.inject({ url: slotsUrl })).json().slots.length
    const created = (await book(app, bookingBody(mt, '2027-03-02T14:00:00Z'))).json()
    expect((await app.inject({ url: slotsUrl })).json().slots.length).toBe(before - 1)
    const cancelUrl = new URL(created.cancel_url)
    const cancel = await app.inject({
      method: 'POST',
      url: `/api/bookings/${created.id}/cancel${cancelUrl.search}`,
      payload: { reason: 'Sick' },
    })
    expect(cancel.statusCode, cancel.body).toBe(200)
    expect(cancel.json()).toMatchObject({ status: 'cancelled', cancel_reason: 'Sick', version: 2 })
    expect((await app.inject({ url: slotsUrl })).json().slots.length).toBe(before)
    const again = await app.inject({
      method: 'POST',
      url: `/api/bookings/${created.id}/cancel${cancelUrl.search}`,
    })
    expect(again.statusCode).toBe(409)
    expect(again.json().error).toBe('BOOKING_NOT_ACTIVE')
    const noAuth = await app.inject({
      method: 'POST',
      url: `/api/bookings/${created.id}/cancel`,
      payload: {},
    })
    expect(noAuth.statusCode).toBe(401)
  })

  it('reschedules atomically: new slot taken, old released; a taken target changes nothing', async () => {
    const host = await createHost(app)
    const mt = await createMeetingType(app, host, { slot_interval_minutes: 15 })
    const a = (await book(app, bookingBody(mt, '2027-03-02T14:00:00Z'))).json()
    const b = (await book(app, bookingBody(mt, '2027-03-02T16:00:00Z'))).json()
    // Onto a slot overlapping its own old time: allowed, the old one is released in the same transaction.
    const moved = await app.inject({
      method: 'POST',
      url: `/api/bookings/${a.id}/reschedule`,
      headers: bearer(host.apiKey),
      payload: { start_time: '2027-03-02T14:15:00Z' },
    })
    expect(moved.statusCode, moved.body).toBe(200)
    const next = moved.json()
    expect(next).toMatchObject({
      status: 'confirmed',
      start_time: '2027-03-02T14:15:00Z',
      rescheduled_from_id: a.id,
    })
    const old = (
      await app.inject({ url: `/api/bookings/${a.id}`, headers: bearer(host.apiKey) })
    ).json()
    expect(old).toMatchObject({ status: 'rescheduled', rescheduled_to_id: next.id })
    // Onto b's time: 409 and both bookings stay as they were.
    const taken = await app.inject({
      method: 'POST',
      url: `/api/bookings/${next.id}/reschedule`,
      headers: bearer(host.apiKey),
      payload: { start_time: '2027-03-02T16:15:00Z' },
    })
    expect(taken.statusCode).toBe(409)
    expect(taken.json()).toMatchObject({ error: 'SLOT_UNAVAILABLE', reason: 'CONFLICT' })
    expect(
      (await app.inject({ url: `/api/bookings/${next.id}`, headers: bearer(host.apiKey) })).json()
        .status,
    ).toBe('confirmed')
    expect(
      (await app.inject({ url: `/api/bookings/${b.id}`, headers: bearer(host.apiKey) })).json()
        .status,
    ).toBe('confirmed')
    // By the invitee's token, with new links for the new booking.
    expect(next).not.toHaveProperty('reschedule_url')
    const byToken = await app.inject({
      method: 'POST',
      url: `/api/bookings/${b.id}/reschedule${new URL(b.reschedule_url).search}`,
      payload: { start_time: '2027-03-03T14:00:00Z' },
    })
    expect(byToken.statusCode).toBe(200)
    expect(byToken.json().reschedule_url).toContain(byToken.json().id)
  })

  it('holds the exclusion constraint even for writes that bypass the service (layer 1)', async () => {
    const host = await createHost(app)
    const mt = await createMeetingType(app, host)
    await book(app, bookingBody(mt, '2027-03-02T14:00:00Z'))
    const insert = db
      .insertInto('bookings')
      .values({
        hostId: host.id,
        meetingTypeId: mt,
        status: 'confirmed',
        startsAt: new Date('2027-03-02T14:15:00Z'),
        endsAt: new Date('2027-03-02T14:45:00Z'),
        bufferBeforeMinutes: 0,
        bufferAfterMinutes: 0,
        blocked: '[2027-03-02T14:15:00Z,2027-03-02T14:45:00Z)',
        inviteeName: 'X',
        inviteeEmail: 'x@example.com',
        inviteeTimeZone: 'UTC',
        answers: '{}',
        tokenHash: 'x',
      })
      .execute()
    await expect(insert).rejects.toMatchObject({ code: '23P01' })
  })
})
