// The fake must be one the real Graph client accepts unchanged: these tests drive it with
// @microsoft/microsoft-graph-client (its default middleware chain: authentication, retry,
// redirect, telemetry, fetch) and plain fetch for the identity platform, no Slotkit code.
// It serves HTTPS with the test CA of the global setup, trusted through NODE_EXTRA_CA_CERTS.
import { createHash, randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Client, type GraphError } from '@microsoft/microsoft-graph-client'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { extendedPropertyId, type GraphFake, startGraphFake } from './graph-fake'

const ACCOUNT = 'adele@contoso.example'
const REDIRECT = 'http://127.0.0.1/callback'
let fake: GraphFake
let receiver: Server
let receiverUrl = ''
const received: { url: string; contentType: string | undefined; body: string }[] = []

/** The consent page, then the code exchange with PKCE: a token response. */
async function connect(account = ACCOUNT): Promise<Record<string, string | number>> {
  const verifier = randomBytes(32).toString('base64url')
  const authorize = new URL(`${fake.url}/common/oauth2/v2.0/authorize`)
  authorize.search = new URLSearchParams({
    client_id: fake.clientId,
    response_type: 'code',
    redirect_uri: REDIRECT,
    scope: 'offline_access Calendars.ReadWrite User.Read',
    state: 'st',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    login_hint: account,
  }).toString()
  const consent = await fetch(authorize, { redirect: 'manual' })
  const back = new URL(consent.headers.get('location')!)
  expect(back.searchParams.get('state')).toBe('st')
  const response = await tokenRequest({
    grant_type: 'authorization_code',
    code: back.searchParams.get('code')!,
    redirect_uri: REDIRECT,
    code_verifier: verifier,
  })
  expect(response.status).toBe(200)
  return response.json()
}

function tokenRequest(fields: Record<string, string>): Promise<Response> {
  return fetch(`${fake.url}/common/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      client_id: fake.clientId,
      client_secret: fake.clientSecret,
      ...fields,
    }).toString(),
  })
}

/** The real client on its default chain; Graph hosts are https only, hence customHosts. */
function graphClient(accessToken: string): Client {
  return Client.initWithMiddleware({
    baseUrl: `${fake.url}/`,
    customHosts: new Set(['127.0.0.1']),
    authProvider: { getAccessToken: async () => accessToken },
  })
}

beforeAll(async () => {
  fake = await startGraphFake({ tls: inject('testTls') })
  fake.addAccount(ACCOUNT, { calendars: [{ name: 'Team' }] })
  receiver = createServer(async (request, response) => {
    const chunks: Buffer[] = []
    for await (const chunk of request) chunks.push(chunk as Buffer)
    received.push({
      url: request.url ?? '',
      contentType: request.headers['content-type'],
      body: Buffer.concat(chunks).toString(),
    })
    const url = new URL(request.url ?? '/', 'http://x')
    const token = url.searchParams.get('validationToken')
    // /hook echoes the validation token; /silent answers 200 without it.
    if (token !== null && url.pathname === '/hook') {
      response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' })
      response.end(token)
      return
    }
    response.writeHead(202)
    response.end()
  })
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`
})

afterAll(async () => {
  await fake.close()
  await new Promise((resolve) => receiver.close(resolve))
})

