// The OAuth connect flow's guards (issues 12/13 review): the start page that names the
// host before the provider's consent, return_url checked before anything is stored,
// the scopes asked for, and the cap on a host's live states.
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Db } from '../../src/db/database'
import { MAX_LIVE_OAUTH_STATES } from '../../src/db/repositories/integrations.repository'
import { type GoogleFake, startGoogleFake } from '../fakes/google-fake'
import { type GraphFake, startGraphFake } from '../fakes/graph-fake'
import { bearer, createHost, type Host } from '../helpers'
import {
  connectGoogle,
  consentUrlOf,
  continueLinkOf,
  integrationOf,
  openDb,
  startCalendarApp,
  type TestClock,
  testClock,
} from './harness'

let google: GoogleFake
let graph: GraphFake
let app: FastifyInstance
let db: Db
const clock: TestClock = testClock()
let accounts = 0

function newAccount(): string {
  accounts += 1
  const email = `start${accounts}-${Date.now()}@example.com`
  google.addAccount(email)
  return email
}

async function authorize(
  host: Host,
  provider: 'google' | 'microsoft',
  payload: object = {},
): Promise<{ statusCode: number; json: () => Record<string, unknown>; body: string }> {
  return app.inject({
    method: 'POST',
    url: `/api/integrations/${provider}/authorize`,
    headers: bearer(host.apiKey),
    payload,
  })
}

