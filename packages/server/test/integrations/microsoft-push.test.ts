// Graph subscriptions: created with the validationToken handshake (answered by the
// notifications route while the create is still open), deliveries checked by clientState,
// renewed by PATCH, and lifecycle notifications handled. The app listens on loopback and
// the fake (HTTPS) delivers to it.
import { Writable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Db } from '../../src/db/database'
import { type GraphFake, startGraphFake } from '../fakes/graph-fake'
import { bearer, createHost, createMeetingType, type Host } from '../helpers'
import {
  connectMicrosoft,
  dropSchema,
  integrationOf,
  liveClock,
  nextMonday,
  openDb,
  slotStarts,
  startCalendarApp,
  until,
} from './harness'

let fake: GraphFake
let db: Db
const clock = liveClock()
let n = 0

function newAccount(): { account: string; calendarId: string } {
  n += 1
  const account = `push${n}-${Date.now()}@contoso.example`
  return { account, calendarId: fake.addAccount(account).calendarId }
}

/** The subscription stored for the host's default calendar. */
async function channelOf(integrationId: string) {
  return db
    .selectFrom('integrationCalendars')
    .select([
      'channelId',
      'channelResourceId',
      'channelTokenHash',
      'channelExpiresAt',
      'syncCursor',
    ])
    .where('integrationId', '=', integrationId)
    .where('isPrimary', '=', true)
    .executeTakeFirstOrThrow()
}

async function connected(
  app: FastifyInstance,
): Promise<{ host: Host; account: string; calendarId: string; id: string; mt: string }> {
  const { account, calendarId } = newAccount()
  const host = await createHost(app, 'UTC')
  const mt = await createMeetingType(app, host)
  const done = await connectMicrosoft(app, fake, host, account)
  if (done.status !== 200) throw new Error(`connect: ${done.status} ${done.body}`)
  return { host, account, calendarId, id: await integrationOf(app, host), mt }
}

function post(url: string, body: string, contentType = 'application/json'): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body })
}

beforeAll(async () => {
  fake = await startGraphFake({ tls: inject('testTls') })
  db = openDb()
})

afterAll(async () => {
  await fake.close()
  await db.destroy()
})

