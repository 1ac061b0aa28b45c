import { Writable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../src/db/database'
import { type GoogleFake, startGoogleFake } from '../fakes/google-fake'
import { createHost, createMeetingType, type Host } from '../helpers'
import {
  connectGoogle,
  dropSchema,
  integrationOf,
  openDb,
  slotStarts,
  startGoogleApp,
  syncNow,
  testClock,
  until,
} from './harness'

let fake: GoogleFake
let db: Db
const clock = testClock()
let n = 0
const logLines: Record<string, unknown>[] = []
const logStream = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split('\n'))
      if (line.trim()) logLines.push(JSON.parse(line))
    done()
  },
})

async function connected(
  app: FastifyInstance,
): Promise<{ host: Host; mt: string; account: string; id: string }> {
  n += 1
  const account = `fault${n}-${Date.now()}@example.com`
  fake.addAccount(account)
  const host = await createHost(app, 'UTC')
  const mt = await createMeetingType(app, host)
  await connectGoogle(app, fake, host, account)
  return { host, mt, account, id: await integrationOf(app, host) }
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z')
}

beforeAll(async () => {
  fake = await startGoogleFake()
  db = openDb()
})

afterAll(async () => {
  await fake.close()
  await db.destroy()
})

describe('rate limits and backoff', () => {
  let app: FastifyInstance
  beforeAll(async () => {
    app = await startGoogleApp({ fake, clock, log: { stream: logStream, level: 'info' } })
  })
  afterAll(async () => {
    await app.close()
  })

  it('429 with Retry-After: one request, then no more until Retry-After has passed', async () => {
    const { host, id } = await connected(app)
    fake.failNext('events.list', 1, { status: 429, retryAfter: 300 })
    const lists = fake.count('events.list')
    const failed = await syncNow(app, host, id)
    expect(failed).toMatchObject({
      status: 'failed',
      error: 'google events.list: HTTP 429 rateLimitExceeded',
      // Retry-After (300 s) beats the first backoff step (60 s).
      next_attempt_at: iso(clock.now + 300_000),
    })
    expect(fake.count('events.list')).toBe(lists + 1)
    // No hammering: later syncs wait for the backoff without calling Google.
    for (let i = 0; i < 3; i++) {
      expect((await syncNow(app, host, id)).status).toBe('deferred')
    }
    clock.now += 200_000
    expect((await syncNow(app, host, id)).status).toBe('deferred')
    expect(fake.count('events.list')).toBe(lists + 1)
    clock.now += 100_000
    try {
      expect((await syncNow(app, host, id)).status).toBe('synced')
    } finally {
      clock.now -= 300_000
    }
    // The failure is logged with the integration, the provider and the reason.
    expect(logLines).toContainEqual(
      expect.objectContaining({
        msg: 'calendar sync failed',
        integrationId: id,
        provider: 'google',
        reason: 'rate-limited',
        status: 429,
      }),
    )
  })

  it('backs off exponentially from 60 s without Retry-After, also on a 403 rate limit', async () => {
    const { host, id } = await connected(app)
    const start = clock.now
    try {
      fake.failNext('events.list', 1, { status: 403, reason: 'userRateLimitExceeded' })
      expect(await syncNow(app, host, id)).toMatchObject({
        status: 'failed',
        error: 'google events.list: HTTP 403 userRateLimitExceeded',
        next_attempt_at: iso(start + 60_000),
      })
      clock.now = start + 60_000
      fake.failNext('events.list', 1, { status: 429 })
      expect(await syncNow(app, host, id)).toMatchObject({
        status: 'failed',
        next_attempt_at: iso(start + 60_000 + 120_000),
      })
      const listed = (
        await app.inject({
          url: '/api/integrations',
          headers: { authorization: `Bearer ${host.apiKey}` },
        })
      ).json().integrations[0]
      expect(listed).toMatchObject({
        status: 'error',
        last_error: 'google events.list: HTTP 429 rateLimitExceeded',
      })
      clock.now = start + 180_000
      expect((await syncNow(app, host, id)).status).toBe('synced')
    } finally {
      clock.now = start
    }
  })
})

