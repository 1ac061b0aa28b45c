import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../src/db/database'
import { type GoogleFake, startGoogleFake } from '../fakes/google-fake'
import { bearer, createHost, createMeetingType } from '../helpers'
import {
  connectGoogle,
  dropSchema,
  integrationOf,
  liveClock,
  nextMonday,
  openDb,
  slotStarts,
  startGoogleApp,
  until,
} from './harness'

let fake: GoogleFake
let db: Db
const clock = liveClock()
let n = 0

function newAccount(): string {
  n += 1
  const account = `push${n}-${Date.now()}@example.com`
  fake.addAccount(account)
  return account
}

/** The push channel stored for the host's primary calendar. */
async function channelOf(integrationId: string) {
  return db
    .selectFrom('integrationCalendars')
    .select(['channelId', 'channelResourceId', 'channelExpiresAt'])
    .where('integrationId', '=', integrationId)
    .where('isPrimary', '=', true)
    .executeTakeFirstOrThrow()
}

function postNotification(url: string, headers: Record<string, string>): Promise<Response> {
  return fetch(`${url}/api/integrations/google/notifications`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: '',
  })
}

beforeAll(async () => {
  fake = await startGoogleFake()
  db = openDb()
})

afterAll(async () => {
  await fake.close()
  await db.destroy()
})

describe('push notifications (workers running)', () => {
  let app: FastifyInstance
  let url = ''
  const schema = `pgboss_push${Date.now().toString(36)}`

  beforeAll(async () => {
    app = await startGoogleApp({ fake, clock, listen: true, workers: true, queueSchema: schema })
    const address = app.server.address() as { port: number }
    url = `http://127.0.0.1:${address.port}`
  })

  afterAll(async () => {
    await app.close()
    await dropSchema(db, schema)
  })

  it('opens a channel on connect; a change notified by Google is synced and its slot disappears', async () => {
    const host = await createHost(app, 'UTC')
    const mt = await createMeetingType(app, host)
    const account = newAccount()
    await connectGoogle(app, fake, host, account)
    const id = await integrationOf(app, host)
    await until(async () => (await channelOf(id)).channelId !== null, 'a push channel')
    const channel = await channelOf(id)
    expect(fake.activeChannels()).toContainEqual(
      expect.objectContaining({
        id: channel.channelId,
        calendarId: account,
        address: `${url}/api/integrations/google/notifications`,
      }),
    )
    await fake.settle()
    // The "sync" message right after watch: an empty JSON-typed POST, accepted.
    expect(fake.deliveries.find((d) => d.channelId === channel.channelId)).toMatchObject({
      state: 'sync',
      status: 204,
    })

    const date = nextMonday(clock.now)
    expect(await slotStarts(app, mt, date)).toContain(`${date}T10:00:00+00:00`)
    fake.upsertEvent(account, account, {
      start: { dateTime: `${date}T10:00:00Z` },
      end: { dateTime: `${date}T11:00:00Z` },
    })
    await fake.settle()
    expect(fake.deliveries.at(-1)).toMatchObject({
      channelId: channel.channelId,
      state: 'exists',
      status: 204,
    })
    await until(
      async () => !(await slotStarts(app, mt, date)).includes(`${date}T10:00:00+00:00`),
      'the notified event to block its slot',
    )
  })

  it('refuses a notification with a wrong token or an unknown channel, and queues nothing', async () => {
    const host = await createHost(app, 'UTC')
    await connectGoogle(app, fake, host, newAccount())
    const id = await integrationOf(app, host)
    await until(async () => (await channelOf(id)).channelId !== null, 'a push channel')
    const { channelId } = await channelOf(id)
    expect(await fake.notify(channelId!, 'exists', 'forged-token')).toBe(401)
    const unknown = await postNotification(url, {
      'x-goog-channel-id': 'no-such-channel',
      'x-goog-channel-token': 'x',
      'x-goog-resource-state': 'exists',
    })
    expect(unknown.status).toBe(404)
    const missing = await postNotification(url, { 'x-goog-resource-state': 'exists' })
    expect(missing.status).toBe(400)
    expect(await missing.json()).toMatchObject({ error: 'VALIDATION_FAILED' })
  })

  it('renews a channel before it expires: a new channel, the old one stopped', async () => {
    const host = await createHost(app, 'UTC')
    const mt = await createMeetingType(app, host)
    const account = newAccount()
    await connectGoogle(app, fake, host, account)
    const id = await integrationOf(app, host)
    await until(async () => (await channelOf(id)).channelId !== null, 'a push channel')
    const old = await channelOf(id)
    const shift = old.channelExpiresAt!.getTime() - 12 * 3600_000 - clock.now
    clock.now += shift
    try {
      expect(await app.slotkitCalendars.renewChannels()).toBeGreaterThanOrEqual(1)
      const renewed = await channelOf(id)
      expect(renewed.channelId).not.toBe(old.channelId)
      expect(renewed.channelExpiresAt!.getTime()).toBeGreaterThan(old.channelExpiresAt!.getTime())
      expect(fake.isStopped(old.channelId!)).toBe(true)
      // The new channel carries notifications.
      const date = nextMonday(clock.now)
      fake.upsertEvent(account, account, {
        start: { dateTime: `${date}T15:00:00Z` },
        end: { dateTime: `${date}T16:00:00Z` },
      })
      await until(
        async () => !(await slotStarts(app, mt, date)).includes(`${date}T15:00:00+00:00`),
        'a change on the renewed channel to arrive',
      )
    } finally {
      clock.now -= shift
    }
  })

  it('deleting the integration stops its channels', async () => {
    const host = await createHost(app, 'UTC')
    await connectGoogle(app, fake, host, newAccount())
    const id = await integrationOf(app, host)
    await until(async () => (await channelOf(id)).channelId !== null, 'a push channel')
    const { channelId } = await channelOf(id)
    const res = await app.inject({
      method: 'DELETE',
      url: `/api/integrations/${id}`,
      headers: bearer(host.apiKey),
    })
    expect(res.statusCode).toBe(204)
    // By the calendar.release job, after the delete committed.
    await until(() => fake.isStopped(channelId!), 'the channel to be stopped')
  })
})

describe('a burst of notifications (workers off)', () => {
  it('queues one sync of the calendar', async () => {
    const schema = `pgboss_burst${Date.now().toString(36)}`
    const app = await startGoogleApp({ fake, clock, listen: true, queueSchema: schema })
    try {
      const host = await createHost(app, 'UTC')
      await connectGoogle(app, fake, host, newAccount())
      const id = await integrationOf(app, host)
      expect(await app.slotkitCalendars.ensureChannels(id)).toBe(1)
      const { channelId } = await channelOf(id)
      const statuses = []
      for (let i = 0; i < 5; i++) statuses.push(await fake.notify(channelId!, 'exists'))
      expect(statuses).toEqual([204, 204, 204, 204, 204])
      const queued = await db
        .withoutPlugins()
        .selectFrom(`${schema}.job` as never)
        .select(['data' as never])
        .where('name' as never, '=', 'calendar.sync' as never)
        .where('state' as never, '=', 'created' as never)
        .execute()
      const forCalendar = (queued as { data: { reason: string } }[]).filter(
        (j) => j.data.reason === 'push',
      )
      expect(forCalendar).toHaveLength(1)
    } finally {
      await app.close()
      await dropSchema(db, schema)
    }
  })
})
