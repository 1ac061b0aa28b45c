// DELETE /api/integrations/:id never waits on the provider: the delete commits (slots
// change at once) and the provider side (channels stopped, grant revoked) is a
// `calendar.release` job carrying the tokens sealed; without a job queue it runs in
// the background.
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../src/db/database'
import { type GoogleFake, startGoogleFake } from '../fakes/google-fake'
import { bearer, createHost, createMeetingType, type Host } from '../helpers'
import {
  connectGoogle,
  dropSchema,
  integrationOf,
  nextMonday,
  openDb,
  slotStarts,
  startGoogleApp,
  syncNow,
  type TestClock,
  testClock,
  until,
} from './harness'

let fake: GoogleFake
let db: Db
const clock: TestClock = testClock()
let accounts = 0

beforeAll(async () => {
  fake = await startGoogleFake()
  db = openDb()
})

afterAll(async () => {
  await fake.close()
  await db.destroy()
})

/** A host with a Google account, a busy event on `date` 13:00–14:00 synced, and an open push channel. */
async function connected(app: FastifyInstance, date: string) {
  const host = await createHost(app, 'UTC')
  const mt = await createMeetingType(app, host)
  accounts += 1
  const account = `delete${accounts}-${Date.now()}@example.com`
  fake.addAccount(account)
  fake.upsertEvent(account, account, {
    start: { dateTime: `${date}T13:00:00Z` },
    end: { dateTime: `${date}T14:00:00Z` },
  })
  await connectGoogle(app, fake, host, account)
  const id = await integrationOf(app, host)
  await syncNow(app, host, id)
  // The connect's own sync (a job, or in the background) may hold the sync claim, or
  // have opened the channel already: ask until the calendar has one.
  const channelOf = () =>
    db
      .selectFrom('integrationCalendars')
      .select('channelId')
      .where('integrationId', '=', id)
      .where('channelId', 'is not', null)
      .executeTakeFirst()
  await until(
    async () => (await app.slotkitCalendars.ensureChannels(id)) === 1 || !!(await channelOf()),
    'a push channel',
  )
  const calendar = (await channelOf())!
  // Without a job queue the connect's first sync runs in the background, and the
  // sync above may have found it running (deferred): wait for the busy time.
  await until(
    async () => !(await slotStarts(app, mt, date)).includes(`${date}T13:00:00+00:00`),
    'the event to block its slot',
  )
  return { host, mt, id, channelId: calendar.channelId! }
}

function remove(app: FastifyInstance, host: Host, id: string) {
  return app.inject({
    method: 'DELETE',
    url: `/api/integrations/${id}`,
    headers: bearer(host.apiKey),
  })
}

describe('the request (job queue on, workers off)', () => {
  const schema = `pgboss_del${Date.now().toString(36)}`
  let app: FastifyInstance
  beforeAll(async () => {
    app = await startGoogleApp({ fake, clock, listen: true, queueSchema: schema })
  })
  afterAll(async () => {
    await app.close()
    await dropSchema(db, schema)
  })

  it('deletes and frees the slots without calling Google, and queues the release with sealed tokens', async () => {
    const date = nextMonday(clock.now)
    const { host, mt, id, channelId } = await connected(app, date)
    const stops = fake.count('channels.stop')
    const revokes = fake.count('revoke')
    const tokenRefreshes = fake.count('token.refresh')
    const res = await remove(app, host, id)
    expect(res.statusCode).toBe(204)
    // The request made no provider call (a provider that is down cannot slow it): not
    // one stop, revoke or refresh.
    expect(fake.count('channels.stop')).toBe(stops)
    expect(fake.count('revoke')).toBe(revokes)
    expect(fake.count('token.refresh')).toBe(tokenRefreshes)
    expect(await slotStarts(app, mt, date)).toContain(`${date}T13:00:00+00:00`)
    expect(await db.selectFrom('integrations').select('id').where('id', '=', id).execute()).toEqual(
      [],
    )
    const jobs = (await db
      .withoutPlugins()
      .selectFrom(`${schema}.job` as never)
      .select(['data' as never])
      .where('name' as never, '=', 'calendar.release' as never)
      .execute()) as { data: { integrationId: string; channels: { id: string }[] } }[]
    const job = jobs.find((j) => j.data.integrationId === id)
    expect(job?.data.channels.map((c) => c.id)).toEqual([channelId])
    // pg-boss's table holds the tokens sealed, never in plaintext.
    const stored = JSON.stringify(job)
    for (const secret of fake.issuedSecrets()) expect(stored).not.toContain(secret)
    expect(fake.isStopped(channelId)).toBe(false)
  })
})

describe('the release job (workers on)', () => {
  const schema = `pgboss_rel${Date.now().toString(36)}`
  let app: FastifyInstance
  beforeAll(async () => {
    app = await startGoogleApp({ fake, clock, listen: true, workers: true, queueSchema: schema })
  })
  afterAll(async () => {
    await app.close()
    await dropSchema(db, schema)
  })

  it('stops the channel and revokes the grant once Google answers again', async () => {
    const date = nextMonday(clock.now)
    const { host, id, channelId } = await connected(app, date)
    const revokes = fake.count('revoke')
    // More failures than the Google client retries within one call: only another
    // attempt of the job, later, gets through.
    const failures = 8
    fake.failNext('revoke', failures, { status: 503 })
    expect((await remove(app, host, id)).statusCode).toBe(204)
    await until(
      () => fake.isStopped(channelId) && fake.count('revoke') >= revokes + failures + 1,
      'the release to be retried after the 503s and succeed',
    )
  })
})

describe('without a job queue', () => {
  let app: FastifyInstance
  beforeAll(async () => {
    app = await startGoogleApp({ fake, clock, listen: true, noJobs: true })
  })
  afterAll(async () => {
    await app.close()
  })

  it('deletes at once and releases in the background', async () => {
    const date = nextMonday(clock.now)
    const { host, mt, id, channelId } = await connected(app, date)
    const revokes = fake.count('revoke')
    expect((await remove(app, host, id)).statusCode).toBe(204)
    expect(await slotStarts(app, mt, date)).toContain(`${date}T13:00:00+00:00`)
    await until(
      () => fake.isStopped(channelId) && fake.count('revoke') === revokes + 1,
      'the background release',
    )
  })
})