describe('circuit breaker', () => {
  it('opens after failures across accounts, answers from stored busy times, and closes after a good trial', async () => {
    const app = await startGoogleApp({ fake, clock, breaker: { threshold: 2, openMs: 60_000 } })
    const start = clock.now
    try {
      const a = await connected(app)
      const b = await connected(app)
      const c = await connected(app)
      fake.upsertEvent(c.account, c.account, {
        start: { dateTime: '2027-03-02T10:00:00Z' },
        end: { dateTime: '2027-03-02T11:00:00Z' },
      })
      expect((await syncNow(app, c.host, c.id)).status).toBe('synced')
      fake.failNext('events.list', 2, { status: 503 })
      expect((await syncNow(app, a.host, a.id)).status).toBe('failed')
      expect((await syncNow(app, b.host, b.id)).status).toBe('failed')
      const lists = fake.count('events.list')
      const deferred = await syncNow(app, c.host, c.id)
      expect(deferred.status).toBe('deferred')
      expect(deferred.error).toMatch(/circuit breaker is open/)
      expect(fake.count('events.list')).toBe(lists)
      // Slots still come, from the busy times stored before.
      expect(await slotStarts(app, c.mt, '2027-03-02')).not.toContain('2027-03-02T10:00:00+00:00')
      clock.now = start + 61_000
      expect((await syncNow(app, c.host, c.id)).status).toBe('synced')
      expect((await syncNow(app, c.host, c.id)).status).toBe('synced')
    } finally {
      clock.now = start
      await app.close()
    }
  })
})

describe('freshness on demand and by polling', () => {
  let app: FastifyInstance
  const schema = `pgboss_fresh${Date.now().toString(36)}`
  beforeAll(async () => {
    app = await startGoogleApp({ fake, clock, queueSchema: schema })
  })
  afterAll(async () => {
    await app.close()
    await dropSchema(db, schema)
  })

  it('a slot request that finds busy times older than 10 minutes syncs first and answers with the change', async () => {
    const { host, mt, account, id } = await connected(app)
    expect((await syncNow(app, host, id)).status).toBe('synced')
    const start = clock.now
    try {
      clock.now = start + 11 * 60_000
      fake.upsertEvent(account, account, {
        start: { dateTime: '2027-03-03T13:00:00Z' },
        end: { dateTime: '2027-03-03T14:00:00Z' },
      })
      expect(await slotStarts(app, mt, '2027-03-03')).not.toContain('2027-03-03T13:00:00+00:00')
    } finally {
      clock.now = start
    }
  })

  it('past its deadline a slot request answers from stored data; the sync lands afterwards', async () => {
    const { host, mt, account, id } = await connected(app)
    expect((await syncNow(app, host, id)).status).toBe('synced')
    const start = clock.now
    try {
      clock.now = start + 11 * 60_000
      fake.upsertEvent(account, account, {
        start: { dateTime: '2027-03-04T13:00:00Z' },
        end: { dateTime: '2027-03-04T14:00:00Z' },
      })
      fake.slow('events.list', 2500)
      const res = await app.inject({
        url: `/api/availability/slots?meeting_type_id=${mt}&date=2027-03-04&timezone=UTC`,
      })
      expect(res.statusCode).toBe(200)
      expect(res.json().slots.map((s: { start: string }) => s.start)).toContain(
        '2027-03-04T13:00:00+00:00',
      )
      await until(
        async () =>
          !(await slotStarts(app, mt, '2027-03-04')).includes('2027-03-04T13:00:00+00:00'),
        'the background sync to land',
      )
    } finally {
      fake.slow('events.list', 0)
      clock.now = start
    }
  })

  it('a provider that is down never fails a slot request', async () => {
    const { host, mt, id } = await connected(app)
    expect((await syncNow(app, host, id)).status).toBe('synced')
    const start = clock.now
    try {
      clock.now = start + 11 * 60_000
      fake.failNext('events.list', 1, { status: 500 })
      expect(await slotStarts(app, mt, '2027-03-05')).toHaveLength(16)
    } finally {
      clock.now = start
    }
  })

  it('polling queues a sync of each integration not synced for 10 minutes, and only those', async () => {
    const stale = await connected(app)
    expect((await syncNow(app, stale.host, stale.id)).status).toBe('synced')
    const start = clock.now
    try {
      clock.now = start + 11 * 60_000
      const fresh = await connected(app)
      expect((await syncNow(app, fresh.host, fresh.id)).status).toBe('synced')
      // Without workers the connects' first syncs are still queued: clear them, so
      // what is queued next is the poller's (one queued sync per integration).
      await db
        .withoutPlugins()
        .deleteFrom(`${schema}.job` as never)
        .where('name' as never, '=', 'calendar.sync' as never)
        .execute()
      expect(await app.slotkitCalendars.pollDue()).toBeGreaterThanOrEqual(1)
      const queued = (await db
        .withoutPlugins()
        .selectFrom(`${schema}.job` as never)
        .select(['data' as never])
        .where('name' as never, '=', 'calendar.sync' as never)
        .execute()) as { data: { integrationId: string; reason: string } }[]
      const polled = queued.filter((j) => j.data.reason === 'poll').map((j) => j.data.integrationId)
      expect(polled).toContain(stale.id)
      expect(polled).not.toContain(fresh.id)
    } finally {
      clock.now = start
    }
  })
})
