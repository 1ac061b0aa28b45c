// Freshness of synced busy times (review of issues 12/13): a reconnect that drops
// calendars, a zone change during a sync, syncs that cannot run, disconnections
// while the job queue is off, and what an uncached slots read asks of the database.
import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { CamelCasePlugin, Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../src/db/database'
import {
  findDueIntegrations,
  findIntegration,
} from '../../src/db/repositories/integrations.repository'
import type { Database } from '../../src/db/schema'
import { createSecretBox } from '../../src/integrations/calendar/secret-box'
import { type GoogleFake, startGoogleFake } from '../fakes/google-fake'
import {
  bearer,
  createHost,
  createMeetingType,
  createTestApp,
  type Host,
  NOW,
  testConfig,
} from '../helpers'
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
let app: FastifyInstance
let db: Db
const clock = testClock()
const box = createSecretBox(randomBytes(32))
const schema = `pgboss_fr${randomBytes(4).toString('hex')}`
let n = 0

function newAccount(options?: Parameters<GoogleFake['addAccount']>[1]): string {
  n += 1
  const account = `fresh${n}-${Date.now()}@example.com`
  fake.addAccount(account, options)
  return account
}

async function connectedHost(
  timeZone: string,
  options?: Parameters<GoogleFake['addAccount']>[1],
): Promise<{ host: Host; mt: string; account: string; integrationId: string }> {
  const account = newAccount(options)
  const host = await createHost(app, timeZone)
  const mt = await createMeetingType(app, host)
  const done = await connectGoogle(app, fake, host, account)
  if (done.status !== 200) throw new Error(`connect: ${done.status} ${done.body}`)
  return { host, mt, account, integrationId: await integrationOf(app, host) }
}

beforeAll(async () => {
  fake = await startGoogleFake()
  // Jobs are queued in their own schema, never run: every sync here is started by hand.
  app = await startGoogleApp({ fake, clock, box, queueSchema: schema })
  db = openDb()
})

afterAll(async () => {
  await app.close()
  await dropSchema(db, schema)
  await fake.close()
  await db.destroy()
})

describe('reconnecting an account that no longer has a calendar', () => {
  it("frees that calendar's busy times in cached slot replies too", async () => {
    const team = `team${Date.now()}@group.calendar.google.com`
    const { host, mt, account, integrationId } = await connectedHost('UTC', {
      calendars: [{ id: team, summary: 'Team' }],
    })
    const patched = await app.inject({
      method: 'PATCH',
      url: `/api/integrations/${integrationId}`,
      headers: bearer(host.apiKey),
      payload: { busy_calendar_ids: [account, team] },
    })
    expect(patched.statusCode).toBe(200)
    fake.upsertEvent(account, team, {
      start: { dateTime: '2027-03-02T10:00:00Z' },
      end: { dateTime: '2027-03-02T11:00:00Z' },
    })
    expect((await syncNow(app, host, integrationId)).changes).toBe(1)
    // Cached: only a generation bump changes this reply.
    expect(await slotStarts(app, mt, '2027-03-02')).not.toContain('2027-03-02T10:00:00+00:00')
    // The team calendar is gone from the account (left, deleted); the host reconnects.
    fake.addAccount(account)
    expect((await connectGoogle(app, fake, host, account)).status).toBe(200)
    const rows = await db
      .selectFrom('externalBusy')
      .select('id')
      .where('integrationId', '=', integrationId)
      .execute()
    expect(rows).toHaveLength(0)
    expect(await slotStarts(app, mt, '2027-03-02')).toContain('2027-03-02T10:00:00+00:00')
  })
})

describe('an all-day event synced while the host changes zone', () => {
  it("lands on the new zone's midnights", async () => {
    const { host, account, integrationId } = await connectedHost('America/New_York')
    fake.upsertEvent(account, account, {
      start: { date: '2027-03-10' },
      end: { date: '2027-03-11' },
    })
    const lists = fake.count('events.list')
    fake.slow('events.list', 500)
    try {
      const sync = syncNow(app, host, integrationId)
      await until(() => fake.count('events.list') > lists, 'the listing at the fake')
      // The sync read New York; the host moves to Kolkata before it writes.
      await sql`UPDATE users SET time_zone = 'Asia/Kolkata' WHERE id = ${host.id}`.execute(db)
      expect((await sync).status).toBe('synced')
    } finally {
      fake.slow('events.list', 0)
    }
    const row = await db
      .selectFrom('externalBusy')
      .select(['startsAt', 'endsAt'])
      .where('integrationId', '=', integrationId)
      .executeTakeFirstOrThrow()
    // Midnight in Kolkata (UTC+05:30) is 18:30 UTC the day before; New York's is 05:00.
    expect(row.startsAt.toISOString()).toBe('2027-03-09T18:30:00.000Z')
    expect(row.endsAt.toISOString()).toBe('2027-03-10T18:30:00.000Z')
  })
})

describe('a sync that cannot run on this server', () => {
  it('backs off, so the poller and the slots endpoint stop trying every time', async () => {
    const { host, integrationId } = await connectedHost('UTC')
    // A server without Google configured (its variables removed) meets the integration.
    const bare = await startGoogleApp({ clock, box, providers: new Map(), queueSchema: schema })
    try {
      const result = await syncNow(bare, host, integrationId)
      expect(result.status).toBe('failed')
      expect(result.error).toBe('google is not configured on this server')
      expect(result.next_attempt_at).not.toBeNull()
      expect(Date.parse(result.next_attempt_at!)).toBeGreaterThan(clock.now)
      const due = await findDueIntegrations(db, {
        before: new Date(clock.now + 60 * 60_000),
        now: new Date(clock.now),
        limit: 100_000,
      })
      expect(due.map((d) => d.id)).not.toContain(integrationId)
    } finally {
      await bare.close()
    }
  })
})

describe('a disconnection while the job queue is off', () => {
  it('has its e-mail and webhook queued by the poller once the queue runs, once', async () => {
    const { integrationId } = await connectedHost('UTC')
    const calendars = app.slotkitCalendars
    const queue = calendars.queue
    expect(queue?.running).toBe(true)
    calendars.attachQueue(undefined)
    try {
      await calendars.disconnect((await findIntegration(db, integrationId))!, 'test: revoked')
    } finally {
      calendars.attachQueue(queue)
    }
    const jobs = async () =>
      (
        await sql<{ name: string }>`
          SELECT name FROM ${sql.id(schema, 'job')}
           WHERE name <> 'calendar.sync'
             AND (data->>'integrationId' = ${integrationId}
                  OR data->'integration'->>'id' = ${integrationId})
           ORDER BY name`.execute(db)
      ).rows.map((r) => r.name)
    expect(await jobs()).toEqual([])
    await calendars.pollDue()
    expect(await jobs()).toEqual(['integration.send-email', 'webhook.dispatch'])
    // Stable job ids: the next poll queues nothing twice.
    await calendars.pollDue()
    expect(await jobs()).toEqual(['integration.send-email', 'webhook.dispatch'])
  })
})

describe('an uncached slots read of a host without a calendar integration', () => {
  const statements: string[] = []
  let counted: Db
  let plain: FastifyInstance

  beforeAll(async () => {
    // The app's own statements, as PostgreSQL receives them.
    counted = new Kysely<Database>({
      dialect: new PostgresDialect({
        pool: new pg.Pool({
          connectionString: testConfig().databaseUrl!,
          max: 4,
          types: {
            getTypeParser: (oid: number, format?: 'text' | 'binary') =>
              oid === 1082
                ? (value: string) => value
                : oid === 20
                  ? (value: string) => Number(value)
                  : pg.types.getTypeParser(oid, format),
          } as pg.CustomTypesConfig,
        }),
      }),
      plugins: [new CamelCasePlugin({ maintainNestedObjectKeys: true })],
      log: (event) => {
        if (event.level === 'query') statements.push(event.query.sql)
      },
    })
    plain = await createTestApp({ db: counted, now: () => NOW })
  })
  afterAll(async () => {
    await plain.close()
    await counted.destroy()
  })

  it('asks nothing about integrations once it has found the host has none', async () => {
    const host = await createHost(plain, 'UTC')
    const mt = await createMeetingType(plain, host)
    const dates = ['2027-03-02', '2027-03-03', '2027-03-04']
    await slotStarts(plain, mt, dates[0]!)
    statements.length = 0
    // Other dates: cache misses, each one scheduling read.
    for (const date of dates.slice(1)) await slotStarts(plain, mt, date)
    const reads = statements.filter((s) => s.includes('"external_busy"'))
    expect(reads).toHaveLength(2)
    expect(statements.filter((s) => s.includes('"integrations"'))).toEqual([])
  })
})
