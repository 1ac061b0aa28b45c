import { randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../src/db/database'
import { findIntegration } from '../../src/db/repositories/integrations.repository'
import { createSecretBox } from '../../src/integrations/calendar/secret-box'
import { type GoogleFake, startGoogleFake } from '../fakes/google-fake'
import { bearer, bookingBody, createHost, createMeetingType, type Host } from '../helpers'
import { smtpMailer } from '../notifications/harness'
import { parseMail, SmtpSink } from '../notifications/smtp-sink'
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

/** Access tokens last 3599 s; 56 minutes on, one is within the 5 minutes of refresh-ahead. */
const NEAR_EXPIRY_MS = 56 * 60_000

let fake: GoogleFake
let db: Db
const clock = testClock()
const key = randomBytes(32)
const box = createSecretBox(key)
let n = 0

function newAccount(): string {
  n += 1
  const account = `tok${n}-${Date.now()}@example.com`
  fake.addAccount(account)
  return account
}

beforeAll(async () => {
  fake = await startGoogleFake()
  db = openDb()
})

afterAll(async () => {
  await fake.close()
  await db.destroy()
})

describe('access tokens', () => {
  let app: FastifyInstance
  beforeAll(async () => {
    app = await startGoogleApp({ fake, clock, box })
  })
  afterAll(async () => {
    await app.close()
  })

  async function connected(): Promise<{ host: Host; account: string; id: string }> {
    const host = await createHost(app, 'UTC')
    const account = newAccount()
    await connectGoogle(app, fake, host, account)
    return { host, account, id: await integrationOf(app, host) }
  }

  it('are refreshed ahead of expiry, and the new one is used and stored', async () => {
    const { host, id } = await connected()
    const refreshes = fake.count('token.refresh')
    await syncNow(app, host, id)
    expect(fake.count('token.refresh')).toBe(refreshes)
    const first = fake.bearerTokens.at(-1)
    const before = await findIntegration(db, id)
    clock.now += NEAR_EXPIRY_MS
    try {
      expect((await syncNow(app, host, id)).status).toBe('synced')
      expect(fake.count('token.refresh')).toBe(refreshes + 1)
      expect(fake.bearerTokens.at(-1)).not.toBe(first)
      const after = await findIntegration(db, id)
      expect(after!.accessExpiresAt!.getTime()).toBeGreaterThan(before!.accessExpiresAt!.getTime())
      expect(after!.credentials).not.toBe(before!.credentials)
    } finally {
      clock.now -= NEAR_EXPIRY_MS
    }
  })

  it('a 401 from the API refreshes once and retries once', async () => {
    const { host, id } = await connected()
    fake.expireAccessTokens()
    const [refreshes, lists] = [fake.count('token.refresh'), fake.count('events.list')]
    expect((await syncNow(app, host, id)).status).toBe('synced')
    expect(fake.count('token.refresh')).toBe(refreshes + 1)
    expect(fake.count('events.list')).toBe(lists + 2)
  })

  it('a 401 that a fresh token does not cure fails the sync after one retry, with backoff', async () => {
    const { host, id } = await connected()
    fake.failNext('events.list', 2, { status: 401 })
    const [refreshes, lists] = [fake.count('token.refresh'), fake.count('events.list')]
    const result = await syncNow(app, host, id)
    expect(result).toMatchObject({
      status: 'failed',
      error: 'google events.list: HTTP 401 authError',
    })
    expect(result.next_attempt_at).not.toBeNull()
    expect(fake.count('token.refresh')).toBe(refreshes + 1)
    expect(fake.count('events.list')).toBe(lists + 2)
  })

  it('two server instances refresh one token once between them', async () => {
    const other = await startGoogleApp({ fake, clock, box })
    try {
      const { id } = await connected()
      const row = (await findIntegration(db, id))!
      fake.slow('token.refresh', 300)
      clock.now += NEAR_EXPIRY_MS
      const refreshes = fake.count('token.refresh')
      const sessions = [app, other].map((instance) =>
        instance.slotkitCalendars.tokens!.session(
          row,
          instance.slotkitCalendars.provider('google')!,
        ),
      )
      const [a, b] = await Promise.all(sessions.map((session) => session.accessToken()))
      expect(a).toBe(b)
      expect(fake.count('token.refresh')).toBe(refreshes + 1)
    } finally {
      fake.slow('token.refresh', 0)
      clock.now -= NEAR_EXPIRY_MS
      await other.close()
    }
  })

  it('two instances never sync one integration at once: the second is deferred', async () => {
    const other = await startGoogleApp({ fake, clock, box })
    try {
      const { host, id } = await connected()
      fake.slow('events.list', 300)
      const results = await Promise.all([syncNow(app, host, id), syncNow(other, host, id)])
      expect(results.map((r) => r.status).sort()).toEqual(['deferred', 'synced'])
      expect(results.find((r) => r.status === 'deferred')!.error).toMatch(/another sync/)
    } finally {
      fake.slow('events.list', 0)
      await other.close()
    }
  })

  it('a key rotation keeps old tokens readable and re-seals them on the next write', async () => {
    const { host, id } = await connected()
    expect((await findIntegration(db, id))!.keyId).toBe(box.keyId)
    // ENCRYPTION_KEY=<new key>, ENCRYPTION_KEYS_PREVIOUS=<the key it was sealed with>.
    const newKey = randomBytes(32)
    const rotated = await startGoogleApp({ fake, clock, box: createSecretBox(newKey, [key]) })
    try {
      clock.now += NEAR_EXPIRY_MS
      expect((await syncNow(rotated, host, id)).status).toBe('synced')
      expect((await findIntegration(db, id))!.keyId).toBe(createSecretBox(newKey).keyId)
    } finally {
      clock.now -= NEAR_EXPIRY_MS
      await rotated.close()
    }
  })
})

describe('a changed ENCRYPTION_KEY without the old one', () => {
  it('fails the sync with an error that says which variable to set, without disconnecting', async () => {
    const app = await startGoogleApp({ fake, clock, box })
    const stranger = await startGoogleApp({ fake, clock, box: createSecretBox(randomBytes(32)) })
    try {
      const host = await createHost(app, 'UTC')
      await connectGoogle(app, fake, host, newAccount())
      const id = await integrationOf(app, host)
      const result = await syncNow(stranger, host, id)
      expect(result.status).toBe('failed')
      expect(result.error).toContain(`unknown key (id ${box.keyId})`)
      expect(result.error).toContain('ENCRYPTION_KEYS_PREVIOUS')
      expect((await findIntegration(db, id))!.status).toBe('error')
    } finally {
      await stranger.close()
      await app.close()
    }
  })
})

describe('a revoked refresh token', () => {
  let app: FastifyInstance
  const sink = new SmtpSink()
  const schema = `pgboss_tok${Date.now().toString(36)}`
  let receiver: Server
  let receiverUrl = ''
  const deliveries: string[] = []

  beforeAll(async () => {
    await sink.start()
    receiver = createServer((request, response) => {
      let body = ''
      request.on('data', (chunk: Buffer) => (body += chunk.toString()))
      request.on('end', () => {
        deliveries.push(body)
        response.writeHead(200)
        response.end()
      })
    })
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`
    app = await startGoogleApp({
      fake,
      clock,
      workers: true,
      queueSchema: schema,
      mailer: smtpMailer(sink.url),
    })
  })

  afterAll(async () => {
    await app.close()
    await dropSchema(db, schema)
    await sink.stop()
    await new Promise((resolve) => receiver.close(resolve))
  })

  it('disconnects the integration, e-mails the host once, fires the webhook, keeps its busy times and bookings working', async () => {
    const host = await createHost(app, 'UTC')
    const mt = await createMeetingType(app, host)
    const hook = await app.inject({
      method: 'POST',
      url: '/api/webhooks',
      headers: bearer(host.apiKey),
      payload: { user_id: host.id, url: receiverUrl, events: ['integration.disconnected'] },
    })
    expect(hook.statusCode).toBe(201)
    const account = newAccount()
    await connectGoogle(app, fake, host, account)
    const id = await integrationOf(app, host)
    fake.upsertEvent(account, account, {
      start: { dateTime: '2027-03-02T10:00:00Z' },
      end: { dateTime: '2027-03-02T11:00:00Z' },
    })
    // The first sync may already be running as the connect's job: wait for a sync of ours.
    await until(async () => (await syncNow(app, host, id)).status === 'synced', 'a sync')
    fake.revokeGrants(account)
    clock.now += NEAR_EXPIRY_MS
    try {
      const result = await syncNow(app, host, id)
      expect(result.status).toBe('disconnected')
      expect(result.error).toMatch(/invalid_grant.*reconnect/)
      const listed = (
        await app.inject({ url: '/api/integrations', headers: bearer(host.apiKey) })
      ).json().integrations[0]
      expect(listed).toMatchObject({ id, status: 'disconnected', last_error: result.error })

      // The host is told, once.
      await until(
        () => sink.messages.some((m) => m.raw.includes('Reconnect your calendar')),
        'the e-mail',
      )
      const mails = sink.messages.filter((m) => m.raw.includes('Reconnect your calendar'))
      expect(mails).toHaveLength(1)
      const mail = await parseMail(mails[0]!)
      expect(mail.to).toMatchObject({ value: [{ address: expect.stringMatching(/^host-/) }] })
      expect(mail.text).toContain(account)
      // And the webhook.
      await until(() => deliveries.length > 0, 'the webhook delivery')
      const event = JSON.parse(deliveries[0]!)
      expect(event).toMatchObject({
        type: 'integration.disconnected',
        data: { integration: { id, status: 'disconnected', account_email: account } },
      })
      for (const secret of fake.issuedSecrets()) {
        expect(deliveries[0]).not.toContain(secret)
        expect(mails[0]!.raw).not.toContain(secret)
      }
      const jobs = await db
        .withoutPlugins()
        .selectFrom(`${schema}.job` as never)
        .select('name' as never)
        .where('name' as never, '=', 'integration.send-email' as never)
        .execute()
      expect(jobs).toHaveLength(1)

      // Sync stops: no more calls to Google for it.
      const calls = fake.count('token.refresh') + fake.count('events.list')
      expect((await syncNow(app, host, id)).status).toBe('disconnected')
      expect(fake.count('token.refresh') + fake.count('events.list')).toBe(calls)
      // Its stored busy time still blocks; bookings keep working.
      expect(await slotStarts(app, mt, '2027-03-02')).not.toContain('2027-03-02T10:00:00+00:00')
      const booked = await app.inject({
        method: 'POST',
        url: '/api/bookings',
        payload: bookingBody(mt, '2027-03-02T13:00:00Z'),
      })
      expect(booked.statusCode).toBe(201)
      const stored = await findIntegration(db, id)
      for (const secret of fake.issuedSecrets()) expect(stored!.credentials).not.toContain(secret)
    } finally {
      clock.now -= NEAR_EXPIRY_MS
    }

    // Reconnecting brings the same integration back.
    await connectGoogle(app, fake, host, account)
    const again = (
      await app.inject({ url: '/api/integrations', headers: bearer(host.apiKey) })
    ).json().integrations[0]
    expect(again).toMatchObject({ id, status: 'active', last_error: null })
  })
})