async function stateCount(hostId: string): Promise<number> {
  const row = await db
    .selectFrom('oauthStates')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('hostId', '=', hostId)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

beforeAll(async () => {
  google = await startGoogleFake()
  graph = await startGraphFake({ tls: inject('testTls') })
  app = await startCalendarApp({ fake: google, graph, clock })
  db = openDb()
})

afterAll(async () => {
  await app.close()
  await google.close()
  await graph.close()
  await db.destroy()
})

describe('return_url', () => {
  it('refuses, on both providers, a return_url the schema lets through but no URL parser takes, and stores no state', async () => {
    const host = await createHost(app)
    for (const provider of ['google', 'microsoft'] as const) {
      for (const bad of ['http://[', 'https://example.com:99999/x']) {
        const res = await authorize(host, provider, { return_url: bad })
        expect(res.statusCode).toBe(400)
        expect(res.json()).toMatchObject({
          error: 'VALIDATION_FAILED',
          details: { field: 'return_url' },
        })
        expect(res.json().message).toMatch(/^return_url: /)
      }
    }
    expect(await stateCount(host.id)).toBe(0)
  })
})

describe('the start page', () => {
  it('names the host, links on to Google’s consent page, and leaves the state usable', async () => {
    const host = await createHost(app)
    const user = (
      await app.inject({ url: `/api/users/${host.id}`, headers: bearer(host.apiKey) })
    ).json() as { name: string; email: string }
    const authorized = await authorize(host, 'google')
    expect(authorized.statusCode).toBe(200)
    const url = new URL(authorized.json().authorization_url as string)
    expect(`${url.origin}${url.pathname}`).toBe('http://slotkit.test/api/integrations/google/start')
    const page = await app.inject({ url: `${url.pathname}${url.search}` })
    expect(page.statusCode).toBe(200)
    expect(page.headers['content-type']).toMatch(/^text\/html/)
    expect(page.headers['referrer-policy']).toBe('no-referrer')
    expect(page.headers['x-frame-options']).toBe('DENY')
    expect(page.body).toContain('Connect your Google Calendar to <strong>Test Host</strong>')
    expect(page.body).toContain(user.email)
    const consent = new URL(continueLinkOf(page.body))
    expect(`${consent.origin}${consent.pathname}`).toBe(google.urls.authorize)
    expect(consent.searchParams.get('state')).toBe(url.searchParams.get('state'))
    // Opening the page again (a reload) still works: the page does not use the state.
    const again = await app.inject({ url: `${url.pathname}${url.search}` })
    expect(again.statusCode).toBe(200)
    const account = newAccount()
    google.consent = { account }
    const back = new URL((await fetch(consent, { redirect: 'manual' })).headers.get('location')!)
    const done = await app.inject({ url: `${back.pathname}${back.search}` })
    expect(done.statusCode).toBe(200)
    expect(await integrationOf(app, host)).toEqual(expect.any(String))
    // Once the callback used it, the start page refuses it like the callback does.
    const used = await app.inject({ url: `${url.pathname}${url.search}` })
    expect(used.statusCode).toBe(400)
    expect(used.body).toContain('data-error="OAUTH_STATE_INVALID"')
  })

  it('names the host for Microsoft too', async () => {
    const host = await createHost(app)
    const authorized = await authorize(host, 'microsoft')
    const consent = new URL(await consentUrlOf(app, authorized.json().authorization_url as string))
    expect(consent.origin).toBe(new URL(graph.url).origin)
    expect(consent.pathname).toBe('/common/oauth2/v2.0/authorize')
  })

  it('answers an unknown, missing or expired state with the callback’s 400 page', async () => {
    const host = await createHost(app)
    for (const query of ['?state=forged-state', '']) {
      const res = await app.inject({ url: `/api/integrations/google/start${query}` })
      expect(res.statusCode).toBe(400)
      expect(res.headers['content-type']).toMatch(/^text\/html/)
      expect(res.body).toContain('Not connected')
      expect(res.body).toContain('data-error="OAUTH_STATE_INVALID"')
    }
    const authorized = await authorize(host, 'google')
    const url = new URL(authorized.json().authorization_url as string)
    // A Google state is no Microsoft state.
    const wrongProvider = await app.inject({
      url: `/api/integrations/microsoft/start${url.search}`,
    })
    expect(wrongProvider.statusCode).toBe(400)
    clock.now += 10 * 60_000 + 1000
    try {
      const expired = await app.inject({ url: `${url.pathname}${url.search}` })
      expect(expired.statusCode).toBe(400)
      expect(expired.body).toContain('data-error="OAUTH_STATE_INVALID"')
    } finally {
      clock.now -= 10 * 60_000 + 1000
    }
  })
})

describe('scopes', () => {
  it('asks Google for calendar.readonly and calendar.events only, without earlier grants', async () => {
    const host = await createHost(app)
    const done = await connectGoogle(app, google, host, newAccount())
    expect(done.status).toBe(200)
    const asked = google.authorizations.at(-1)!
    expect(asked.get('scope')).toBe(
      'https://www.googleapis.com/auth/calendar.readonly https://www.googleapis.com/auth/calendar.events',
    )
    // include_granted_scopes would fold scopes granted to this client earlier into the token.
    expect(asked.has('include_granted_scopes')).toBe(false)
  })
})

describe('live states per host', () => {
  it(`keeps a host's ${MAX_LIVE_OAUTH_STATES} newest states: the oldest is dropped`, async () => {
    const host = await createHost(app)
    const urls: URL[] = []
    for (let i = 0; i <= MAX_LIVE_OAUTH_STATES; i++) {
      const res = await authorize(host, 'google')
      expect(res.statusCode).toBe(200)
      urls.push(new URL(res.json().authorization_url as string))
    }
    expect(await stateCount(host.id)).toBe(MAX_LIVE_OAUTH_STATES)
    const oldest = await app.inject({ url: `${urls[0]!.pathname}${urls[0]!.search}` })
    expect(oldest.statusCode).toBe(400)
    expect(oldest.body).toContain('data-error="OAUTH_STATE_INVALID"')
    for (const url of [urls[1]!, urls.at(-1)!]) {
      expect((await app.inject({ url: `${url.pathname}${url.search}` })).statusCode).toBe(200)
    }
    // Another host's states are not counted against this one.
    const other = await createHost(app)
    expect((await authorize(other, 'google')).statusCode).toBe(200)
    expect(await stateCount(host.id)).toBe(MAX_LIVE_OAUTH_STATES)
  })
})
