// The providers' public notification routes under abuse: unknown channel and
// subscription ids are remembered for a short while (no database query each time),
// and the routes are rate limited per channel (Google) or for all subscriptions
// (Microsoft), never per address, with Graph's validation handshake exempt.
import { createHash, randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Db } from '../../src/db/database'
import {
  NOTIFICATIONS_PER_CHANNEL_PER_MINUTE,
  UNKNOWN_CHANNEL_TTL_MS,
} from '../../src/routes/integrations/notification-limits'
import { type GoogleFake, startGoogleFake } from '../fakes/google-fake'
import { type GraphFake, startGraphFake } from '../fakes/graph-fake'
import { createHost } from '../helpers'
import {
  connectGoogle,
  connectMicrosoft,
  integrationOf,
  openDb,
  startCalendarApp,
  type TestClock,
  testClock,
} from './harness'

let google: GoogleFake
let graph: GraphFake
let db: Db
const clock: TestClock = testClock()

function googleNotification(app: FastifyInstance, channelId: string, token: string) {
  return app.inject({
    method: 'POST',
    url: '/api/integrations/google/notifications',
    headers: {
      'x-goog-channel-id': channelId,
      'x-goog-channel-token': token,
      'x-goog-resource-state': 'exists',
      'x-goog-message-number': '2',
    },
  })
}

function graphNotification(app: FastifyInstance, subscriptionId: string, clientState: string) {
  return app.inject({
    method: 'POST',
    url: '/api/integrations/microsoft/notifications',
    payload: { value: [{ subscriptionId, clientState, changeType: 'updated' }] },
  })
}

/** Gives the primary calendar of `integrationId` the push channel `channelId` with `token`. */
async function openChannel(integrationId: string, channelId: string, token: string) {
  await db
    .updateTable('integrationCalendars')
    .set({
      channelId,
      channelTokenHash: createHash('sha256').update(token).digest('hex'),
      channelExpiresAt: new Date(clock.now + 86_400_000),
    })
    .where('integrationId', '=', integrationId)
    .where('isPrimary', '=', true)
    .execute()
}

beforeAll(async () => {
  google = await startGoogleFake()
  graph = await startGraphFake({ tls: inject('testTls') })
  db = openDb()
})

afterAll(async () => {
  await google.close()
  await graph.close()
  await db.destroy()
})

describe('unknown channel ids', () => {
  let app: FastifyInstance
  beforeAll(async () => {
    app = await startCalendarApp({ fake: google, graph, clock })
  })
  afterAll(async () => {
    await app.close()
  })

  it('answers a Google channel id found unknown from memory for a while, then looks again', async () => {
    const host = await createHost(app)
    const account = `neg-${Date.now()}@example.com`
    google.addAccount(account)
    await connectGoogle(app, google, host, account)
    const id = await integrationOf(app, host)
    const channelId = randomUUID()
    expect((await googleNotification(app, channelId, 'tok')).statusCode).toBe(404)
    // The channel exists now (its watch reply was stored after the first notification):
    // within the TTL the id is still answered from memory, without a lookup.
    await openChannel(id, channelId, 'tok')
    const cached = await googleNotification(app, channelId, 'tok')
    expect(cached.statusCode).toBe(404)
    expect(cached.json()).toMatchObject({ error: 'NOT_FOUND' })
    clock.now += UNKNOWN_CHANNEL_TTL_MS + 1000
    try {
      expect((await googleNotification(app, channelId, 'tok')).statusCode).toBe(204)
    } finally {
      clock.now -= UNKNOWN_CHANNEL_TTL_MS + 1000
    }
  })

  it('does the same for Graph subscription ids', async () => {
    const host = await createHost(app)
    const account = `neg-ms-${Date.now()}@example.com`
    graph.addAccount(account)
    await connectMicrosoft(app, graph, host, account)
    const id = await integrationOf(app, host)
    const subscriptionId = randomUUID()
    expect((await graphNotification(app, subscriptionId, 'state')).statusCode).toBe(404)
    await openChannel(id, subscriptionId, 'state')
    expect((await graphNotification(app, subscriptionId, 'state')).statusCode).toBe(404)
    clock.now += UNKNOWN_CHANNEL_TTL_MS + 1000
    try {
      expect((await graphNotification(app, subscriptionId, 'state')).statusCode).toBe(202)
    } finally {
      clock.now -= UNKNOWN_CHANNEL_TTL_MS + 1000
    }
  })
})

describe('rate limits (RATE_LIMIT_PER_MINUTE set)', () => {
  let app: FastifyInstance
  beforeAll(async () => {
    // A per-address limit of 5 would stop Google's shared senders at the 6th request:
    // the notification routes have limits of their own.
    app = await startCalendarApp({ fake: google, graph, clock, config: { rateLimitPerMinute: 5 } })
  })
  afterAll(async () => {
    await app.close()
  })

  it('limits Google notifications per channel id, not per address', async () => {
    const flooded = randomUUID()
    for (let i = 0; i < NOTIFICATIONS_PER_CHANNEL_PER_MINUTE; i++) {
      const res = await googleNotification(app, flooded, 'tok')
      expect(res.statusCode).toBe(404)
    }
    const limited = await googleNotification(app, flooded, 'tok')
    expect(limited.statusCode).toBe(429)
    expect(limited.json()).toMatchObject({ error: 'RATE_LIMITED' })
    expect(limited.json().message).toContain('for one channel')
    // The same address, another channel: not limited.
    expect((await googleNotification(app, randomUUID(), 'tok')).statusCode).toBe(404)
  })

  it('answers Graph’s validation requests and notifications past the per-address limit', async () => {
    for (let i = 0; i < 10; i++) {
      const validation = await app.inject({
        method: 'POST',
        url: `/api/integrations/microsoft/notifications?validationToken=check-${i}`,
        headers: { 'content-type': 'text/plain' },
        payload: '',
      })
      expect(validation.statusCode).toBe(200)
      expect(validation.body).toBe(`check-${i}`)
      expect((await graphNotification(app, randomUUID(), 'state')).statusCode).toBe(404)
    }
  })
})
