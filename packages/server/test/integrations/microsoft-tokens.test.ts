// Microsoft tokens and faults: refresh-token rotation, 401 → one refresh, invalid_grant →
// disconnected, and Graph throttling (Retry-After on 429/503/504) through the real client.
import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Db } from '../../src/db/database'
import { findIntegration } from '../../src/db/repositories/integrations.repository'
import { createSecretBox } from '../../src/integrations/calendar/secret-box'
import { openCredentials } from '../../src/integrations/calendar/token-store'
import { type GraphFake, startGraphFake } from '../fakes/graph-fake'
import { bearer, bookingBody, createHost, createMeetingType, type Host } from '../helpers'
import {
  connectMicrosoft,
  integrationOf,
  openDb,
  slotStarts,
  startCalendarApp,
  syncNow,
  testClock,
} from './harness'

/** Access tokens last 3599 s; 56 minutes on, one is within the 5 minutes of refresh-ahead. */
const NEAR_EXPIRY_MS = 56 * 60_000

let fake: GraphFake
let app: FastifyInstance
let db: Db
const clock = testClock()
const box = createSecretBox(randomBytes(32))
let n = 0

async function connected(): Promise<{
  host: Host
  account: string
  calendarId: string
  id: string
}> {
  n += 1
  const account = `tok${n}-${Date.now()}@contoso.example`
  const { calendarId } = fake.addAccount(account)
  const host = await createHost(app, 'UTC')
  const done = await connectMicrosoft(app, fake, host, account)
  if (done.status !== 200) throw new Error(`connect: ${done.status} ${done.body}`)
  return { host, account, calendarId, id: await integrationOf(app, host) }
}

async function storedRefreshToken(id: string): Promise<string | undefined> {
  return openCredentials(box, (await findIntegration(db, id))!).refreshToken
}

beforeAll(async () => {
  fake = await startGraphFake({ tls: inject('testTls') })
  app = await startCalendarApp({ graph: fake, clock, box })
  db = openDb()
})

afterAll(async () => {
  await app.close()
  await fake.close()
  await db.destroy()
})

