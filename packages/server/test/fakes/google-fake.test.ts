// The fake must be one the real client libraries accept unchanged: these tests drive it
// with @googleapis/calendar and google-auth-library only (no Slotkit code), through the
// wire behaviours the server relies on now and the write calls stage B will use.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type calendar_v3, calendar as googleCalendar } from '@googleapis/calendar'
import { CodeChallengeMethod, OAuth2Client } from 'google-auth-library'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type GoogleFake, startGoogleFake } from './google-fake'

const ACCOUNT = 'alice@example.com'
let fake: GoogleFake
let receiver: Server
let receiverUrl = ''
const received: IncomingHttpHeaders[] = []

function oauthClient(): OAuth2Client {
  return new OAuth2Client({
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    redirectUri: 'http://127.0.0.1/callback',
    endpoints: {
      oauth2AuthBaseUrl: fake.urls.authorize,
      oauth2TokenUrl: fake.urls.token,
      oauth2RevokeUrl: fake.urls.revoke,
    },
  })
}

/** Runs the consent flow with PKCE and returns an authorized client. */
async function connect(): Promise<{ auth: OAuth2Client; api: calendar_v3.Calendar }> {
  const auth = oauthClient()
  const { codeVerifier, codeChallenge } = await auth.generateCodeVerifierAsync()
  const url = auth.generateAuthUrl({
    access_type: 'offline',
    prompt: 'consent',
    scope: ['https://www.googleapis.com/auth/calendar.events'],
    state: 'st',
    code_challenge: codeChallenge,
    code_challenge_method: CodeChallengeMethod.S256,
  })
  const consent = await fetch(url, { redirect: 'manual' })
  const back = new URL(consent.headers.get('location')!)
  expect(back.searchParams.get('state')).toBe('st')
  const { tokens } = await auth.getToken({ code: back.searchParams.get('code')!, codeVerifier })
  auth.setCredentials(tokens)
  return {
    auth,
    api: googleCalendar({ version: 'v3', auth, rootUrl: fake.urls.api, retry: false }),
  }
}

function statusOf(error: unknown): number | undefined {
  return (error as { status?: number; response?: { status?: number } }).response?.status
}

