import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  bearer,
  bookingBody,
  createHost,
  createMeetingType,
  createTestApp,
  type Host,
} from './helpers'

// Reschedule reads the meeting type under the host lock, as booking does.
describe('reschedule after the host edits the meeting type', () => {
  let app: FastifyInstance
  let host: Host
  beforeAll(async () => {
    app = await createTestApp()
    host = await createHost(app)
  })
  afterAll(async () => app.close())

  async function book(mt: string, start: string) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/bookings',
      payload: bookingBody(mt, start),
    })
    expect(res.statusCode).toBe(201)
    return { id: res.json().id as string, token: new URL(res.json().reschedule_url).search }
  }

  it('keeps the booking its own length when the type now has another', async () => {
    const mt = await createMeetingType(app, host)
    const booking = await book(mt, '2027-03-02T14:00:00Z')
    const patched = await app.inject({
      method: 'PATCH',
      url: `/api/meeting-types/${mt}`,
      headers: bearer(host.apiKey),
      payload: { duration_minutes: 45 },
    })
    expect(patched.statusCode).toBe(200)
    const moved = await app.inject({
      method: 'POST',
      url: `/api/bookings/${booking.id}/reschedule${booking.token}`,
      payload: { start_time: '2027-03-03T15:00:00Z' },
    })
    expect(moved.statusCode).toBe(200)
    expect(moved.json()).toMatchObject({
      start_time: '2027-03-03T15:00:00Z',
      end_time: '2027-03-03T15:30:00Z',
      duration_minutes: 30,
    })
  })

  it('refuses to move a booking into a deactivated meeting type', async () => {
    const mt = await createMeetingType(app, host)
    const booking = await book(mt, '2027-03-04T14:00:00Z')
    const removed = await app.inject({
      method: 'DELETE',
      url: `/api/meeting-types/${mt}`,
      headers: bearer(host.apiKey),
    })
    expect(removed.statusCode).toBeLessThan(300)
    const moved = await app.inject({
      method: 'POST',
      url: `/api/bookings/${booking.id}/reschedule${booking.token}`,
      payload: { start_time: '2027-03-05T15:00:00Z' },
    })
    expect(moved.statusCode).toBe(404)
    // The invitee can still cancel it.
    const cancelled = await app.inject({
      method: 'POST',
      url: `/api/bookings/${booking.id}/cancel${booking.token}`,
      payload: {},
    })
    expect(cancelled.statusCode).toBe(200)
  })

  it('applies a cancel only at the version the caller last saw', async () => {
    const mt = await createMeetingType(app, host)
    const booking = await book(mt, '2027-03-08T14:00:00Z')
    // A caller whose view is not the booking's current version (here 2, as if the
    // booking had changed since) changes nothing; the current version applies.
    const seen = await app.inject({
      url: `/api/bookings/${booking.id}`,
      headers: bearer(host.apiKey),
    })
    expect(seen.json().version).toBe(1)
    const bumped = await app.inject({
      method: 'POST',
      url: `/api/bookings/${booking.id}/cancel${booking.token}`,
      payload: { version: 2 },
    })
    expect(bumped.statusCode).toBe(409)
    expect(bumped.json().error).toBe('CONCURRENT_MODIFICATION')
    const still = await app.inject({
      url: `/api/bookings/${booking.id}`,
      headers: bearer(host.apiKey),
    })
    expect(still.json().status).toBe('confirmed')
    const ok = await app.inject({
      method: 'POST',
      url: `/api/bookings/${booking.id}/cancel`,
      headers: bearer(host.apiKey),
      payload: { version: 1 },
    })
    expect(ok.statusCode).toBe(200)
    expect(ok.json().status).toBe('cancelled')
  })
})