describe('Microsoft tokens', () => {
  it('a refresh stores the rotated refresh token, and the next refresh uses it', async () => {
    const { host, id } = await connected()
    const first = await storedRefreshToken(id)
    expect(first).toEqual(expect.any(String))
    let shifted = 0
    try {
      clock.now += NEAR_EXPIRY_MS
      shifted += NEAR_EXPIRY_MS
      expect((await syncNow(app, host, id)).status).toBe('synced')
      const rotation = fake.refreshes.at(-1)!
      expect(rotation.used).toBe(first)
      expect(rotation.issued).not.toBe(first)
      expect(await storedRefreshToken(id)).toBe(rotation.issued)

      clock.now += NEAR_EXPIRY_MS
      shifted += NEAR_EXPIRY_MS
      expect((await syncNow(app, host, id)).status).toBe('synced')
      // The second refresh sent the token the first one issued: the old one was dropped.
      expect(fake.refreshes.at(-1)!.used).toBe(rotation.issued)
      expect(await storedRefreshToken(id)).toBe(fake.refreshes.at(-1)!.issued)
    } finally {
      clock.now -= shifted
    }
  })

  it('a 401 InvalidAuthenticationToken refreshes once and retries once', async () => {
    const { host, id } = await connected()
    fake.expireAccessTokens()
    const [refreshes, deltas] = [fake.count('token.refresh'), fake.count('delta')]
    expect((await syncNow(app, host, id)).status).toBe('synced')
    expect(fake.count('token.refresh')).toBe(refreshes + 1)
    expect(fake.count('delta')).toBe(deltas + 2)
  })

  it('invalid_grant disconnects the integration: no retry loop, tokens dropped, stored busy times kept', async () => {
    const { host, account, calendarId, id } = await connected()
    const mt = await createMeetingType(app, host)
    fake.upsertEvent(account, calendarId, {
      start: '2027-03-02T10:00:00Z',
      end: '2027-03-02T11:00:00Z',
    })
    expect((await syncNow(app, host, id)).status).toBe('synced')
    fake.revokeGrants(account)
    clock.now += NEAR_EXPIRY_MS
    try {
      const refreshes = fake.count('token.refresh')
      const result = await syncNow(app, host, id)
      expect(result.status).toBe('disconnected')
      expect(result.error).toContain(
        'microsoft token refresh: HTTP 400 invalid_grant (AADSTS70008)',
      )
      expect(result.error).toContain('reconnect the account')
      expect(fake.count('token.refresh')).toBe(refreshes + 1)
      // Nothing usable stays stored, and the next sync asks Microsoft nothing.
      expect(openCredentials(box, (await findIntegration(db, id))!)).toEqual({})
      const calls = fake.count('token.refresh') + fake.count('delta')
      expect((await syncNow(app, host, id)).status).toBe('disconnected')
      expect(fake.count('token.refresh') + fake.count('delta')).toBe(calls)
      // Its busy time still blocks; bookings keep working.
      expect(await slotStarts(app, mt, '2027-03-02')).not.toContain('2027-03-02T10:00:00+00:00')
      const booked = await app.inject({
        method: 'POST',
        url: '/api/bookings',
        payload: bookingBody(mt, '2027-03-02T13:00:00Z'),
      })
      expect(booked.statusCode).toBe(201)
    } finally {
      clock.now -= NEAR_EXPIRY_MS
    }
    // Reconnecting brings the same integration back.
    await connectMicrosoft(app, fake, host, account)
    const again = (
      await app.inject({ url: '/api/integrations', headers: bearer(host.apiKey) })
    ).json().integrations[0]
    expect(again).toMatchObject({ id, status: 'active', last_error: null })
  })
})

describe('Graph throttling', () => {
  it('a 429 with a short Retry-After is waited out and retried inside the call', async () => {
    const { host, id } = await connected()
    fake.failNext('delta', 1, { status: 429, retryAfter: 0 })
    const deltas = fake.count('delta')
    expect((await syncNow(app, host, id)).status).toBe('synced')
    expect(fake.count('delta')).toBe(deltas + 2)
  })

  it.each([503, 504])('a %i with Retry-After is retried the same way', async (status) => {
    const { host, id } = await connected()
    fake.failNext('delta', 2, { status, retryAfter: 0 })
    const deltas = fake.count('delta')
    expect((await syncNow(app, host, id)).status).toBe('synced')
    expect(fake.count('delta')).toBe(deltas + 3)
  })

  it('a 429 with a long Retry-After fails the sync at once and backs off at least that long', async () => {
    const { host, id } = await connected()
    fake.failNext('delta', 1, { status: 429, retryAfter: 600 })
    const deltas = fake.count('delta')
    const result = await syncNow(app, host, id)
    expect(result).toMatchObject({
      status: 'failed',
      error: 'microsoft calendarView.delta: HTTP 429 TooManyRequests',
    })
    expect(fake.count('delta')).toBe(deltas + 1)
    expect(Date.parse(result.next_attempt_at!)).toBeGreaterThanOrEqual(clock.now + 600_000)
  })

  it('a Graph outage beyond the client’s retries fails the sync as unavailable, with backoff', async () => {
    const { host, id } = await connected()
    // The RetryHandler tries 3 more times; the fourth answer is the last.
    fake.failNext('delta', 4, { status: 503, retryAfter: 0 })
    const deltas = fake.count('delta')
    const result = await syncNow(app, host, id)
    expect(result).toMatchObject({
      status: 'failed',
      error: 'microsoft calendarView.delta: HTTP 503 ServiceUnavailable',
    })
    expect(fake.count('delta')).toBe(deltas + 4)
    expect(result.next_attempt_at).not.toBeNull()
  })
})
