import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app'
import type { BookingEvent } from '../src/services/deps'
import { sha256 } from '../src/services/tokens'
import {
  ADMIN_TOKEN,
  bearer,
  bookingBody,
  createHost,
  createMeetingType,
  NOW,
  SECRET_KEY,
  testConfig,
} from './helpers'
import { recordUndocumentedReply } from './undocumented-replies'

describe('booking events run inside the booking transaction', () => {
  let app: FastifyInstance
  const events: BookingEvent['type'][] = []
  let failNext = false
  beforeAll(async () => {
    app = await buildApp(testConfig(), {
      adminTokenHash: sha256(ADMIN_TOKEN),
      secretKey: SECRET_KEY,
      now: () => NOW,
      onBookingEvent: async (trx, event) => {
        // A statement on the transaction, as pg-boss `send` with `db: trx` would issue.
        await sql`SELECT 1`.execute(trx)
        if (failNext) {
          failNext = false
          throw new Error('queue unavailable')
        }
        events.push(event.type)
      },
      onUndocumentedReply: recordUndocumentedReply,
    })
  })
  afterAll(async () => app.close())

  it('reports create, reschedule and cancel', async () => {
    const host = await createHost(app)
    const mt = await createMeetingType(app, host)
    const created = (
      await app.inject({
        method: 'POST',
        url: '/api/bookings',
        payload: bookingBody(mt, '2027-03-02T14:00:00Z'),
      })
    ).json()
    const moved = await app.inject({
      method: 'POST',
      url: `/api/bookings/${created.id}/reschedule`,
      headers: bearer(host.apiKey),
      payload: { start_time: '2027-03-02T15:00:00Z' },
    })
    expect(moved.statusCode).toBe(200)
    const cancelled = await app.inject({
      method: 'POST',
      url: `/api/bookings/${moved.json().id}/cancel`,
      headers: bearer(host.apiKey),
    })
    expect(cancelled.statusCode).toBe(200)
    expect(events).toEqual(['booking.created', 'booking.rescheduled', 'booking.cancelled'])
  })

  it('rolls the booking back when enqueueing fails (no booking without its jobs)', async () => {
    const host = await createHost(app)
    const mt = await createMeetingType(app, host)
    failNext = true
    const res = await app.inject({
      method: 'POST',
      url: '/api/bookings',
      payload: bookingBody(mt, '2027-03-02T14:00:00Z'),
    })
    expect(res.statusCode).toBe(500)
    expect(res.json()).toEqual({ error: 'INTERNAL', message: 'Internal server error' })
    const list = await app.inject({
      url: `/api/bookings?user_id=${host.id}`,
      headers: bearer(host.apiKey),
    })
    expect(list.json().bookings).toEqual([])
    // The slot is still free.
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/api/bookings',
          payload: bookingBody(mt, '2027-03-02T14:00:00Z'),
        })
      ).statusCode,
    ).toBe(201)
  })
})
