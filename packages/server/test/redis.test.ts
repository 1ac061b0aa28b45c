import type { FastifyInstance } from 'fastify'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  bookingBody,
  createHost,
  createMeetingType,
  createTestApp,
  newRedis,
  redisUrl,
} from './helpers'

// Skipped only when no redis-server exists locally; under CI the global setup fails instead.
describe.skipIf(!redisUrl())('two server instances on one database and one Redis', () => {
  let a: FastifyInstance
  let b: FastifyInstance
  let redisA: Redis
  let redisB: Redis
  beforeAll(async () => {
    redisA = newRedis()
    redisB = newRedis()
    a = await createTestApp({ redis: redisA, redisUrl: redisUrl() })
    b = await createTestApp({ redis: redisB, redisUrl: redisUrl() })
  })
  afterAll(async () => {
    await a.close()
    await b.close()
    redisA.disconnect()
    redisB.disconnect()
  })

  it('a slot booked through one disappears from the other at once', async () => {
    const host = await createHost(a)
    const mt = await createMeetingType(a, host)
    const url = `/api/availability/slots?meeting_type_id=${mt}&date=2027-03-02&timezone=America/New_York`
    const before = (await b.inject({ url })).json().slots as { start: string }[]
    expect((await b.inject({ url })).json().slots).toEqual(before) // now served from Redis
    expect(before[0]!.start).toBe('2027-03-02T09:00:00-05:00')
    const booked = await a.inject({
      method: 'POST',
      url: '/api/bookings',
      payload: bookingBody(mt, before[0]!.start),
    })
    expect(booked.statusCode).toBe(201)
    const after = (await b.inject({ url })).json().slots as { start: string }[]
    expect(after).toHaveLength(before.length - 1)
    expect(after.map((s) => s.start)).not.toContain('2027-03-02T09:00:00-05:00')
    // And a cancel through B frees it for A.
    const token = new URL(booked.json().cancel_url).search
    expect(
      (
        await b.inject({
          method: 'POST',
          url: `/api/bookings/${booked.json().id}/cancel${token}`,
          payload: {},
        })
      ).statusCode,
    ).toBe(200)
    expect((await a.inject({ url })).json().slots).toHaveLength(before.length)
  })

  it('a rule change through one is seen by the other at once', async () => {
    const host = await createHost(a)
    const mt = await createMeetingType(a, host)
    const url = `/api/availability/slots?meeting_type_id=${mt}&date=2027-03-02&timezone=UTC`
    expect((await b.inject({ url })).json().slots.length).toBeGreaterThan(0)
    const put = await a.inject({
      method: 'PUT',
      url: `/api/users/${host.id}/availability`,
      headers: { authorization: `Bearer ${host.apiKey}` },
      payload: { rules: [] },
    })
    expect(put.statusCode).toBe(200)
    expect((await b.inject({ url })).json().slots).toEqual([])
  })

  it('keys carry the format version and the host generation', async () => {
    const host = await createHost(a)
    const mt = await createMeetingType(a, host)
    await b.inject({
      url: `/api/availability/slots?meeting_type_id=${mt}&date=2027-03-03&timezone=UTC`,
    })
    const keys = await redisA.keys(`slotkit:v1:slots:{${host.id}}:*`)
    expect(keys.length).toBeGreaterThan(0)
    const generation = Number(await redisA.get(`slotkit:v1:gen:{${host.id}}`))
    expect(generation).toBeGreaterThan(0)
    for (const key of keys) expect(key.split(':')[4]).toBe(String(generation))
    const ttl = await redisA.pttl(keys[0]!)
    expect(ttl).toBeGreaterThan(0)
    expect(ttl).toBeLessThanOrEqual(5 * 60_000)
  })

  it('a lost generation counter never brings back a reply cached before a change', async () => {
    const host = await createHost(a)
    const mt = await createMeetingType(a, host)
    const url = `/api/availability/slots?meeting_type_id=${mt}&date=2027-03-04&timezone=UTC`
    const before = (await b.inject({ url })).json().slots as { start: string }[]
    expect(before.length).toBeGreaterThan(0)
    const booked = await a.inject({
      method: 'POST',
      url: '/api/bookings',
      payload: bookingBody(mt, before[0]!.start),
    })
    expect(booked.statusCode).toBe(201)
    // Redis evicts the counter (allkeys-lru, a flush of that key, a failover):
    // the reply cached before the booking must stay unreachable.
    await redisA.del(`slotkit:v1:gen:{${host.id}}`)
    const after = (await b.inject({ url })).json().slots as { start: string }[]
    expect(after.map((slot) => slot.start)).not.toContain(before[0]!.start)
    expect(await redisA.pttl(`slotkit:v1:gen:{${host.id}}`)).toBe(-1) // no expiry
  })

  it('rate-limits public endpoints per client address across instances', async () => {
    const limitedA = await createTestApp({
      redis: redisA,
      redisUrl: redisUrl(),
      rateLimitPerMinute: 3,
    })
    const limitedB = await createTestApp({
      redis: redisB,
      redisUrl: redisUrl(),
      rateLimitPerMinute: 3,
    })
    try {
      const host = await createHost(limitedA)
      const mt = await createMeetingType(limitedA, host)
      const url = `/api/meeting-types/${mt}`
      const remote = { remoteAddress: '203.0.113.7' }
      const statuses = []
      for (const app of [limitedA, limitedB, limitedA, limitedB])
        statuses.push((await app.inject({ url, ...remote })).statusCode)
      expect(statuses).toEqual([200, 200, 200, 429])
      const limited = await limitedA.inject({ url, ...remote })
      expect(limited.json().error).toBe('RATE_LIMITED')
      // Another address has its own budget; host endpoints are not limited.
      expect((await limitedA.inject({ url, remoteAddress: '203.0.113.8' })).statusCode).toBe(200)
    } finally {
      await limitedA.close()
      await limitedB.close()
    }
  })
})
