import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  admin,
  bearer,
  bookingBody,
  createHost,
  createMeetingType,
  createTestApp,
  type Host,
  NOW,
} from './helpers'

// Issue 10: an invitee's link must not cancel or move a meeting that has already
// started (a cancel fires booking.cancelled webhooks that billing systems act on).
describe('invitee links of a booking that has started', () => {
  let app: FastifyInstance
  let host: Host
  let mt: string
  // The app's injected clock: moved forward past a booking's start within a test.
  let clock = NOW
  beforeAll(async () => {
    app = await createTestApp({ now: () => clock })
    host = await createHost(app)
    mt = await createMeetingType(app, host, { max_days_ahead: 365 })
  })
  afterAll(async () => app.close())

  /** Books `startTime` at NOW and returns the booking with its links. */
  async function book(startTime: string) {
    clock = NOW
    const res = await app.inject({
      method: 'POST',
      url: '/api/bookings',
      payload: bookingBody(mt, startTime),
    })
    expect(res.statusCode, res.body).toBe(201)
    return res.json() as { id: string; cancel_url: string; reschedule_url: string }
  }
  const search = (link: string) => new URL(link).search

  it('refuses the invitee cancel with 409 BOOKING_IN_PAST from the start time on', async () => {
    const booking = await book('2027-03-02T14:00:00Z')
    clock = Date.parse('2027-03-02T14:00:00Z')
    const res = await app.inject({
      method: 'POST',
      url: `/api/bookings/${booking.id}/cancel${search(booking.cancel_url)}`,
      payload: { reason: 'too late' },
    })
    expect(res.statusCode).toBe(409)
    expect(res.json()).toMatchObject({ error: 'BOOKING_IN_PAST' })
    expect(res.json().message).toMatch(/started/)
    // Nothing changed: the booking is still confirmed at version 1.
    const got = await app.inject({
      url: `/api/bookings/${booking.id}`,
      headers: bearer(host.apiKey),
    })
    expect(got.json()).toMatchObject({ status: 'confirmed', version: 1 })
  })

  it('refuses the invitee reschedule of a meeting that has ended', async () => {
    const booking = await book('2027-03-02T15:00:00Z')
    clock = Date.parse('2027-03-02T16:00:00Z')
    const res = await app.inject({
      method: 'POST',
      url: `/api/bookings/${booking.id}/reschedule${search(booking.reschedule_url)}`,
      payload: { start_time: '2027-03-09T15:00:00Z' },
    })
    expect(res.statusCode).toBe(409)
    expect(res.json().error).toBe('BOOKING_IN_PAST')
  })

  it('still lets the invitee cancel a minute before the start', async () => {
    const booking = await book('2027-03-03T14:00:00Z')
    clock = Date.parse('2027-03-03T13:59:00Z')
    const res = await app.inject({
      method: 'POST',
      url: `/api/bookings/${booking.id}/cancel${search(booking.cancel_url)}`,
      payload: {},
    })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json().status).toBe('cancelled')
  })

  it("lets the host's key and the admin token cancel a booking that has started", async () => {
    const first = await book('2027-03-04T14:00:00Z')
    const second = await book('2027-03-04T15:00:00Z')
    clock = Date.parse('2027-03-05T09:00:00Z')
    const byHost = await app.inject({
      method: 'POST',
      url: `/api/bookings/${first.id}/cancel`,
      headers: bearer(host.apiKey),
      payload: { reason: 'no-show' },
    })
    expect(byHost.statusCode, byHost.body).toBe(200)
    expect(byHost.json()).toMatchObject({ status: 'cancelled', cancel_reason: 'no-show' })
    const byAdmin = await app.inject({
      method: 'POST',
      url: `/api/bookings/${second.id}/cancel`,
      headers: admin,
      payload: {},
    })
    expect(byAdmin.statusCode, byAdmin.body).toBe(200)
  })

  it("lets the host's key reschedule a booking that has started", async () => {
    const booking = await book('2027-03-08T14:00:00Z')
    clock = Date.parse('2027-03-08T14:10:00Z')
    const res = await app.inject({
      method: 'POST',
      url: `/api/bookings/${booking.id}/reschedule`,
      headers: bearer(host.apiKey),
      payload: { start_time: '2027-03-09T14:00:00Z' },
    })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({ status: 'confirmed', start_time: '2027-03-09T14:00:00Z' })
  })
})
