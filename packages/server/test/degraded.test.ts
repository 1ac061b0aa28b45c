import { Redis } from 'ioredis'
import { describe, expect, it } from 'vitest'
import { freePort } from '../src/db/embedded-postgres'
import { bookingBody, createHost, createMeetingType, createTestApp } from './helpers'

describe('when a dependency is down', () => {
  it('serves slots and takes bookings without Redis (cache and rate-limit store unreachable)', async () => {
    const port = await freePort()
    const redis = new Redis({
      port,
      host: '127.0.0.1',
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    })
    redis.on('error', () => {})
    const app = await createTestApp({ redis, rateLimitPerMinute: 100 })
    try {
      const host = await createHost(app)
      const mt = await createMeetingType(app, host)
      const url = `/api/availability/slots?meeting_type_id=${mt}&date=2027-03-02&timezone=UTC`
      const slots = await app.inject({ url })
      expect(slots.statusCode, slots.body).toBe(200)
      expect(slots.json().slots.length).toBeGreaterThan(0)
      const booked = await app.inject({
        method: 'POST',
        url: '/api/bookings',
        payload: bookingBody(mt, '2027-03-02T14:00:00Z'),
      })
      expect(booked.statusCode, booked.body).toBe(201)
      // Without the cache the answer is computed fresh, so the booked slot is gone at once.
      expect(
        (await app.inject({ url })).json().slots.map((s: { start: string }) => s.start),
      ).not.toContain('2027-03-02T14:00:00+00:00')
    } finally {
      await app.close()
      redis.disconnect()
    }
  })

  it('answers 503 SERVICE_UNAVAILABLE (not 500) when PostgreSQL is unreachable', async () => {
    const port = await freePort()
    const app = await createTestApp({ databaseUrl: `postgres://nobody:x@127.0.0.1:${port}/none` })
    try {
      const ready = await app.inject({ url: '/readyz' })
      expect(ready.statusCode).toBe(503)
      const res = await app.inject({
        url: '/api/meeting-types/3f2b8c1e-6a4d-4f0e-9b7a-2c5d8e1f0a3b',
      })
      expect(res.statusCode).toBe(503)
      expect(res.json().error).toBe('SERVICE_UNAVAILABLE')
      expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200)
    } finally {
      await app.close()
    }
  })
})