describe('Graph fake, driven by the real Graph client', () => {
  it('is trusted through the NODE_EXTRA_CA_CERTS this worker started with', async () => {
    expect(process.env.NODE_EXTRA_CA_CERTS).toBe(inject('testTls').caBundle)
    // Plain fetch (undici) verifies the certificate: no option turns checking off here.
    const response = await fetch(`${fake.url}/v1.0/me`)
    expect(response.status).toBe(401)
  })

  it('issues a refresh token with offline_access and a new one on every refresh', async () => {
    const tokens = await connect()
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 3599 })
    expect(tokens.refresh_token).toEqual(expect.any(String))
    const refreshed = await (
      await tokenRequest({
        grant_type: 'refresh_token',
        refresh_token: String(tokens.refresh_token),
      })
    ).json()
    expect(refreshed.refresh_token).toEqual(expect.any(String))
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token)
    expect(fake.refreshes.at(-1)).toEqual({
      used: tokens.refresh_token,
      issued: refreshed.refresh_token,
    })
  })

  it('answers invalid_grant with the AADSTS shape once the grant is revoked', async () => {
    const account = `revoked-${Date.now()}@contoso.example`
    fake.addAccount(account)
    const tokens = await connect(account)
    fake.revokeGrants(account)
    const response = await tokenRequest({
      grant_type: 'refresh_token',
      refresh_token: String(tokens.refresh_token),
    })
    expect(response.status).toBe(400)
    const body = await response.json()
    expect(body).toMatchObject({ error: 'invalid_grant', error_codes: [70008] })
    expect(body.error_description).toMatch(/^AADSTS70008: /)
  })

  it('sends the bearer token (https + customHosts), and pages calendars and delta through absolute https links', async () => {
    const tokens = await connect()
    const client = graphClient(String(tokens.access_token))
    const me = await client.api('/me').get()
    expect(me).toMatchObject({ mail: ACCOUNT, userPrincipalName: ACCOUNT })
    expect(fake.bearerTokens.at(-1)).toBe(tokens.access_token)

    const first = await client.api('/me/calendars').top(1).get()
    expect(first.value).toHaveLength(1)
    expect(first['@odata.nextLink']).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/v1\.0\//)
    const second = await client.api(first['@odata.nextLink']).get()
    expect([...first.value, ...second.value].map((c: { name: string }) => c.name)).toEqual([
      'Calendar',
      'Team',
    ])

    const calendarId = fake.defaultCalendar(ACCOUNT)
    for (let i = 0; i < 5; i++) {
      fake.upsertEvent(ACCOUNT, calendarId, {
        start: `2027-03-0${i + 2}T10:00:00Z`,
        end: `2027-03-0${i + 2}T11:00:00Z`,
      })
    }
    const ids: string[] = []
    let page = await client
      .api(`/me/calendars/${encodeURIComponent(calendarId)}/calendarView/delta`)
      .query({ startDateTime: '2027-03-01T00:00:00Z', endDateTime: '2027-04-01T00:00:00Z' })
      .header('Prefer', 'odata.maxpagesize=2')
      .get()
    let pages = 1
    while (page['@odata.nextLink']) {
      expect(page.value.length).toBeLessThanOrEqual(2)
      ids.push(...page.value.map((e: { id: string }) => e.id))
      page = await client.api(page['@odata.nextLink']).header('Prefer', 'odata.maxpagesize=2').get()
      pages += 1
    }
    ids.push(...page.value.map((e: { id: string }) => e.id))
    expect(pages).toBe(3)
    expect(ids).toHaveLength(5)
    const deltaLink: string = page['@odata.deltaLink']
    expect(deltaLink).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/v1\.0\/.*\$deltatoken=/)

    // Nothing changed: an empty round. Then one deletion: reported as @removed.
    const quiet = await client.api(deltaLink).get()
    expect(quiet.value).toEqual([])
    fake.deleteEvent(ACCOUNT, calendarId, ids[0]!)
    const changed = await client.api(quiet['@odata.deltaLink']).get()
    expect(changed.value).toEqual([
      { '@odata.type': '#microsoft.graph.event', id: ids[0], '@removed': { reason: 'deleted' } },
    ])

    // An expired delta token: 410 resyncRequired, or 400 syncStateNotFound.
    fake.expireDeltaTokens('gone')
    const gone = (await client
      .api(changed['@odata.deltaLink'])
      .get()
      .catch((e) => e)) as GraphError
    expect(gone).toMatchObject({ statusCode: 410, code: 'resyncRequired' })
  })

  it('retries a throttled POST after Retry-After; the same transactionId never makes a second event', async () => {
    const tokens = await connect()
    const client = graphClient(String(tokens.access_token))
    const calendarId = fake.defaultCalendar(ACCOUNT)
    const before = fake.events(ACCOUNT, calendarId).length
    // The create takes effect, but the answer is a 429: the client's RetryHandler posts again.
    fake.failNext('events.create', 1, { status: 429, retryAfter: 0, afterCommit: true })
    const creates = fake.count('events.create')
    const event = await client.api(`/me/calendars/${encodeURIComponent(calendarId)}/events`).post({
      subject: 'Intro call',
      start: { dateTime: '2027-03-09T09:00:00', timeZone: 'UTC' },
      end: { dateTime: '2027-03-09T09:30:00', timeZone: 'UTC' },
      transactionId: 'slotkit-test-1',
      isOnlineMeeting: true,
      onlineMeetingProvider: 'teamsForBusiness',
      singleValueExtendedProperties: [
        { id: extendedPropertyId('slotkit_booking_id'), value: 'b1' },
      ],
    })
    expect(fake.count('events.create')).toBe(creates + 2)
    expect(fake.events(ACCOUNT, calendarId)).toHaveLength(before + 1)
    expect(event.onlineMeeting.joinUrl).toMatch(
      /^https:\/\/teams\.microsoft\.com\/l\/meetup-join\//,
    )
    expect(event.transactionId).toBe('slotkit-test-1')

    // Without a transactionId the same retry makes a duplicate: what the id prevents.
    fake.failNext('events.create', 1, { status: 429, retryAfter: 0, afterCommit: true })
    await client.api(`/me/calendars/${encodeURIComponent(calendarId)}/events`).post({
      subject: 'No id',
      start: { dateTime: '2027-03-10T09:00:00', timeZone: 'UTC' },
      end: { dateTime: '2027-03-10T09:30:00', timeZone: 'UTC' },
    })
    expect(fake.events(ACCOUNT, calendarId).filter((e) => e.subject === 'No id')).toHaveLength(2)

    const patched = await client
      .api(`/me/events/${encodeURIComponent(event.id)}`)
      .patch({ subject: 'Moved' })
    expect(patched.subject).toBe('Moved')
    expect(await client.api(`/me/events/${encodeURIComponent(event.id)}`).delete()).toBeUndefined()
    const again = (await client
      .api(`/me/events/${encodeURIComponent(event.id)}`)
      .delete()
      .catch((e) => e)) as GraphError
    expect(again).toMatchObject({ statusCode: 404, code: 'ErrorItemNotFound' })
  })

  it('validates a subscription with a text/plain echo before answering, then delivers changes and lifecycle events', async () => {
    const tokens = await connect()
    const client = graphClient(String(tokens.access_token))
    const calendarId = fake.defaultCalendar(ACCOUNT)
    const subscription = await client.api('/subscriptions').post({
      changeType: 'created,updated,deleted',
      notificationUrl: receiverUrl,
      lifecycleNotificationUrl: receiverUrl,
      resource: `me/calendars/${calendarId}/events`,
      expirationDateTime: new Date(Date.now() + 3600_000).toISOString(),
      clientState: 'secret-state',
    })
    expect(subscription).toMatchObject({ id: expect.any(String), clientState: 'secret-state' })
    expect(fake.handshakes.slice(-2)).toEqual([
      expect.objectContaining({ status: 200, echoed: true }),
      expect.objectContaining({ status: 200, echoed: true }),
    ])
    const validation = received.find((r) => r.url.includes('validationToken='))
    expect(validation?.contentType).toBe('text/plain; charset=utf-8')

    fake.upsertEvent(ACCOUNT, calendarId, {
      start: '2027-03-11T10:00:00Z',
      end: '2027-03-11T11:00:00Z',
    })
    await fake.settle()
    const delivery = JSON.parse(received.at(-1)!.body)
    expect(delivery.value[0]).toMatchObject({
      subscriptionId: subscription.id,
      clientState: 'secret-state',
      changeType: 'created',
    })

    const renewed = await client
      .api(`/subscriptions/${subscription.id}`)
      .patch({ expirationDateTime: new Date(Date.now() + 7200_000).toISOString() })
    expect(Date.parse(renewed.expirationDateTime)).toBeGreaterThan(
      Date.parse(subscription.expirationDateTime),
    )

    expect(await fake.lifecycle(subscription.id, 'subscriptionRemoved')).toBe(202)
    expect(JSON.parse(received.at(-1)!.body).value[0]).toMatchObject({
      subscriptionId: subscription.id,
      lifecycleEvent: 'subscriptionRemoved',
      clientState: 'secret-state',
    })
    const gone = (await client
      .api(`/subscriptions/${subscription.id}`)
      .patch({ expirationDateTime: new Date(Date.now() + 7200_000).toISOString() })
      .catch((e) => e)) as GraphError
    expect(gone.statusCode).toBe(404)
  })

  it('refuses a subscription whose endpoint does not echo the token', async () => {
    const tokens = await connect()
    const client = graphClient(String(tokens.access_token))
    const error = (await client
      .api('/subscriptions')
      .post({
        changeType: 'updated',
        notificationUrl: receiverUrl.replace('/hook', '/silent'),
        resource: `me/calendars/${fake.defaultCalendar(ACCOUNT)}/events`,
        expirationDateTime: new Date(Date.now() + 3600_000).toISOString(),
        clientState: 'x',
      })
      .catch((e) => e)) as GraphError
    expect(error).toMatchObject({ statusCode: 400, code: 'InvalidRequest' })
    expect(fake.handshakes.at(-1)).toMatchObject({ status: 202, echoed: false })
  })

  it('throttles a mailbox past 4 requests in flight', async () => {
    const account = `busy-${Date.now()}@contoso.example`
    fake.addAccount(account)
    const tokens = await connect(account)
    fake.slow('me', 100)
    try {
      const throttled = fake.concurrencyThrottled
      const results = await Promise.all(
        Array.from({ length: 6 }, () =>
          fetch(`${fake.url}/v1.0/me`, {
            headers: { authorization: `Bearer ${tokens.access_token}` },
          }).then((r) => r.status),
        ),
      )
      expect(results.filter((s) => s === 200)).toHaveLength(4)
      expect(results.filter((s) => s === 429)).toHaveLength(2)
      expect(fake.concurrencyThrottled).toBe(throttled + 2)
      expect(fake.mostInFlight(account)).toBe(4)
    } finally {
      fake.slow('me', 0)
    }
  })
})
