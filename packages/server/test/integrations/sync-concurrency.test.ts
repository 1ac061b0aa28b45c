// Concurrency of the calendar sync engine (review of issues 12/13): a PATCH racing
// a sync, a sync outliving its claim, a token refresh holding no row lock, and two
// openers of one push channel. Real PostgreSQL, the real Google client against the
// fake; requests are held at the fake (`slow`) to open the race windows.
import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../src/db/database'
import { findIntegration } from '../../src/db/repositories/integrations.repository'
import { createSecretBox } from '../../src/integrations/calendar/secret-box'
import { type GoogleFake, startGoogleFake } from '../fakes/google-fake'
import { bearer, createHost, createMeetingType, type Host } from '../helpers'
import {
  connectGoogle,
  integrationOf,
  liveClock,
  openDb,
  startGoogleApp,
  syncNow,
  testClock,
  until,
} from './harness'

/** Access tokens last 3599 s; 56 minutes on, one is within the 5 minutes of refresh-ahead. */
const NEAR_EXPIRY_MS = 56 * 60_000

let fake: GoogleFake
let app: FastifyInstance
let db: Db
const clock = testClock()
const box = createSecretBox(randomBytes(32))
let n = 0

async function connectedHost(): Promise<{
  host: Host
  account: string
  integrationId: string
}> {
  n += 1
  const account = `race${n}-${Date.now()}@example.com`
  fake.addAccount(account)
  const host = await createHost(app, 'UTC')
  await createMeetingType(app, host)
  const done = await connectGoogle(app, fake, host, account)
  if (done.status !== 200) throw new Error(`connect: ${done.status} ${done.body}`)
  return { host, account, integrationId: await integrationOf(app, host) }
}

