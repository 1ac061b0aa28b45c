// Connecting Microsoft 365 / Outlook.com: the server talks to the fake identity platform
// and Graph (HTTPS, test CA trusted through NODE_EXTRA_CA_CERTS) with fetch and the real
// @microsoft/microsoft-graph-client.
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { Db } from '../../src/db/database'
import { type GraphFake, startGraphFake } from '../fakes/graph-fake'
import { bearer, createHost, createMeetingType, createTestApp } from '../helpers'
import {
  connectMicrosoft,
  integrationOf,
  microsoftConfig,
  nextMonday,
  openDb,
  slotStarts,
  startCalendarApp,
  syncNow,
  type TestClock,
  testClock,
} from './harness'

let fake: GraphFake
let app: FastifyInstance
let db: Db
const clock: TestClock = testClock()
let accounts = 0

/** A fresh mailbox with its default calendar and a second one. */
function newAccount(options: { personal?: boolean } = {}): string {
  accounts += 1
  const email = `adele${accounts}-${Date.now()}@contoso.example`
  fake.addAccount(email, { personal: options.personal, calendars: [{ name: 'Team' }] })
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
  fake = await startGraphFake({ tls: inject('testTls') })
  app = await startCalendarApp({ graph: fake, clock })
  db = openDb()
})

afterAll(async () => {
  await app.close()
  await fake.close()
  await db.destroy()
})

