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

// Inputs a review found reaching PostgreSQL errors (500s) before they were
// refused at validation: NUL characters in text, and years whose derived dates
// PostgreSQL cannot write.
describe('edge inputs answer 400, never 500', () => {
  let app: FastifyInstance
  let host: Host
  let mt: string
  beforeAll(async () => {
    app = await createTestApp()
    host = await createHost(app)
    mt = await createMeetingType(app, host)
  })
  afterAll(async () => app.close())

  it.each([
    ['invitee_name', { invitee_name: 'A\u0000B' }],
    ['invitee_email', { invitee_email: 'a\u0000@example.com' }],
    ['start_time', { start_time: '9999-12-29T10:00:00Z' }],
    ['start_time', { start_time: '0001-01-01T00:00:00Z' }],
  ])('a booking with a bad %s', async (field, extra) => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/bookings',
      payload: bookingBody(mt, '2027-03-02T14:00:00Z', extra),
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().message).toContain(field)
  })

  it('a slots query for year 9999', async () => {
    const res = await app.inject({
      url: `/api/availability/slots?meeting_type_id=${mt}&date=9999-12-29&timezone=UTC`,
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().error).toBe('VALIDATION_FAILED')
  })

  it('a user name with a NUL or a line break', async () => {
    for (const name of ['Grace\u0000Hopper', 'Grace\nHopper']) {
      const res = await app.inject({
        method: 'PATCH',
        url: `/api/users/${host.id}`,
        headers: bearer(host.apiKey),
        payload: { name },
      })
      expect(res.statusCode).toBe(400)
      expect(res.json().message).toContain('name')
    }
  })

  it('a cancel reason with a NUL', async () => {
    const slot = '2027-03-03T14:00:00Z'
    const booked = await app.inject({
      method: 'POST',
      url: '/api/bookings',
      payload: bookingBody(mt, slot),
    })
    expect(booked.statusCode).toBe(201)
    const token = new URL(booked.json().cancel_url).search
    const res = await app.inject({
      method: 'POST',
      url: `/api/bookings/${booked.json().id}/cancel${token}`,
      payload: { reason: 'x\u0000y' },
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().message).toContain('reason')
  })
})