/** Busy rows stored for an integration. */
async function busyRows(integrationId: string): Promise<number> {
  const row = await db
    .selectFrom('externalBusy')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('integrationId', '=', integrationId)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Resolves once the fake has received one more `events.list` than `before`. */
function listArrived(before: number): Promise<void> {
  return until(() => fake.count('events.list') > before, 'an events.list at the fake')
}

beforeAll(async () => {
  fake = await startGoogleFake()
  app = await startGoogleApp({ fake, clock, box })
  db = openDb()
})

afterAll(async () => {
  await app.close()
  await fake.close()
  await db.destroy()
})

describe('a calendar turned off during a sync', () => {
  it('keeps none of its busy times: the sync in flight does not write them back', async () => {
    const { host, account, integrationId } = await connectedHost()
    fake.upsertEvent(account, account, {
      start: { dateTime: '2027-03-02T10:00:00Z' },
      end: { dateTime: '2027-03-02T11:00:00Z' },
    })
    const lists = fake.count('events.list')
    fake.slow('events.list', 600)
    try {
      const sync = syncNow(app, host, integrationId)
      await listArrived(lists)
      // The sync has read the calendar as busy and waits on Google: turn it off now.
      const patched = await app.inject({
        method: 'PATCH',
        url: `/api/integrations/${integrationId}`,
        headers: bearer(host.apiKey),
        payload: { busy_calendar_ids: [] },
      })
      expect(patched.statusCode).toBe(200)
      expect(patched.json().calendars[0].busy).toBe(false)
      expect((await sync).status).toBe('synced')
    } finally {
      fake.slow('events.list', 0)
    }
    // Nothing would ever remove rows written now: syncs skip calendars that are off.
    expect(await busyRows(integrationId)).toBe(0)
  })
})

describe('the sync claim', () => {
  it('a sync that outlived its claim neither writes nor frees the claim of the sync that took over', async () => {
    const { host, account, integrationId } = await connectedHost()
    fake.upsertEvent(account, account, {
      start: { dateTime: '2027-03-03T10:00:00Z' },
      end: { dateTime: '2027-03-03T11:00:00Z' },
    })
    const lists = fake.count('events.list')
    fake.slow('events.list', 400)
    const first = syncNow(app, host, integrationId)
    await listArrived(lists)
    // Three minutes on, the first sync's 2-minute claim has run out: a second claims.
    clock.now += 3 * 60_000
    try {
      // The second's listing is held much longer, so it is still running below.
      fake.slow('events.list', 4000)
      const second = syncNow(app, host, integrationId)
      await listArrived(lists + 1)
      const outcome = await first
      expect(outcome.status).toBe('deferred')
      expect(outcome.error).toMatch(/took over/)
      expect(await busyRows(integrationId)).toBe(0)
      // The second still holds its claim: a third sync is turned away.
      const claim = await findIntegration(db, integrationId)
      expect(claim!.syncLeaseUntil).not.toBeNull()
      const third = await syncNow(app, host, integrationId)
      expect(third.status).toBe('deferred')
      expect(third.error).toMatch(/another sync/)
      expect(await second).toMatchObject({ status: 'synced', changes: 1 })
      expect(await busyRows(integrationId)).toBe(1)
      expect((await findIntegration(db, integrationId))!.syncLeaseUntil).toBeNull()
    } finally {
      fake.slow('events.list', 0)
      clock.now -= 3 * 60_000
    }
  })
})

describe('token refresh', () => {
  it('holds no lock on the integration row while the token endpoint answers', async () => {
    const { integrationId } = await connectedHost()
    const row = (await findIntegration(db, integrationId))!
    const refreshes = fake.count('token.refresh')
    fake.slow('token.refresh', 800)
    clock.now += NEAR_EXPIRY_MS
    try {
      const session = app.slotkitCalendars.tokens!.session(
        row,
        app.slotkitCalendars.provider('google')!,
      )
      const token = session.accessToken()
      await until(() => fake.count('token.refresh') > refreshes, 'the refresh at the fake')
      // A claim, the end-of-sync UPDATE or a disconnect would wait on a lock here;
      // NOWAIT turns such a wait into error 55P03 at once.
      const locked = await db.transaction().execute(async (trx) => {
        const result = await sql<{
          id: string
        }>`SELECT id FROM integrations WHERE id = ${integrationId} FOR UPDATE NOWAIT`.execute(trx)
        return result.rows.length
      })
      expect(locked).toBe(1)
      const refreshed = await token
      expect(fake.count('token.refresh')).toBe(refreshes + 1)
      const after = (await findIntegration(db, integrationId))!
      expect(after.accessExpiresAt!.getTime()).toBeGreaterThan(row.accessExpiresAt!.getTime())
      expect(after.refreshingUntil).toBeNull()
      // The stored token is the refreshed one: a new session uses it without a refresh.
      const again = app.slotkitCalendars.tokens!.session(
        after,
        app.slotkitCalendars.provider('google')!,
      )
      expect(await again.accessToken()).toBe(refreshed)
      expect(fake.count('token.refresh')).toBe(refreshes + 1)
    } finally {
      fake.slow('token.refresh', 0)
      clock.now -= NEAR_EXPIRY_MS
    }
  })
})

describe('push channels opened twice at once', () => {
  let pushApp: FastifyInstance
  const live = liveClock()
  beforeAll(async () => {
    pushApp = await startGoogleApp({ fake, clock: live, box, listen: true })
  })
  afterAll(async () => {
    await pushApp.close()
  })

  it('leave one channel open at the provider, the one stored', async () => {
    n += 1
    const account = `push-race${n}-${Date.now()}@example.com`
    fake.addAccount(account)
    const host = await createHost(pushApp, 'UTC')
    await connectGoogle(pushApp, fake, host, account)
    const integrationId = await integrationOf(pushApp, host)
    const open = () => fake.activeChannels().filter((c) => c.calendarId === account)
    expect(open()).toHaveLength(0)
    fake.slow('events.watch', 300)
    try {
      // The renewal job and a settings sync, in two processes or one.
      const opened = await Promise.all([
        pushApp.slotkitCalendars.ensureChannels(integrationId),
        pushApp.slotkitCalendars.ensureChannels(integrationId),
      ])
      expect(opened.sort()).toEqual([0, 1])
    } finally {
      fake.slow('events.watch', 0)
    }
    await fake.settle()
    const channels = open()
    expect(channels).toHaveLength(1)
    const stored = await db
      .selectFrom('integrationCalendars')
      .select('channelId')
      .where('integrationId', '=', integrationId)
      .executeTakeFirstOrThrow()
    expect(stored.channelId).toBe(channels[0]!.id)
  })
})
