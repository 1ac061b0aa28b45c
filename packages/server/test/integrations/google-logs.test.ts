// Tokens never reach the logs: a whole connect → push → sync → book → failure →
// revocation → delete run, logged at the most verbose level, is searched for every
// secret the fake handed out or saw (codes, access and refresh tokens, channel tokens).
import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../src/db/database'
import { type GoogleFake, startGoogleFake } from '../fakes/google-fake'
import { bearer, bookingBody, createHost, createMeetingType } from '../helpers'
import {
  connectGoogle,
  dropSchema,
  integrationOf,
  liveClock,
  nextMonday,
  openDb,
  slotStarts,
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