beforeAll(async () => {
  fake = await startGoogleFake()
  fake.addAccount(ACCOUNT, { timeZone: 'Europe/Berlin' })
  receiver = createServer((request, response) => {
    received.push(request.headers)
    response.writeHead(200)
    response.end()
  })
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`
})

afterAll(async () => {
  await fake.close()
  await new Promise((resolve) => receiver.close(resolve))
})

describe('Google fake, driven by the real client libraries', () => {
  it('exchanges a code only with the PKCE verifier it was issued for', async () => {
    const auth = oauthClient()
    const { codeChallenge } = await auth.generateCodeVerifierAsync()
    const url = auth.generateAuthUrl({
      access_type: 'offline',
      scope: ['https://www.googleapis.com/auth/calendar.events'],
      code_challenge: codeChallenge,
      code_challenge_method: CodeChallengeMethod.S256,
    })
    const back = new URL((await fetch(url, { redirect: 'manual' })).headers.get('location')!)
    const error = await auth
      .getToken({ code: back.searchParams.get('code')!, codeVerifier: 'x'.repeat(43) })
      .catch((e: unknown) => e)
    expect(statusOf(error)).toBe(400)
    expect((error as { response: { data: unknown } }).response.data).toEqual({
      error: 'invalid_grant',
      error_description: 'Bad Request',
    })
  })

  it('lists calendars, pages events with a sync token, and answers 410 to an expired one', async () => {
    const { api } = await connect()
    const calendars = await api.calendarList.list()
    expect(calendars.data.items?.find((c) => c.primary)?.id).toBe(ACCOUNT)
    for (let i = 0; i < 5; i++) {
      fake.upsertEvent(ACCOUNT, ACCOUNT, {
        id: `ev${i}aaaa`,
        start: { dateTime: `2027-03-0${i + 1}T10:00:00Z` },
        end: { dateTime: `2027-03-0${i + 1}T11:00:00Z` },
      })
    }
    fake.shortFirstPage = true
    const pages: calendar_v3.Schema$Events[] = []
    let pageToken: string | undefined
    do {
      const { data } = await api.events.list({
        calendarId: ACCOUNT,
        singleEvents: true,
        maxResults: 2,
        timeMin: '2027-03-01T00:00:00Z',
        pageToken,
      })
      pages.push(data)
      pageToken = data.nextPageToken ?? undefined
    } while (pageToken)
    fake.shortFirstPage = false
    // An empty first page that still points on, then 2 + 2 + 1; the sync token on the last only.
    expect(pages.map((p) => p.items?.length)).toEqual([0, 2, 2, 1])
    expect(pages.slice(0, -1).every((p) => p.nextSyncToken === undefined)).toBe(true)
    const syncToken = pages.at(-1)!.nextSyncToken!
    fake.deleteEvent(ACCOUNT, ACCOUNT, 'ev0aaaa')
    const changes = await api.events.list({ calendarId: ACCOUNT, syncToken })
    expect(changes.data.items).toEqual([
      expect.objectContaining({ id: 'ev0aaaa', status: 'cancelled' }),
    ])
    fake.expireSyncTokens()
    const gone = await api.events
      .list({ calendarId: ACCOUNT, syncToken: changes.data.nextSyncToken! })
      .catch((e: unknown) => e)
    expect(statusOf(gone)).toBe(410)
    expect(
      (gone as { response: { data: { error: { errors: { reason: string }[] } } } }).response.data
        .error.errors[0]!.reason,
    ).toBe('fullSyncRequired')
  })

  it('inserts with a client id (409 on a duplicate), patches, and deletes (204, then 410; 404 unknown)', async () => {
    const { api } = await connect()
    const requestBody = {
      id: 'sk0123456789abcdef',
      summary: 'Intro call',
      start: { dateTime: '2027-03-10T10:00:00Z' },
      end: { dateTime: '2027-03-10T10:30:00Z' },
      extendedProperties: { private: { slotkit_booking_id: 'b1' } },
      conferenceData: {
        createRequest: { requestId: 'r1', conferenceSolutionKey: { type: 'hangoutsMeet' } },
      },
    }
    const inserted = await api.events.insert({
      calendarId: ACCOUNT,
      conferenceDataVersion: 1,
      requestBody,
    })
    expect(inserted.status).toBe(200)
    expect(inserted.data.hangoutLink).toMatch(/^https:\/\/meet\.google\.com\//)
    expect(inserted.data.conferenceData?.entryPoints?.[0]?.entryPointType).toBe('video')
    const duplicate = await api.events
      .insert({ calendarId: ACCOUNT, requestBody })
      .catch((e: unknown) => e)
    expect(statusOf(duplicate)).toBe(409)
    const patched = await api.events.patch({
      calendarId: ACCOUNT,
      eventId: requestBody.id,
      requestBody: { summary: 'Moved call' },
    })
    expect(patched.data.summary).toBe('Moved call')
    expect(patched.data.extendedProperties?.private?.slotkit_booking_id).toBe('b1')
    const deleted = await api.events.delete({ calendarId: ACCOUNT, eventId: requestBody.id })
    expect(deleted.status).toBe(204)
    const again = await api.events
      .delete({ calendarId: ACCOUNT, eventId: requestBody.id })
      .catch((e: unknown) => e)
    expect(statusOf(again)).toBe(410)
    const unknown = await api.events
      .delete({ calendarId: ACCOUNT, eventId: 'nosuchevent' })
      .catch((e: unknown) => e)
    expect(statusOf(unknown)).toBe(404)
  })

  it('watches: a sync message, then an empty POST with the channel headers on each change; stop ends it', async () => {
    const { api } = await connect()
    received.length = 0
    const channel = await api.events.watch({
      calendarId: ACCOUNT,
      requestBody: { id: 'chan-1', type: 'web_hook', address: receiverUrl, token: 'tok-1' },
    })
    expect(channel.data).toMatchObject({ id: 'chan-1', token: 'tok-1' })
    fake.upsertEvent(ACCOUNT, ACCOUNT, {
      start: { dateTime: '2027-03-12T10:00:00Z' },
      end: { dateTime: '2027-03-12T11:00:00Z' },
    })
    await fake.settle()
    expect(received.map((h) => h['x-goog-resource-state'])).toEqual(['sync', 'exists'])
    const exists = received[1]!
    expect(exists).toMatchObject({
      'x-goog-channel-id': 'chan-1',
      'x-goog-channel-token': 'tok-1',
      'x-goog-resource-id': channel.data.resourceId,
      'content-length': '0',
    })
    expect(Number(exists['x-goog-message-number'])).toBeGreaterThan(1)
    const stopped = await api.channels.stop({
      requestBody: { id: 'chan-1', resourceId: channel.data.resourceId },
    })
    expect(stopped.status).toBe(204)
    expect(fake.isStopped('chan-1')).toBe(true)
  })

  it('refreshes an access token, answers 401 to a stale one, and invalid_grant once revoked', async () => {
    const { auth } = await connect()
    const refreshed = await auth.refreshAccessToken()
    expect(refreshed.credentials.access_token).toMatch(/^ya29\./)
    expect(fake.count('token.refresh')).toBe(1)
    fake.expireAccessTokens()
    const withExpiry = oauthClient()
    withExpiry.setCredentials({
      access_token: refreshed.credentials.access_token,
      expiry_date: Date.now() + 3600_000,
    })
    const denied = await googleCalendar({
      version: 'v3',
      auth: withExpiry,
      rootUrl: fake.urls.api,
      retry: false,
    })
      .calendarList.list()
      .catch((e: unknown) => e)
    expect(statusOf(denied)).toBe(401)
    fake.revokeGrants(ACCOUNT)
    const revoked = await auth.refreshAccessToken().catch((e: unknown) => e)
    expect(statusOf(revoked)).toBe(400)
    expect((revoked as { response: { data: unknown } }).response.data).toEqual({
      error: 'invalid_grant',
      error_description: 'Token has been expired or revoked.',
    })
  })

  it('answers 429 with Retry-After, which the client surfaces without retrying (retry: false)', async () => {
    const { api } = await connect()
    const before = fake.count('events.list')
    fake.failNext('events.list', 1, { status: 429, retryAfter: 120 })
    const error = await api.events.list({ calendarId: ACCOUNT }).catch((e: unknown) => e)
    expect(statusOf(error)).toBe(429)
    expect((error as { response: { headers: Headers } }).response.headers.get('retry-after')).toBe(
      '120',
    )
    expect(fake.count('events.list')).toBe(before + 1)
  })
})
