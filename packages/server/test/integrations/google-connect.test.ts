import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../src/db/database'
import { createGoogleProvider } from '../../src/integrations/calendar/google/google-provider'
import { type GoogleFake, startGoogleFake } from '../fakes/google-fake'
import { admin, bearer, createHost, createMeetingType, createTestApp } from '../helpers'
import {
  connectGoogle,
  consentUrlOf,
  googleConfig,
  integrationOf,
  openDb,
  slotStarts,
  startGoogleApp,
  syncNow,
  type TestClock,
  testClock,
} from './harness'

let fake: GoogleFake
let app: FastifyInstance
let db: Db
const clock: TestClock = testClock()
let accounts = 0

/** A fresh Google account with a primary calendar and a second one. */
function newAccount(): string {
  accounts += 1
  const email = `owner${accounts}-${Date.now()}@example.com`
  fake.addAccount(email, {
    calendars: [{ id: `team${accounts}@group.calendar.google.com`, summary: 'Team' }],
  })
  return email
}

async function integrationCount(hostId: string): Promise<number> {
  const row = await db
    .selectFrom('integrations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('hostId', '=', hostId)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

beforeAll(async () => {
  fake = await startGoogleFake()
  app = await startGoogleApp({ fake, clock })
  db = openDb()
})

afterAll(async () => {
  await app.close()
  await fake.close()
  await db.destroy()
})

describe('connecting Google Calendar', () => {
  it('sends the host to Google with offline access, a consent prompt, PKCE S256 and a state, and stores the account', async () => {
    const host = await createHost(app)
    const account = newAccount()
    const done = await connectGoogle(app, fake, host, account)
    expect(done.status).toBe(200)
    expect(done.body).toContain('Connected')
    const asked = fake.authorizations.at(-1)!
    expect(asked.get('access_type')).toBe('offline')
    expect(asked.get('prompt')).toBe('consent')
    expect(asked.get('code_challenge_method')).toBe('S256')
    expect(asked.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(asked.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(asked.get('redirect_uri')).toBe('http://slotkit.test/api/integrations/google/callback')
    // The fake only exchanged the code because the verifier matched the challenge.
    const list = await app.inject({ url: '/api/integrations', headers: bearer(host.apiKey) })
    expect(list.statusCode).toBe(200)
    expect(list.json().integrations).toEqual([
      {
        id: expect.any(String),
        user_id: host.id,
        provider: 'google',
        account_email: account,
        status: 'active',
        calendars: [
          { id: account, name: account, primary: true, busy: true, write: true },
          {
            id: expect.stringMatching(/^team/),
            name: 'Team',
            primary: false,
            busy: false,
            write: false,
          },
        ],
        last_synced_at: null,
        last_error: null,
        created_at: expect.any(String),
      },
    ])
    // Tokens are sealed at rest and never in a reply.
    const stored = await db
      .selectFrom('integrations')
      .select(['credentials', 'keyId'])
      .where('hostId', '=', host.id)
      .executeTakeFirstOrThrow()
    for (const secret of fake.issuedSecrets()) {
      expect(list.body).not.toContain(secret)
      expect(stored.credentials).not.toContain(secret)
    }
    expect(stored.credentials.startsWith(`v1.${stored.keyId}.`)).toBe(true)
  })

  it('redirects to return_url with the integration id', async () => {
    const host = await createHost(app)
    const done = await connectGoogle(app, fake, host, newAccount(), {
      returnUrl: 'https://app.example.com/settings?tab=calendars',
    })
    expect(done.status).toBe(302)
    const target = new URL(done.location!)
    expect(target.origin + target.pathname).toBe('https://app.example.com/settings')
    expect(target.searchParams.get('tab')).toBe('calendars')
    expect(target.searchParams.get('integration_id')).toBe(await integrationOf(app, host))
  })

  it('refuses a forged state with a 400 page and stores nothing', async () => {
    const host = await createHost(app)
    const res = await app.inject({
      url: '/api/integrations/google/callback?code=4%2F0Aforged&state=forged-state',
    })
    expect(res.statusCode).toBe(400)
    expect(res.headers['content-type']).toMatch(/^text\/html/)
    expect(res.body).toContain('OAUTH_STATE_INVALID')
    expect(await integrationCount(host.id)).toBe(0)
  })

  it('refuses a state used twice: the second callback stores nothing', async () => {
    const host = await createHost(app)
    const first = await connectGoogle(app, fake, host, newAccount())
    expect(first.status).toBe(200)
    const again = await app.inject({ url: first.callback })
    expect(again.statusCode).toBe(400)
    expect(again.body).toContain('OAUTH_STATE_INVALID')
    expect(await integrationCount(host.id)).toBe(1)
  })

  it('refuses a state older than 10 minutes', async () => {
    const host = await createHost(app)
    const authorized = await app.inject({
      method: 'POST',
      url: '/api/integrations/google/authorize',
      headers: bearer(host.apiKey),
      payload: {},
    })
    fake.consent = { account: newAccount() }
    const consent = await fetch(await consentUrlOf(app, authorized.json().authorization_url), {
      redirect: 'manual',
    })
    const back = new URL(consent.headers.get('location')!)
    clock.now += 10 * 60_000 + 1000
    try {
      const res = await app.inject({ url: `${back.pathname}${back.search}` })
      expect(res.statusCode).toBe(400)
      expect(res.body).toContain('OAUTH_STATE_INVALID')
      expect(await integrationCount(host.id)).toBe(0)
    } finally {
      clock.now -= 10 * 60_000 + 1000
    }
  })

  it('answers ?error=access_denied with a 400 page and stores nothing', async () => {
    const host = await createHost(app)
    const done = await connectGoogle(app, fake, host, newAccount(), { deny: true })
    expect(done.status).toBe(400)
    expect(done.body).toContain('OAUTH_ACCESS_DENIED')
    expect(done.body).toContain('declined')
    expect(await integrationCount(host.id)).toBe(0)
  })

  it('reconnecting the same account updates its integration instead of adding one', async () => {
    const host = await createHost(app)
    const account = newAccount()
    await connectGoogle(app, fake, host, account)
    const id = await integrationOf(app, host)
    await connectGoogle(app, fake, host, account)
    expect(await integrationCount(host.id)).toBe(1)
    expect(await integrationOf(app, host)).toBe(id)
  })

  it('needs a key: 401 without one, 403 on another host, 400 for the admin without user_id', async () => {
    const host = await createHost(app)
    const other = await createHost(app)
    await connectGoogle(app, fake, host, newAccount())
    const id = await integrationOf(app, host)
    expect((await app.inject({ url: '/api/integrations' })).statusCode).toBe(401)
    const foreign = await app.inject({
      method: 'DELETE',
      url: `/api/integrations/${id}`,
      headers: bearer(other.apiKey),
    })
    expect(foreign.statusCode).toBe(403)
    const adminList = await app.inject({ url: '/api/integrations', headers: admin })
    expect(adminList.statusCode).toBe(400)
    expect(adminList.json()).toMatchObject({
      error: 'VALIDATION_FAILED',
      details: { field: 'user_id' },
    })
    const forHost = await app.inject({
      url: `/api/integrations?user_id=${host.id}`,
      headers: admin,
    })
    expect(forHost.json().integrations).toHaveLength(1)
    const unknown = await app.inject({
      method: 'POST',
      url: '/api/integrations/00000000-0000-4000-8000-000000000000/sync',
      headers: bearer(host.apiKey),
    })
    expect(unknown.statusCode).toBe(404)
  })

  it('answers another host’s key 403 FORBIDDEN on each integration route, as for its webhooks and meeting types', async () => {
    const host = await createHost(app)
    const other = await createHost(app)
    await connectGoogle(app, fake, host, newAccount())
    const id = await integrationOf(app, host)
    const mt = await createMeetingType(app, host)
    const hook = await app.inject({
      method: 'POST',
      url: '/api/webhooks',
      headers: bearer(host.apiKey),
      payload: { user_id: host.id, url: 'http://127.0.0.1:9/hook', events: ['booking.created'] },
    })
    expect(hook.statusCode, hook.body).toBe(201)
    const foreign = [
      { method: 'PATCH', url: `/api/integrations/${id}`, payload: { write_calendar_id: null } },
      { method: 'POST', url: `/api/integrations/${id}/sync` },
      { method: 'DELETE', url: `/api/integrations/${id}` },
      { method: 'PATCH', url: `/api/webhooks/${hook.json().id}`, payload: { is_active: false } },
      { method: 'DELETE', url: `/api/webhooks/${hook.json().id}` },
      { method: 'PATCH', url: `/api/meeting-types/${mt}`, payload: { name: 'Mine now' } },
      { method: 'DELETE', url: `/api/meeting-types/${mt}` },
    ] as const
    for (const request of foreign) {
      const res = await app.inject({ ...request, headers: bearer(other.apiKey) })
      expect(res.statusCode, `${request.method} ${request.url}`).toBe(403)
      expect(res.json()).toMatchObject({ error: 'FORBIDDEN' })
      // Nothing of the resource is shown.
      expect(res.body).not.toContain(host.id)
    }
    expect(await integrationCount(host.id)).toBe(1)
    // The OpenAPI description says so too.
    const spec = (await app.inject({ url: '/api/openapi.json' })).json()
    for (const [path, method] of [
      ['/api/integrations/{id}', 'patch'],
      ['/api/integrations/{id}', 'delete'],
      ['/api/integrations/{id}/sync', 'post'],
    ] as const) {
      expect(spec.paths[path][method].responses, `${method} ${path}`).toHaveProperty('403')
    }
  })
})

describe('bad input', () => {
  it('gets a 400 naming the field, or a 404, never a 500', async () => {
    const host = await createHost(app)
    const authorize = (headers: Record<string, string>, payload: unknown) =>
      app.inject({
        method: 'POST',
        url: '/api/integrations/google/authorize',
        headers,
        payload: payload as object,
      })
    const badUrl = await authorize(bearer(host.apiKey), { return_url: 'javascript:alert(1)' })
    expect(badUrl.statusCode).toBe(400)
    expect(badUrl.json()).toMatchObject({
      error: 'VALIDATION_FAILED',
      details: { field: 'return_url' },
    })
    const extra = await authorize(bearer(host.apiKey), { refresh_token: 'x' })
    expect(extra.json()).toMatchObject({
      error: 'VALIDATION_FAILED',
      details: { field: 'refresh_token' },
    })
    const nobody = await authorize(admin, { user_id: '00000000-0000-4000-8000-000000000000' })
    expect(nobody.statusCode).toBe(404)
    const malformed = await app.inject({
      method: 'POST',
      url: '/api/integrations/google/authorize',
      headers: { ...bearer(host.apiKey), 'content-type': 'application/json' },
      payload: '{"return_url":',
    })
    expect(malformed.json()).toMatchObject({ error: 'MALFORMED_JSON' })
    await connectGoogle(app, fake, host, newAccount())
    const id = await integrationOf(app, host)
    const many = await app.inject({
      method: 'PATCH',
      url: `/api/integrations/${id}`,
      headers: bearer(host.apiKey),
      payload: { busy_calendar_ids: Array.from({ length: 101 }, (_, i) => `c${i}`) },
    })
    expect(many.statusCode).toBe(400)
    expect(many.json().details.field).toBe('busy_calendar_ids')
    const unknown = await app.inject({
      method: 'PATCH',
      url: `/api/integrations/${id}`,
      headers: bearer(host.apiKey),
      payload: { write_calendar_id: 'elsewhere@example.com' },
    })
    expect(unknown.json()).toMatchObject({
      error: 'VALIDATION_FAILED',
      details: { field: 'write_calendar_id' },
    })
    for (const bad of ['not-a-uuid', '00000000-0000-4000-8000-000000000000']) {
      const res = await app.inject({
        method: 'DELETE',
        url: `/api/integrations/${bad}`,
        headers: bearer(host.apiKey),
      })
      expect(res.statusCode).toBe(404)
    }
    const longCode = await app.inject({
      url: `/api/integrations/google/callback?code=${'x'.repeat(5000)}&state=s`,
    })
    expect(longCode.statusCode).toBe(400)
  })
})

describe('choosing calendars and removing an account', () => {
  it('PATCH sets the busy and write calendars, and names an unknown calendar', async () => {
    const host = await createHost(app)
    const account = newAccount()
    await connectGoogle(app, fake, host, account)
    const id = await integrationOf(app, host)
    const team = `team${accounts}@group.calendar.google.com`
    const res = await app.inject({
      method: 'PATCH',
      url: `/api/integrations/${id}`,
      headers: bearer(host.apiKey),
      payload: { busy_calendar_ids: [account, team], write_calendar_id: team },
    })
    expect(res.statusCode).toBe(200)
    expect(
      res.json().calendars.map((c: { busy: boolean; write: boolean }) => [c.busy, c.write]),
    ).toEqual([
      [true, false],
      [true, true],
    ])
    const bad = await app.inject({
      method: 'PATCH',
      url: `/api/integrations/${id}`,
      headers: bearer(host.apiKey),
      payload: { busy_calendar_ids: ['nobody@example.com'] },
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.json()).toMatchObject({
      error: 'VALIDATION_FAILED',
      details: { field: 'busy_calendar_ids', unknown: ['nobody@example.com'] },
    })
    const empty = await app.inject({
      method: 'PATCH',
      url: `/api/integrations/${id}`,
      headers: bearer(host.apiKey),
      payload: {},
    })
    expect(empty.statusCode).toBe(400)
  })

  it('turning a calendar off removes its busy times at once', async () => {
    const host = await createHost(app, 'UTC')
    const mt = await createMeetingType(app, host)
    const account = newAccount()
    await connectGoogle(app, fake, host, account)
    const id = await integrationOf(app, host)
    fake.upsertEvent(account, account, {
      start: { dateTime: '2027-03-02T10:00:00Z' },
      end: { dateTime: '2027-03-02T11:00:00Z' },
    })
    expect((await syncNow(app, host, id)).status).toBe('synced')
    expect(await slotStarts(app, mt, '2027-03-02')).not.toContain('2027-03-02T10:00:00+00:00')
    await app.inject({
      method: 'PATCH',
      url: `/api/integrations/${id}`,
      headers: bearer(host.apiKey),
      payload: { busy_calendar_ids: [] },
    })
    expect(await slotStarts(app, mt, '2027-03-02')).toContain('2027-03-02T10:00:00+00:00')
  })

  it('DELETE frees the busy times at once and leaves Google to the release job', async () => {
    const host = await createHost(app, 'UTC')
    const mt = await createMeetingType(app, host)
    const account = newAccount()
    await connectGoogle(app, fake, host, account)
    const id = await integrationOf(app, host)
    fake.upsertEvent(account, account, {
      start: { dateTime: '2027-03-03T13:00:00Z' },
      end: { dateTime: '2027-03-03T14:00:00Z' },
    })
    await syncNow(app, host, id)
    expect(await slotStarts(app, mt, '2027-03-03')).not.toContain('2027-03-03T13:00:00+00:00')
    const revokes = fake.count('revoke')
    const res = await app.inject({
      method: 'DELETE',
      url: `/api/integrations/${id}`,
      headers: bearer(host.apiKey),
    })
    expect(res.statusCode).toBe(204)
    // Workers are off here: the revocation waits in its calendar.release job
    // (integration-delete.test.ts runs it).
    expect(fake.count('revoke')).toBe(revokes)
    expect(await slotStarts(app, mt, '2027-03-03')).toContain('2027-03-03T13:00:00+00:00')
    expect(await integrationCount(host.id)).toBe(0)
    const rows = await db
      .selectFrom('externalBusy')
      .select('id')
      .where('hostId', '=', host.id)
      .execute()
    expect(rows).toEqual([])
  })
})

describe('OpenAPI', () => {
  it('documents every integration route with its schemas', async () => {
    const spec = (await app.inject({ url: '/api/openapi.json' })).json()
    const paths = spec.paths as Record<
      string,
      Record<string, { tags?: string[]; responses: object }>
    >
    expect(Object.keys(paths['/api/integrations']!)).toEqual(['get'])
    expect(Object.keys(paths['/api/integrations/{id}']!).sort()).toEqual(['delete', 'patch'])
    expect(Object.keys(paths['/api/integrations/{id}/sync']!)).toEqual(['post'])
    expect(paths['/api/integrations/google/authorize']!.post!.responses).toHaveProperty('501')
    expect(paths['/api/integrations/google/authorize']!.post!.responses).toHaveProperty('503')
    expect(paths['/api/integrations/google/callback']!.get!.tags).toEqual(['integrations'])
    expect(paths['/api/integrations/google/notifications']!.post!.responses).toHaveProperty('204')
    const item = (
      paths['/api/integrations']!.get!.responses as Record<
        string,
        {
          content: {
            'application/json': {
              schema: { properties: { integrations: { items: { properties: object } } } }
            }
          }
        }
      >
    )['200']!.content['application/json'].schema.properties.integrations.items
    // The reply schema has no field a token could leak through.
    expect(Object.keys(item.properties).sort()).toEqual([
      'account_email',
      'calendars',
      'created_at',
      'id',
      'last_error',
      'last_synced_at',
      'provider',
      'status',
      'user_id',
    ])
  })
})

describe('the per-account request budget', () => {
  it('is not shared by connects of different accounts', async () => {
    // A budget of 2 requests a minute per account: each connect lists calendars once.
    const config = googleConfig(fake)
    const tight = await startGoogleApp({
      fake,
      clock,
      providers: new Map([
        [
          'google',
          createGoogleProvider({
            clientId: config.googleClientId!,
            clientSecret: config.googleClientSecret!,
            authorizeUrl: config.googleOauthAuthorizeUrl!,
            tokenUrl: config.googleOauthTokenUrl!,
            revokeUrl: config.googleOauthRevokeUrl!,
            apiUrl: config.googleApiUrl!,
            now: () => clock.now,
            requestsPerMinute: 2,
          }),
        ],
      ]),
    })
    try {
      for (let i = 0; i < 3; i++) {
        const host = await createHost(tight)
        expect((await connectGoogle(tight, fake, host, newAccount())).status).toBe(200)
      }
    } finally {
      await tight.close()
    }
  })
})

describe('configuration', () => {
  it('answers 501 INTEGRATION_NOT_CONFIGURED without GOOGLE_CLIENT_ID', async () => {
    const bare = await createTestApp({ jobs: false })
    try {
      const host = await createHost(bare)
      const res = await bare.inject({
        method: 'POST',
        url: '/api/integrations/google/authorize',
        headers: bearer(host.apiKey),
      })
      expect(res.statusCode).toBe(501)
      expect(res.json()).toMatchObject({
        error: 'INTEGRATION_NOT_CONFIGURED',
        details: { provider: 'google' },
      })
      expect(res.json().message).toContain('GOOGLE_CLIENT_ID')
    } finally {
      await bare.close()
    }
  })

  it('with DATABASE_URL and no ENCRYPTION_KEY: connecting answers 503 naming the variable, the rest works', async () => {
    const keyless = await createTestApp({ jobs: false, ...googleConfig(fake) })
    try {
      const host = await createHost(keyless, 'UTC')
      const res = await keyless.inject({
        method: 'POST',
        url: '/api/integrations/google/authorize',
        headers: bearer(host.apiKey),
        payload: {},
      })
      expect(res.statusCode).toBe(503)
      expect(res.json()).toMatchObject({
        error: 'ENCRYPTION_KEY_MISSING',
        details: { variable: 'ENCRYPTION_KEY' },
      })
      expect(res.json().message).toContain('ENCRYPTION_KEY')
      const mt = await createMeetingType(keyless, host)
      expect(await slotStarts(keyless, mt, '2027-03-02')).toHaveLength(16)
    } finally {
      await keyless.close()
    }
  })
})