describe('connecting Microsoft 365 / Outlook.com', () => {
  it('sends the host to the tenant’s consent page with offline_access, PKCE S256 and a state, and stores the mailbox', async () => {
    const host = await createHost(app)
    const account = newAccount()
    const done = await connectMicrosoft(app, fake, host, account)
    expect(done.status).toBe(200)
    expect(done.body).toContain('Outlook Calendar')
    expect(done.body).toContain(account)
    const { tenant, params } = fake.authorizations.at(-1)!
    expect(tenant).toBe('common')
    expect(params.get('client_id')).toBe(fake.clientId)
    expect(params.get('response_type')).toBe('code')
    expect(params.get('scope')).toBe('offline_access Calendars.ReadWrite User.Read')
    expect(params.get('code_challenge_method')).toBe('S256')
    expect(params.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(params.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(params.get('redirect_uri')).toBe(
      'http://slotkit.test/api/integrations/microsoft/callback',
    )
    // The fake only exchanged the code because the verifier matched the challenge.
    const list = await app.inject({ url: '/api/integrations', headers: bearer(host.apiKey) })
    expect(list.json().integrations).toEqual([
      {
        id: expect.any(String),
        user_id: host.id,
        provider: 'microsoft',
        account_email: account,
        status: 'active',
        calendars: [
          {
            id: fake.defaultCalendar(account),
            name: 'Calendar',
            primary: true,
            busy: true,
            write: true,
          },
          { id: expect.any(String), name: 'Team', primary: false, busy: false, write: false },
        ],
        last_synced_at: null,
        last_error: null,
        created_at: expect.any(String),
      },
    ])
    // The client secret, codes and tokens are sealed at rest and never in a reply.
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

  it('names a personal account by its userPrincipalName (it has no mail)', async () => {
    const host = await createHost(app)
    const account = newAccount({ personal: true })
    expect((await connectMicrosoft(app, fake, host, account)).status).toBe(200)
    const list = await app.inject({ url: '/api/integrations', headers: bearer(host.apiKey) })
    expect(list.json().integrations[0]).toMatchObject({ account_email: account })
  })

  it('syncs the default calendar: its busy events block slots', async () => {
    const host = await createHost(app, 'UTC')
    const mt = await createMeetingType(app, host)
    const account = newAccount()
    await connectMicrosoft(app, fake, host, account)
    const id = await integrationOf(app, host)
    const date = nextMonday(clock.now)
    expect(await slotStarts(app, mt, date)).toContain(`${date}T10:00:00+00:00`)
    fake.upsertEvent(account, fake.defaultCalendar(account), {
      start: `${date}T10:00:00Z`,
      end: `${date}T11:00:00Z`,
    })
    expect(await syncNow(app, host, id)).toMatchObject({ status: 'synced', changes: 1 })
    const starts = await slotStarts(app, mt, date)
    expect(starts).not.toContain(`${date}T10:00:00+00:00`)
    expect(starts).not.toContain(`${date}T10:30:00+00:00`)
    expect(starts).toContain(`${date}T11:00:00+00:00`)
  })

  it('answers a refusal (?error=access_denied) with a 400 page and stores nothing', async () => {
    const host = await createHost(app)
    const done = await connectMicrosoft(app, fake, host, newAccount(), { deny: true })
    expect(done.status).toBe(400)
    expect(done.body).toContain('OAUTH_ACCESS_DENIED')
    expect(await integrationCount(host.id)).toBe(0)
  })

  it('refuses a state used twice, and a state of another provider', async () => {
    const host = await createHost(app)
    const first = await connectMicrosoft(app, fake, host, newAccount())
    expect(first.status).toBe(200)
    const again = await app.inject({ url: first.callback })
    expect(again.statusCode).toBe(400)
    expect(again.body).toContain('OAUTH_STATE_INVALID')
    // A Microsoft state is not accepted by the Google callback (Google is not configured
    // here: 501 before the state is looked at), nor a forged one by Microsoft's.
    const forged = await app.inject({
      url: '/api/integrations/microsoft/callback?code=0.AXoAforged&state=forged-state',
    })
    expect(forged.statusCode).toBe(400)
    expect(forged.body).toContain('OAUTH_STATE_INVALID')
    expect(await integrationCount(host.id)).toBe(1)
  })

  it('a code the token endpoint refuses (invalid_grant) stores nothing and says so', async () => {
    const host = await createHost(app)
    fake.failNext('token.code', 1, { status: 400, code: 'invalid_grant' })
    const done = await connectMicrosoft(app, fake, host, newAccount())
    expect(done.status).toBe(400)
    expect(done.body).toContain('OAUTH_ACCESS_DENIED')
    expect(done.body).toContain('microsoft token: HTTP 400 invalid_grant')
    expect(await integrationCount(host.id)).toBe(0)
  })

  it('the identity platform being down is a 502 PROVIDER_ERROR page, and nothing is stored', async () => {
    const host = await createHost(app)
    fake.failNext('token.code', 1, { status: 503, code: 'temporarily_unavailable' })
    const done = await connectMicrosoft(app, fake, host, newAccount())
    expect(done.status).toBe(502)
    expect(done.body).toContain('PROVIDER_ERROR')
    expect(await integrationCount(host.id)).toBe(0)
  })

  it('reconnecting the same mailbox updates its integration instead of adding one', async () => {
    const host = await createHost(app)
    const account = newAccount()
    await connectMicrosoft(app, fake, host, account)
    const id = await integrationOf(app, host)
    await connectMicrosoft(app, fake, host, account)
    expect(await integrationCount(host.id)).toBe(1)
    expect(await integrationOf(app, host)).toBe(id)
  })
})

describe('without MICROSOFT_CLIENT_ID', () => {
  it('answers 501 INTEGRATION_NOT_CONFIGURED naming the variables', async () => {
    const bare = await createTestApp()
    try {
      const host = await createHost(bare)
      const res = await bare.inject({
        method: 'POST',
        url: '/api/integrations/microsoft/authorize',
        headers: bearer(host.apiKey),
      })
      expect(res.statusCode).toBe(501)
      expect(res.json()).toMatchObject({
        error: 'INTEGRATION_NOT_CONFIGURED',
        details: { provider: 'microsoft' },
      })
      expect(res.json().message).toContain('MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET')
      expect(res.json().message).toContain('Outlook Calendar')
    } finally {
      await bare.close()
    }
  })

  it('a tenant other than common is the one in the consent and token URLs', async () => {
    const tenantApp = await startCalendarApp({
      graph: fake,
      clock,
      config: { ...microsoftConfig(fake), microsoftTenant: 'organizations' },
    })
    try {
      const host = await createHost(tenantApp)
      expect((await connectMicrosoft(tenantApp, fake, host, newAccount())).status).toBe(200)
      expect(fake.authorizations.at(-1)!.tenant).toBe('organizations')
      expect(fake.tokenTenants.at(-1)).toBe('organizations')
    } finally {
      await tenantApp.close()
    }
  })
})
