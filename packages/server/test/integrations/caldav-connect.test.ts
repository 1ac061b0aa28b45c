import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../src/db/database'
import { findIntegration } from '../../src/db/repositories/integrations.repository'
import { createCaldavProvider } from '../../src/integrations/calendar/caldav/caldav-provider'
import { bearer, createHost, type Host, NOW } from '../helpers'
import {
  type CaldavAccount,
  connectBody,
  connectCaldav,
  newCaldavAccount,
  radicaleUrl,
  startCaldavApp,
} from './caldav-harness'
import { openDb, testClock } from './harness'

const clock = testClock()
let app: FastifyInstance
let db: Db
/** A plain web server that is no CalDAV server (404 everywhere) or fails (503). */
let web: Server
let webUrl: string

async function integrations(host: Host) {
  const res = await app.inject({ url: '/api/integrations', headers: bearer(host.apiKey) })
  return res.json().integrations as { id: string; provider: string; account_email: string }[]
}

/** A free loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe.skipIf(!radicaleUrl())('POST /api/integrations/caldav (Radicale)', () => {
  let account: CaldavAccount

  beforeAll(async () => {
    app = await startCaldavApp({ clock })
    db = openDb()
    account = await newCaldavAccount()
    web = createServer((req, res) => {
      if (req.url?.startsWith('/down')) {
        res.writeHead(503, { 'retry-after': '120' })
        res.end('maintenance')
        return
      }
      res.writeHead(404, { 'content-type': 'text/html' })
      res.end('<h1>Not found</h1>')
    })
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve))
    webUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}`
  })

  afterAll(async () => {
    await app.close()
    await db.destroy()
    await new Promise((resolve) => web.close(resolve))
  })

  it('discovers the account, stores it with the password sealed, and lists its calendar', async () => {
    const host = await createHost(app, 'UTC')
    const res = await connectCaldav(app, host, connectBody(account))
    expect(res.statusCode, res.body).toBe(201)
    const integration = res.json()
    expect(integration).toMatchObject({
      user_id: host.id,
      provider: 'caldav',
      account_email: `${account.username}@127.0.0.1`,
      status: 'active',
      calendars: [
        { id: account.calendarUrl, name: 'Work', primary: true, busy: true, write: true },
      ],
    })
    expect(res.body).not.toContain(account.password)
    const row = await findIntegration(db, integration.id)
    expect(row?.credentials).toBeTruthy()
    expect(row?.credentials).not.toContain(account.password)
    expect(row?.credentials).not.toContain(account.username)
    // The box opens it: the password and what discovery found.
    const session = app.slotkitCalendars.tokens!.session(
      row!,
      app.slotkitCalendars.provider('caldav')!,
    )
    expect(await session.credentials()).toMatchObject({
      server_url: radicaleUrl(),
      username: account.username,
      password: account.password,
      home_url: new URL(`/${account.username}/`, radicaleUrl()).href,
    })

    // The same account again (a new password, say): the same integration, 200.
    const again = await connectCaldav(app, host, connectBody(account))
    expect(again.statusCode).toBe(200)
    expect(again.json().id).toBe(integration.id)
    expect(await integrations(host)).toHaveLength(1)
    // The list never shows the password, nor the sealed credentials.
    const list = await app.inject({ url: '/api/integrations', headers: bearer(host.apiKey) })
    expect(list.statusCode).toBe(200)
    expect(list.body).not.toContain(account.password)
    expect(list.body).not.toContain(row!.credentials.slice(0, 40))
  })

  it('refuses a wrong password with 400 CREDENTIALS_REJECTED naming the password, storing nothing', async () => {
    const host = await createHost(app, 'UTC')
    const res = await connectCaldav(app, host, { ...connectBody(account), password: 'wrong' })
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({
      error: 'CREDENTIALS_REJECTED',
      details: { field: 'password' },
    })
    expect(res.json().message).toMatch(/^password: 127\.0\.0\.1:\d+ refused the user name/)
    expect(res.body).not.toContain('wrong')
    expect(await integrations(host)).toEqual([])
  })

  it('answers 400 CALENDAR_SERVER_UNREACHABLE naming server_url for a closed port, a web server that is no CalDAV server, and an unknown host', async () => {
    const host = await createHost(app, 'UTC')
    const cases = [
      [`http://127.0.0.1:${await closedPort()}/`, /could not be reached \(ECONNREFUSED\)/],
      [`${webUrl}/`, /no CalDAV calendars were found/],
      ['http://calendar.invalid/', /calendar\.invalid could not be reached \(ENOTFOUND\)/],
    ] as const
    for (const [serverUrl, message] of cases) {
      const res = await connectCaldav(app, host, { ...connectBody(account), server_url: serverUrl })
      expect(res.statusCode, serverUrl).toBe(400)
      expect(res.json()).toMatchObject({
        error: 'CALENDAR_SERVER_UNREACHABLE',
        details: { field: 'server_url' },
      })
      expect(res.json().message).toMatch(message)
      expect(res.body).not.toContain(account.password)
    }
    expect(await integrations(host)).toEqual([])
  })

  it('answers 502 PROVIDER_ERROR when the server fails (5xx)', async () => {
    const host = await createHost(app, 'UTC')
    const res = await connectCaldav(app, host, {
      ...connectBody(account),
      server_url: `${webUrl}/down/`,
    })
    expect(res.statusCode).toBe(502)
    expect(res.json()).toMatchObject({ error: 'PROVIDER_ERROR', details: { provider: 'caldav' } })
    expect(res.body).not.toContain(account.password)
    expect(await integrations(host)).toEqual([])
  })

  it('validates the body: each bad field is a 400 naming it', async () => {
    const host = await createHost(app, 'UTC')
    const good = connectBody(account)
    const cases: [Record<string, unknown>, string][] = [
      [{ ...good, password: undefined }, 'password'],
      [{ ...good, server_url: 'ftp://dav.example.com/' }, 'server_url'],
      [{ ...good, username: 'a:b' }, 'username'],
      [{ ...good, server_url: 'http://[::1' }, 'server_url'],
    ]
    for (const [payload, field] of cases) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/integrations/caldav',
        headers: bearer(host.apiKey),
        payload,
      })
      expect(res.statusCode, JSON.stringify(payload)).toBe(400)
      expect(res.json().error).toBe('VALIDATION_FAILED')
      expect(res.json().message).toContain(field)
    }
    const anonymous = await app.inject({
      method: 'POST',
      url: '/api/integrations/caldav',
      payload: good,
    })
    expect(anonymous.statusCode).toBe(401)
  })
})

describe.skipIf(!radicaleUrl())(
  'CalDAV server URLs and the SSRF policy (WEBHOOK_ALLOW_PRIVATE)',
  () => {
    let account: CaldavAccount
    const port = () => new URL(radicaleUrl()).port
    /**
     * No DNS server knows these names: only this resolver sends `dav.invalid` to
     * loopback, and `public.invalid` to a public documentation address (TEST-NET-3)
     * that nothing is ever sent to.
     */
    const resolve = async (hostname: string) => {
      if (hostname === 'dav.invalid') return [{ address: '127.0.0.1', family: 4 }]
      if (hostname === 'public.invalid') return [{ address: '203.0.113.10', family: 4 }]
      throw new Error(`ENOTFOUND ${hostname}`)
    }
    const apps: FastifyInstance[] = []

    async function appWith(allowPrivate: boolean) {
      const started = await startCaldavApp({
        clock,
        config: { webhookAllowPrivate: allowPrivate },
        providers: new Map([
          ['caldav', createCaldavProvider({ allowPrivate, resolve, now: () => NOW })],
        ]),
      })
      apps.push(started)
      return started
    }

    beforeAll(async () => {
      account = await newCaldavAccount()
    })

    afterAll(async () => {
      for (const started of apps) await started.close()
    })

    it('refuses a loopback server, by address or by a name resolving to it, unless private addresses are allowed', async () => {
      const strict = await appWith(false)
      const host = await createHost(strict, 'UTC')
      for (const serverUrl of [radicaleUrl(), `https://dav.invalid:${port()}/`]) {
        const res = await connectCaldav(strict, host, {
          ...connectBody(account),
          server_url: serverUrl,
        })
        expect(res.statusCode, serverUrl).toBe(400)
        expect(res.json()).toMatchObject({
          error: 'VALIDATION_FAILED',
          details: { field: 'server_url' },
        })
        expect(res.json().message).toMatch(/non-public address.*WEBHOOK_ALLOW_PRIVATE=true/)
        expect(res.body).not.toContain(account.password)
      }
      // Plain http to a public address is refused too, before any connection: the
      // password would cross the network in clear.
      const http = await connectCaldav(strict, host, {
        ...connectBody(account),
        server_url: 'http://public.invalid/',
      })
      expect(http.json()).toMatchObject({
        error: 'VALIDATION_FAILED',
        details: { field: 'server_url' },
      })
      expect(http.json().message).toMatch(/only https/)
      expect(
        (await strict.inject({ url: '/api/integrations', headers: bearer(host.apiKey) })).json(),
      ).toEqual({ integrations: [] })
    })

    it('connects to the address the guard resolved (the name itself resolves nowhere)', async () => {
      const open = await appWith(true)
      const host = await createHost(open, 'UTC')
      const serverUrl = `http://dav.invalid:${port()}/`
      const res = await connectCaldav(open, host, {
        ...connectBody(account),
        server_url: serverUrl,
      })
      expect(res.statusCode, res.body).toBe(201)
      // Radicale answered with its own paths; the calendar URL keeps the host name given.
      expect(res.json().calendars[0].id).toBe(`${serverUrl}${account.username}/work/`)
    })
  },
)
