// Tokens never reach the logs: a whole connect → push → sync → book → failure →
// revocation → delete run, logged at the most verbose level, is searched for every
// secret the fake handed out or saw (codes, access and refresh tokens, channel tokens),
// once with Google and once with Microsoft (also its client secret and clientStates).
import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Db } from '../../src/db/database'
import { type GoogleFake, startGoogleFake } from '../fakes/google-fake'
import { type GraphFake, startGraphFake } from '../fakes/graph-fake'
import { bearer, bookingBody, createHost, createMeetingType } from '../helpers'
import {
  connectGoogle,
  connectMicrosoft,
  dropSchema,
  integrationOf,
  liveClock,
  nextMonday,
  openDb,
  slotStarts,
  startCalendarApp,
  startGoogleApp,
  syncNow,
  until,
} from './harness'

let fake: GoogleFake
let db: Db
const schema = `pgboss_logs${Date.now().toString(36)}`
let logs = ''
const stream = new Writable({
  write(chunk: Buffer, _encoding, done) {
    logs += chunk.toString()
    done()
  },
})

beforeAll(async () => {
  fake = await startGoogleFake()
  db = openDb()
})

afterAll(async () => {
  await fake.close()
  await dropSchema(db, schema)
  await db.destroy()
})

describe('logs of a full calendar run', () => {
  it('never contain a code, token or channel token', async () => {
    const clock = liveClock()
    const app = await startGoogleApp({
      fake,
      clock,
      listen: true,
      workers: true,
      queueSchema: schema,
      log: { stream, level: 'trace' },
    })
    try {
      const account = `logs-${Date.now()}@example.com`
      fake.addAccount(account)
      const host = await createHost(app, 'UTC')
      const mt = await createMeetingType(app, host)
      const done = await connectGoogle(app, fake, host, account)
      expect(done.status).toBe(200)
      const id = await integrationOf(app, host)
      await until(
        async () =>
          (
            await db
              .selectFrom('integrationCalendars')
              .select('channelId')
              .where('integrationId', '=', id)
              .where('isPrimary', '=', true)
              .executeTakeFirstOrThrow()
          ).channelId !== null,
        'a push channel',
      )
      const date = nextMonday(clock.now)
      fake.upsertEvent(account, account, {
        start: { dateTime: `${date}T10:00:00Z` },
        end: { dateTime: `${date}T11:00:00Z` },
      })
      await until(
        async () => !(await slotStarts(app, mt, date)).includes(`${date}T10:00:00+00:00`),
        'the pushed change',
      )
      const booked = await app.inject({
        method: 'POST',
        url: '/api/bookings',
        payload: bookingBody(mt, `${date}T13:00:00Z`),
      })
      expect(booked.statusCode).toBe(201)
      fake.expireAccessTokens()
      fake.failNext('events.list', 1, { status: 429, retryAfter: 1 })
      await syncNow(app, host, id)
      fake.revokeGrants(account)
      clock.now += 56 * 60_000
      expect((await syncNow(app, host, id)).status).toBe('disconnected')
      await app.inject({
        method: 'DELETE',
        url: `/api/integrations/${id}`,
        headers: bearer(host.apiKey),
      })
      await fake.settle()
    } finally {
      await app.close()
    }
    // The run was logged (requests, syncs, the failure, the disconnection)…
    expect(logs).toContain('calendar synced')
    expect(logs).toContain('calendar sync failed')
    expect(logs).toContain('/api/integrations/google/callback?code=[REDACTED]')
    // …and no secret is in it.
    const secrets = fake.issuedSecrets()
    expect(secrets.length).toBeGreaterThanOrEqual(4)
    for (const secret of secrets) expect(logs).not.toContain(secret)
  })
})

describe('logs of a full Microsoft run', () => {
  const msSchema = `pgboss_mslogs${Date.now().toString(36)}`
  let graph: GraphFake
  let msLogs = ''
  const msStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      msLogs += chunk.toString()
      done()
    },
  })

  beforeAll(async () => {
    graph = await startGraphFake({ tls: inject('testTls') })
  })

  afterAll(async () => {
    await graph.close()
    await dropSchema(db, msSchema)
  })

  it('never contain the client secret, a code, a token or a clientState', async () => {
    const clock = liveClock()
    const app = await startCalendarApp({
      graph,
      clock,
      listen: true,
      workers: true,
      queueSchema: msSchema,
      log: { stream: msStream, level: 'trace' },
    })
    try {
      const account = `mslogs-${Date.now()}@contoso.example`
      const { calendarId } = graph.addAccount(account)
      const host = await createHost(app, 'UTC')
      const mt = await createMeetingType(app, host)
      expect((await connectMicrosoft(app, graph, host, account)).status).toBe(200)
      const id = await integrationOf(app, host)
      const channel = async () =>
        (
          await db
            .selectFrom('integrationCalendars')
            .select('channelId')
            .where('integrationId', '=', id)
            .where('isPrimary', '=', true)
            .executeTakeFirstOrThrow()
        ).channelId
      await until(async () => (await channel()) !== null, 'a subscription')
      const date = nextMonday(clock.now)
      graph.upsertEvent(account, calendarId, {
        start: `${date}T10:00:00Z`,
        end: `${date}T11:00:00Z`,
      })
      await until(
        async () => !(await slotStarts(app, mt, date)).includes(`${date}T10:00:00+00:00`),
        'the delivered change',
      )
      // A forged delivery and a lifecycle notice are logged too.
      expect(await graph.notify((await channel())!, { clientState: 'forged-state' })).toBe(401)
      expect(await graph.lifecycle((await channel())!, 'missed')).toBe(202)
      // The full sync it queued may run now: wait for a sync of ours.
      await until(async () => (await syncNow(app, host, id)).status === 'synced', 'a sync')
      const booked = await app.inject({
        method: 'POST',
        url: '/api/bookings',
        payload: bookingBody(mt, `${date}T13:00:00Z`),
      })
      expect(booked.statusCode).toBe(201)
      graph.expireAccessTokens()
      graph.failNext('delta', 1, { status: 429, retryAfter: 600 })
      expect((await syncNow(app, host, id)).status).toBe('failed')
      graph.revokeGrants(account)
      clock.now += 56 * 60_000
      expect((await syncNow(app, host, id)).status).toBe('disconnected')
      await app.inject({
        method: 'DELETE',
        url: `/api/integrations/${id}`,
        headers: bearer(host.apiKey),
      })
      await graph.settle()
    } finally {
      await app.close()
    }
    expect(msLogs).toContain('calendar synced')
    expect(msLogs).toContain('calendar sync failed')
    expect(msLogs).toContain('its clientState does not match its subscription')
    expect(msLogs).toContain('push channel lifecycle event')
    expect(msLogs).toContain('/api/integrations/microsoft/callback?code=[REDACTED]')
    const secrets = graph.issuedSecrets()
    expect(secrets.length).toBeGreaterThanOrEqual(5)
    for (const secret of secrets) expect(msLogs).not.toContain(secret)
  })
})