describe('subscriptions (workers running)', () => {
  let app: FastifyInstance
  let address = ''
  const schema = `pgboss_mspush${Date.now().toString(36)}`

  beforeAll(async () => {
    app = await startCalendarApp({
      graph: fake,
      clock,
      listen: true,
      workers: true,
      queueSchema: schema,
    })
    const { port } = app.server.address() as { port: number }
    address = `http://127.0.0.1:${port}/api/integrations/microsoft/notifications`
  })

  afterAll(async () => {
    await app.close()
    await dropSchema(db, schema)
  })

  it('subscribes on connect after the validation handshake; a change Graph delivers is synced and its slot disappears', async () => {
    const { account, calendarId, id, mt } = await connected(app)
    await until(async () => (await channelOf(id)).channelId !== null, 'a subscription')
    const channel = await channelOf(id)
    const [subscription] = fake.activeSubscriptions().filter((s) => s.account === account)
    expect(subscription).toMatchObject({
      id: channel.channelId,
      calendarId,
      resource: `me/calendars/${calendarId}/events`,
      changeType: 'created,updated,deleted',
      notificationUrl: address,
      lifecycleNotificationUrl: address,
    })
    // Both URLs were validated while the create request was open: 200, text/plain, the token.
    const handshakes = fake.handshakes.filter((h) => h.url === address).slice(-2)
    expect(handshakes).toEqual([
      expect.objectContaining({
        status: 200,
        echoed: true,
        contentType: 'text/plain; charset=utf-8',
      }),
      expect.objectContaining({
        status: 200,
        echoed: true,
        contentType: 'text/plain; charset=utf-8',
      }),
    ])
    // Only a hash of the clientState is stored.
    expect(channel.channelTokenHash).toMatch(/^[0-9a-f]{64}$/)

    const date = nextMonday(clock.now)
    expect(await slotStarts(app, mt, date)).toContain(`${date}T10:00:00+00:00`)
    fake.upsertEvent(account, calendarId, { start: `${date}T10:00:00Z`, end: `${date}T11:00:00Z` })
    await fake.settle()
    expect(fake.deliveries.at(-1)).toMatchObject({
      subscriptionId: channel.channelId,
      kind: 'change',
      event: 'created',
      status: 202,
    })
    await until(
      async () => !(await slotStarts(app, mt, date)).includes(`${date}T10:00:00+00:00`),
      'the delivered change to block its slot',
    )
  })

  it('renews a subscription before it expires by PATCH: same id and clientState, later expiry', async () => {
    const { account, calendarId, id, mt } = await connected(app)
    await until(async () => (await channelOf(id)).channelId !== null, 'a subscription')
    const old = await channelOf(id)
    const [creates, renewals] = [
      fake.count('subscriptions.create'),
      fake.count('subscriptions.renew'),
    ]
    const shift = old.channelExpiresAt!.getTime() - 12 * 3600_000 - clock.now
    clock.now += shift
    try {
      expect(await app.slotkitCalendars.renewChannels()).toBeGreaterThanOrEqual(1)
      const renewed = await channelOf(id)
      expect(renewed.channelId).toBe(old.channelId)
      expect(renewed.channelTokenHash).toBe(old.channelTokenHash)
      expect(renewed.channelExpiresAt!.getTime()).toBeGreaterThan(old.channelExpiresAt!.getTime())
      expect(fake.count('subscriptions.renew')).toBeGreaterThan(renewals)
      expect(fake.count('subscriptions.create')).toBe(creates)
      // Deliveries keep arriving on it.
      const date = nextMonday(clock.now)
      fake.upsertEvent(account, calendarId, {
        start: `${date}T15:00:00Z`,
        end: `${date}T16:00:00Z`,
      })
      await until(
        async () => !(await slotStarts(app, mt, date)).includes(`${date}T15:00:00+00:00`),
        'a change on the renewed subscription',
      )
    } finally {
      clock.now -= shift
    }
  })

  it('a subscription Graph no longer knows (404 on renewal) is replaced by a new one', async () => {
    const { id } = await connected(app)
    await until(async () => (await channelOf(id)).channelId !== null, 'a subscription')
    const old = await channelOf(id)
    fake.dropSubscription(old.channelId!)
    const shift = old.channelExpiresAt!.getTime() - 12 * 3600_000 - clock.now
    clock.now += shift
    try {
      await app.slotkitCalendars.ensureChannels(id)
      const replaced = await channelOf(id)
      expect(replaced.channelId).not.toBe(old.channelId)
      expect(replaced.channelTokenHash).not.toBe(old.channelTokenHash)
      expect(fake.activeSubscriptions().map((s) => s.id)).toContain(replaced.channelId)
    } finally {
      clock.now -= shift
    }
  })

  it('subscriptionRemoved: a new subscription, and the calendar listed in full', async () => {
    const { id } = await connected(app)
    await until(async () => (await channelOf(id)).syncCursor !== null, 'the first sync')
    await until(async () => (await channelOf(id)).channelId !== null, 'a subscription')
    const old = await channelOf(id)
    const initial = fake.deltaKinds.filter((k) => k === 'initial').length
    expect(await fake.lifecycle(old.channelId!, 'subscriptionRemoved')).toBe(202)
    await until(async () => {
      const now = await channelOf(id)
      return now.channelId !== null && now.channelId !== old.channelId
    }, 'a new subscription')
    expect(fake.isGone(old.channelId!)).toBe(true)
    await until(
      () => fake.deltaKinds.filter((k) => k === 'initial').length > initial,
      'a full delta round',
    )
  })

  it('reauthorizationRequired: the subscription is renewed by PATCH and the calendar listed in full', async () => {
    const { id } = await connected(app)
    await until(async () => (await channelOf(id)).syncCursor !== null, 'the first sync')
    await until(async () => (await channelOf(id)).channelId !== null, 'a subscription')
    const old = await channelOf(id)
    const renewals = fake.count('subscriptions.renew')
    const initial = fake.deltaKinds.filter((k) => k === 'initial').length
    expect(await fake.lifecycle(old.channelId!, 'reauthorizationRequired')).toBe(202)
    await until(() => fake.count('subscriptions.renew') > renewals, 'a renewal')
    await until(
      () => fake.deltaKinds.filter((k) => k === 'initial').length > initial,
      'a full delta round',
    )
    // The fake counts the renewal when it arrives; the new expiry is stored after its reply.
    await until(
      async () => (await channelOf(id)).channelExpiresAt!.getTime() > clock.now + 24 * 3600_000,
      'the renewed expiry stored',
    )
    expect((await channelOf(id)).channelId).toBe(old.channelId)
  })

  it('missed: the calendar is listed in full; the subscription stays', async () => {
    const { account, calendarId, id, mt } = await connected(app)
    await until(async () => (await channelOf(id)).syncCursor !== null, 'the first sync')
    await until(async () => (await channelOf(id)).channelId !== null, 'a subscription')
    const old = await channelOf(id)
    // A change whose notification Graph dropped.
    const date = nextMonday(clock.now)
    fake.autoNotify = false
    fake.upsertEvent(account, calendarId, { start: `${date}T13:00:00Z`, end: `${date}T14:00:00Z` })
    fake.autoNotify = true
    const creates = fake.count('subscriptions.create')
    expect(await fake.lifecycle(old.channelId!, 'missed')).toBe(202)
    await until(
      async () => !(await slotStarts(app, mt, date)).includes(`${date}T13:00:00+00:00`),
      'the missed change, through a full sync',
    )
    expect((await channelOf(id)).channelId).toBe(old.channelId)
    expect(fake.count('subscriptions.create')).toBe(creates)
  })

  it('deleting the integration deletes its subscriptions', async () => {
    const { host, id } = await connected(app)
    await until(async () => (await channelOf(id)).channelId !== null, 'a subscription')
    const { channelId } = await channelOf(id)
    const res = await app.inject({
      method: 'DELETE',
      url: `/api/integrations/${id}`,
      headers: bearer(host.apiKey),
    })
    expect(res.statusCode).toBe(204)
    // By the calendar.release job, after the delete committed.
    await until(() => fake.isGone(channelId!), 'the subscription to be deleted')
  })
})

describe('the notifications route (workers off)', () => {
  let app: FastifyInstance
  let address = ''
  let logs = ''
  const schema = `pgboss_msnote${Date.now().toString(36)}`
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs += chunk.toString()
      done()
    },
  })

  async function queuedSyncs(): Promise<{ reason: string; calendarId?: string }[]> {
    const rows = await db
      .withoutPlugins()
      .selectFrom(`${schema}.job` as never)
      .select(['data' as never])
      .where('name' as never, '=', 'calendar.sync' as never)
      .where('state' as never, '=', 'created' as never)
      .execute()
    return (rows as { data: { reason: string; calendarId?: string } }[]).map((r) => r.data)
  }

  beforeAll(async () => {
    app = await startCalendarApp({
      graph: fake,
      clock,
      listen: true,
      queueSchema: schema,
      log: { stream, level: 'info' },
    })
    const { port } = app.server.address() as { port: number }
    address = `http://127.0.0.1:${port}/api/integrations/microsoft/notifications`
  })

  afterAll(async () => {
    await app.close()
    await dropSchema(db, schema)
  })

  it('echoes a validationToken as text/plain at once, decoded, whatever the body', async () => {
    const token =
      'Validation: Testing client application reachability for subscription Request-Id: 1a2b+c/d=e'
    const res = await post(
      `${address}?validationToken=${encodeURIComponent(token)}`,
      'ignored',
      'text/plain; charset=utf-8',
    )
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(await res.text()).toBe(token)
    // Graph may also send it without a body or Content-Type.
    const bare = await fetch(`${address}?validationToken=abc`, { method: 'POST' })
    expect(bare.status).toBe(200)
    expect(await bare.text()).toBe('abc')
  })

  it('refuses a delivery with a wrong clientState (401, logged without it) and queues nothing', async () => {
    const { id } = await connected(app)
    expect(await app.slotkitCalendars.ensureChannels(id)).toBe(1)
    const { channelId } = await channelOf(id)
    const before = (await queuedSyncs()).filter((j) => j.reason === 'push').length
    expect(await fake.notify(channelId!, { clientState: 'forged-client-state' })).toBe(401)
    expect((await queuedSyncs()).filter((j) => j.reason === 'push')).toHaveLength(before)
    expect(logs).toContain('its clientState does not match its subscription')
    expect(logs).toContain(channelId)
    expect(logs).not.toContain('forged-client-state')
    // A lifecycle notification with a wrong clientState is refused the same way.
    expect(await fake.lifecycle(channelId!, 'missed', { clientState: 'forged-client-state' })).toBe(
      401,
    )
  })

  it('a burst of deliveries queues one sync of the calendar, and answers 202', async () => {
    const { id } = await connected(app)
    expect(await app.slotkitCalendars.ensureChannels(id)).toBe(1)
    const { channelId } = await channelOf(id)
    const statuses = []
    for (let i = 0; i < 5; i++) statuses.push(await fake.notify(channelId!))
    expect(statuses).toEqual([202, 202, 202, 202, 202])
    const calendar = await db
      .selectFrom('integrationCalendars')
      .select('id')
      .where('channelId', '=', channelId)
      .executeTakeFirstOrThrow()
    const forCalendar = (await queuedSyncs()).filter(
      (j) => j.reason === 'push' && j.calendarId === calendar.id,
    )
    expect(forCalendar).toHaveLength(1)
  })

  it('answers an unknown subscription 404, and a body without value 400 naming the field', async () => {
    const unknown = await post(
      address,
      JSON.stringify({
        value: [
          { subscriptionId: 'no-such-subscription', clientState: 'x', changeType: 'updated' },
        ],
      }),
    )
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toMatchObject({ error: 'NOT_FOUND' })
    const empty = await post(address, '{}')
    expect(empty.status).toBe(400)
    expect(await empty.json()).toMatchObject({
      error: 'VALIDATION_FAILED',
      details: { field: 'value' },
    })
    const broken = await post(address, '{"value": [')
    expect(broken.status).toBe(400)
    expect(await broken.json()).toMatchObject({ error: 'MALFORMED_JSON' })
    const html = await post(address, '<p>hi</p>', 'text/html')
    expect(html.status).toBe(415)
  })
})
