/**
 * A local stand-in for Google's OAuth 2.0 endpoints and the Calendar API v3,
 * speaking their documented wire formats (status codes, JSON bodies, headers) so
 * that the real `google-auth-library` and `@googleapis/calendar` clients talk to
 * it unchanged: point GOOGLE_OAUTH_AUTHORIZE_URL, GOOGLE_OAUTH_TOKEN_URL,
 * GOOGLE_OAUTH_REVOKE_URL and GOOGLE_API_URL at {@link GoogleFake.urls}.
 *
 * State lives in memory. Tests drive it through its methods: seed events, make
 * the next requests fail (429 with Retry-After, 403 rate limits, 5xx, or a reply
 * lost after the write took effect), expire
 * sync tokens (410), revoke refresh tokens (invalid_grant), expire access tokens
 * (401), slow an endpoint down, and read how many requests each endpoint got.
 * Every change to a watched calendar is pushed to its channels the way Google
 * does: an empty POST with the X-Goog-* headers.
 */
import { createHash, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** The endpoints the fake counts and can fail, named like the client calls. */
export type FakeEndpoint =
  | 'auth'
  | 'token.code'
  | 'token.refresh'
  | 'revoke'
  | 'calendarList.list'
  | 'events.list'
  | 'events.get'
  | 'events.insert'
  | 'events.patch'
  | 'events.delete'
  | 'events.watch'
  | 'channels.stop'

/** A Google event resource as the API returns it (the fields the fake knows). */
export interface GoogleEvent {
  kind: 'calendar#event'
  id: string
  etag: string
  status: 'confirmed' | 'tentative' | 'cancelled'
  summary?: string
  htmlLink?: string
  iCalUID?: string
  sequence?: number
  created?: string
  updated?: string
  start?: { dateTime?: string; date?: string; timeZone?: string }
  end?: { dateTime?: string; date?: string; timeZone?: string }
  transparency?: 'opaque' | 'transparent'
  eventType?: string
  attendees?: { email: string; self?: boolean; responseStatus: string; organizer?: boolean }[]
  extendedProperties?: { private?: Record<string, string>; shared?: Record<string, string> }
  recurringEventId?: string
  originalStartTime?: { dateTime?: string; date?: string; timeZone?: string }
  recurrence?: string[]
  conferenceData?: Record<string, unknown>
  hangoutLink?: string
  [field: string]: unknown
}

/** What a test seeds: an event without the fields the fake fills in. */
export type SeedEvent = Partial<Omit<GoogleEvent, 'kind' | 'etag'>> & {
  id?: string
  start: NonNullable<GoogleEvent['start']>
  end: NonNullable<GoogleEvent['end']>
}

interface StoredEvent {
  event: GoogleEvent
  /** The calendar's change counter when it last changed (sync tokens compare against it). */
  changedAt: number
  /** A recurring series' master: listed instead of its instances without singleEvents. */
  master?: boolean
}

interface FakeCalendar {
  id: string
  summary: string
  primary: boolean
  timeZone: string
  events: Map<string, StoredEvent>
  seq: number
}

interface Account {
  email: string
  calendars: Map<string, FakeCalendar>
}

interface Grant {
  account: string
  refreshToken: string
  revoked: boolean
  scope: string
}

interface AccessToken {
  grant: Grant
  expiresAt: number
  revoked: boolean
}

interface Channel {
  id: string
  resourceId: string
  account: string
  calendarId: string
  address: string
  token: string | undefined
  expiration: number
  messageNumber: number
  stopped: boolean
}

/** One planned failure of an endpoint. */
export interface FakeFailure {
  status: number
  /** Google's error reason, e.g. rateLimitExceeded; a token endpoint error code for token calls. */
  reason?: string
  /** Retry-After header, in seconds. */
  retryAfter?: number
  /**
   * The request takes effect and only its reply is this failure (a gateway
   * timing out after Google wrote the event): a retry then meets what it did.
   */
  afterEffect?: boolean
}

/** One push notification the fake delivered. */
export interface FakeDelivery {
  channelId: string
  state: 'sync' | 'exists'
  messageNumber: number
  status: number
}

/** Options of {@link startGoogleFake}. */
export interface GoogleFakeOptions {
  clientId?: string
  clientSecret?: string
  /** `expires_in` of access tokens, seconds; default 3599. */
  accessTokenTtlSeconds?: number
  /** The longest channel lifetime the fake grants, ms; default 7 days. */
  maxChannelTtlMs?: number
}

const BASE32HEX_ID = /^[a-v0-9]{5,1024}$/

function token(prefix: string): string {
  return `${prefix}${randomBytes(24).toString('base64url')}`
}

function sha256Base64url(text: string): string {
  return createHash('sha256').update(text).digest('base64url')
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** Replies whose request took effect but which answer a planned failure instead ({@link FakeFailure.afterEffect}). */
const lostReplies = new WeakMap<
  ServerResponse,
  { status: number; body: unknown; headers: Record<string, string> }
>()

function send(
  response: ServerResponse,
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
): void {
  const lost = lostReplies.get(response)
  if (lost) {
    lostReplies.delete(response)
    send(response, lost.status, lost.body, lost.headers)
    return
  }
  if (body === undefined) {
    response.writeHead(status, headers)
    response.end()
    return
  }
  const text = JSON.stringify(body)
  response.writeHead(status, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  })
  response.end(text)
}

/** The Calendar API's error shape (reference §1.8). */
function apiError(
  status: number,
  domain: string,
  reason: string,
  message: string,
  extra: Record<string, string> = {},
) {
  return { error: { errors: [{ domain, reason, message, ...extra }], code: status, message } }
}

const REASON_DEFAULTS: Record<number, [string, string, string]> = {
  400: ['global', 'badRequest', 'Bad Request'],
  401: ['global', 'authError', 'Invalid Credentials'],
  403: ['usageLimits', 'rateLimitExceeded', 'Rate Limit Exceeded'],
  404: ['global', 'notFound', 'Not Found'],
  410: ['global', 'deleted', 'Resource has been deleted'],
  429: ['usageLimits', 'rateLimitExceeded', 'Rate Limit Exceeded'],
  500: ['global', 'backendError', 'Backend Error'],
  503: ['global', 'backendError', 'Backend Error'],
}

/** Epoch ms of an event edge: a dateTime, or an all-day date at UTC midnight. */
function edgeMs(edge: GoogleEvent['start']): number {
  if (edge?.dateTime) return Date.parse(edge.dateTime)
  if (edge?.date) return Date.parse(`${edge.date}T00:00:00Z`)
  return Number.NaN
}

/** A running fake; close it in afterAll. */
export class GoogleFake {
  readonly clientId: string
  readonly clientSecret: string
  /** `expires_in` of the access tokens it issues from now on. */
  accessTokenTtlSeconds: number
  maxChannelTtlMs: number
  /** Deliver push notifications on every change (default true). */
  autoNotify = true
  /** The first page of a full list has no items but a nextPageToken (reference §4.6). */
  shortFirstPage = false
  /** Who consents on the next visit to the consent page, and whether they refuse. */
  consent: { account: string; deny?: boolean } | undefined
  /** Requests per endpoint. */
  readonly counts = new Map<FakeEndpoint, number>()
  /** Authorization headers seen by the Calendar API, in order. */
  readonly bearerTokens: string[] = []
  /** Every push notification delivered, in order. */
  readonly deliveries: FakeDelivery[] = []
  /** The parameters of every consent-page visit. */
  readonly authorizations: URLSearchParams[] = []

  readonly #accounts = new Map<string, Account>()
  readonly #codes = new Map<
    string,
    {
      account: string
      challenge: string | null
      method: string | null
      redirectUri: string
      scope: string
      used: boolean
      expiresAt: number
    }
  >()
  readonly #grants = new Map<string, Grant>()
  readonly #accessTokens = new Map<string, AccessToken>()
  readonly #channels = new Map<string, Channel>()
  readonly #failures = new Map<FakeEndpoint, FakeFailure[]>()
  readonly #delays = new Map<FakeEndpoint, number>()
  readonly #pages = new Map<string, { items: GoogleEvent[]; offset: number; syncSeq: number }>()
  #syncEpoch = 1
  #server: Server | undefined
  #url = ''
  readonly #inFlight = new Set<Promise<unknown>>()

  constructor(options: GoogleFakeOptions = {}) {
    this.clientId = options.clientId ?? 'fake-client-id.apps.googleusercontent.com'
    this.clientSecret = options.clientSecret ?? 'fake-client-secret'
    this.accessTokenTtlSeconds = options.accessTokenTtlSeconds ?? 3599
    this.maxChannelTtlMs = options.maxChannelTtlMs ?? 7 * 24 * 3600_000
  }

  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  get url(): string {
    return this.#url
  }

  /** The four URLs a server is configured with. */
  get urls() {
    return {
      authorize: `${this.#url}/o/oauth2/v2/auth`,
      token: `${this.#url}/token`,
      revoke: `${this.#url}/revoke`,
      api: `${this.#url}/`,
    }
  }

  async listen(): Promise<this> {
    this.#server = createServer((request, response) => {
      const handled = this.#handle(request, response).catch((error: unknown) => {
        if (!response.headersSent)
          send(response, 500, apiError(500, 'global', 'backendError', String(error)))
      })
      this.#inFlight.add(handled)
      void handled.finally(() => this.#inFlight.delete(handled))
    })
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve))
    this.#url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`
    return this
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.#inFlight])
    this.#server?.closeAllConnections()
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()) ?? resolve())
  }

  // ------------------------------------------------------------ test controls

  /** Creates an account with a primary calendar named after it (and more calendars if given). */
  addAccount(
    email: string,
    options: { timeZone?: string; calendars?: { id: string; summary: string }[] } = {},
  ): void {
    const calendars = new Map<string, FakeCalendar>()
    const timeZone = options.timeZone ?? 'UTC'
    calendars.set(email, {
      id: email,
      summary: email,
      primary: true,
      timeZone,
      events: new Map(),
      seq: 1,
    })
    for (const extra of options.calendars ?? []) {
      calendars.set(extra.id, {
        id: extra.id,
        summary: extra.summary,
        primary: false,
        timeZone,
        events: new Map(),
        seq: 1,
      })
    }
    this.#accounts.set(email, { email, calendars })
  }

  /** Adds or replaces an event (as if the user edited their calendar); returns it. */
  upsertEvent(account: string, calendarId: string, seed: SeedEvent): GoogleEvent {
    const calendar = this.#calendar(account, calendarId)
    const id = seed.id ?? randomBytes(10).toString('hex')
    const previous = calendar.events.get(id)?.event
    const now = new Date().toISOString()
    const event: GoogleEvent = {
      kind: 'calendar#event',
      status: 'confirmed',
      htmlLink: `https://www.google.com/calendar/event?eid=${id}`,
      iCalUID: `${id}@google.com`,
      created: previous?.created ?? now,
      sequence: (previous?.sequence ?? -1) + 1,
      ...seed,
      id,
      etag: `"${Date.now()}${calendar.seq}"`,
      updated: now,
    }
    this.#store(calendar, event)
    return event
  }

  /**
   * A daily recurring event of `count` occurrences, stored expanded as Google
   * returns it for `singleEvents=true`: instances `<id>_<start>` carrying
   * `recurringEventId`; the master is listed instead when singleEvents is off.
   */
  addRecurringEvent(
    account: string,
    calendarId: string,
    seed: { id: string; start: string; durationMinutes: number; count: number; summary?: string },
  ): GoogleEvent[] {
    const calendar = this.#calendar(account, calendarId)
    const first = Date.parse(seed.start)
    const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z')
    const master: GoogleEvent = {
      kind: 'calendar#event',
      id: seed.id,
      etag: `"${Date.now()}"`,
      status: 'confirmed',
      summary: seed.summary,
      start: { dateTime: iso(first), timeZone: 'UTC' },
      end: { dateTime: iso(first + seed.durationMinutes * 60_000), timeZone: 'UTC' },
      recurrence: [`RRULE:FREQ=DAILY;COUNT=${seed.count}`],
    }
    this.#store(calendar, master, true)
    const instances: GoogleEvent[] = []
    for (let i = 0; i < seed.count; i++) {
      const start = first + i * 86_400_000
      const stamp = iso(start).replace(/[-:]/g, '')
      instances.push(
        this.upsertEvent(account, calendarId, {
          id: `${seed.id}_${stamp}`,
          summary: seed.summary,
          recurringEventId: seed.id,
          originalStartTime: { dateTime: iso(start), timeZone: 'UTC' },
          start: { dateTime: iso(start), timeZone: 'UTC' },
          end: { dateTime: iso(start + seed.durationMinutes * 60_000), timeZone: 'UTC' },
        }),
      )
    }
    return instances
  }

  /** Deletes an event the way Google does: it stays, `cancelled`, for incremental syncs. */
  deleteEvent(account: string, calendarId: string, eventId: string): void {
    const calendar = this.#calendar(account, calendarId)
    const stored = calendar.events.get(eventId)
    if (!stored) throw new Error(`no event ${eventId}`)
    this.#store(calendar, {
      ...stored.event,
      status: 'cancelled',
      updated: new Date().toISOString(),
    })
  }

  /** Every stored event of a calendar (cancelled ones too), in the order they were first stored. */
  events(account: string, calendarId: string): GoogleEvent[] {
    return [...this.#calendar(account, calendarId).events.values()].map((s) => s.event)
  }

  /** The stored event (cancelled ones too), as the API would return it. */
  event(account: string, calendarId: string, eventId: string): GoogleEvent | undefined {
    return this.#calendar(account, calendarId).events.get(eventId)?.event
  }

  /** The next `count` requests to `endpoint` fail with `failure`. */
  failNext(endpoint: FakeEndpoint, count: number, failure: FakeFailure): void {
    const queue = this.#failures.get(endpoint) ?? []
    for (let i = 0; i < count; i++) queue.push(failure)
    this.#failures.set(endpoint, queue)
  }

  /** Every request to `endpoint` waits `ms` before it is answered (0 turns it off). */
  slow(endpoint: FakeEndpoint, ms: number): void {
    this.#delays.set(endpoint, ms)
  }

  /** Makes every sync token issued so far unknown: the next incremental list gets 410. */
  expireSyncTokens(): void {
    this.#syncEpoch += 1
  }

  /** Revokes the account's refresh tokens (and their access tokens): refreshes get invalid_grant. */
  revokeGrants(account: string): void {
    for (const grant of this.#grants.values()) if (grant.account === account) grant.revoked = true
  }

  /** Makes every access token issued so far stale: the API answers 401 to them. */
  expireAccessTokens(): void {
    for (const access of this.#accessTokens.values()) access.expiresAt = 0
  }

  /** Requests `endpoint` got. */
  count(endpoint: FakeEndpoint): number {
    return this.counts.get(endpoint) ?? 0
  }

  /** Channels not stopped, of every account. */
  activeChannels(): {
    id: string
    resourceId: string
    calendarId: string
    expiration: number
    address: string
  }[] {
    return [...this.#channels.values()]
      .filter((c) => !c.stopped)
      .map(({ id, resourceId, calendarId, expiration, address }) => ({
        id,
        resourceId,
        calendarId,
        expiration,
        address,
      }))
  }

  /** Whether a channel id was stopped through channels.stop. */
  isStopped(channelId: string): boolean {
    return this.#channels.get(channelId)?.stopped === true
  }

  /** Every secret the fake saw or handed out: codes, tokens, channel tokens (to check logs never show them). */
  issuedSecrets(): string[] {
    return [
      ...this.#codes.keys(),
      ...this.#accessTokens.keys(),
      ...[...this.#grants.values()].map((g) => g.refreshToken),
      ...[...this.#channels.values()].flatMap((c) => (c.token ? [c.token] : [])),
    ]
  }

  /** Waits until every notification and request in flight has been answered. */
  async settle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight])
  }

  /**
   * Posts a notification to a channel now, as Google does (an empty POST with
   * the X-Goog-* headers); `tokenOverride` forges the channel token.
   */
  async notify(
    channelId: string,
    state: 'sync' | 'exists' = 'exists',
    tokenOverride?: string,
  ): Promise<number> {
    const channel = this.#channels.get(channelId)
    if (!channel) throw new Error(`no channel ${channelId}`)
    return this.#deliver(channel, state, tokenOverride)
  }

  // ------------------------------------------------------------ internals

  #calendar(account: string, calendarId: string): FakeCalendar {
    const calendar = this.#accounts.get(account)?.calendars.get(calendarId)
    if (!calendar) throw new Error(`no calendar ${calendarId} of ${account}`)
    return calendar
  }

  #store(calendar: FakeCalendar, event: GoogleEvent, master = false): void {
    calendar.seq += 1
    calendar.events.set(event.id, { event, changedAt: calendar.seq, master })
    if (!this.autoNotify) return
    for (const channel of this.#channels.values()) {
      if (
        !channel.stopped &&
        channel.calendarId === calendar.id &&
        channel.expiration > Date.now()
      ) {
        void this.#deliver(channel, 'exists')
      }
    }
  }

  #deliver(channel: Channel, state: 'sync' | 'exists', tokenOverride?: string): Promise<number> {
    channel.messageNumber += state === 'sync' ? 0 : 1 + (channel.messageNumber % 3)
    const messageNumber = state === 'sync' ? 1 : channel.messageNumber
    const headers: Record<string, string> = {
      // Google sends no body; some deliveries say JSON anyway (the receiver must cope).
      'content-type': 'application/json; charset=UTF-8',
      'user-agent': 'APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)',
      'x-goog-channel-id': channel.id,
      'x-goog-message-number': String(messageNumber),
      'x-goog-resource-id': channel.resourceId,
      'x-goog-resource-state': state,
      'x-goog-resource-uri': `https://www.googleapis.com/calendar/v3/calendars/${encodeURIComponent(channel.calendarId)}/events?alt=json`,
      'x-goog-channel-expiration': new Date(channel.expiration).toUTCString(),
    }
    const channelToken = tokenOverride ?? channel.token
    if (channelToken !== undefined) headers['x-goog-channel-token'] = channelToken
    const delivery = fetch(channel.address, { method: 'POST', headers, body: '' }).then(
      async (response) => {
        await response.arrayBuffer()
        this.deliveries.push({
          channelId: channel.id,
          state,
          messageNumber,
          status: response.status,
        })
        return response.status
      },
      () => {
        this.deliveries.push({ channelId: channel.id, state, messageNumber, status: 0 })
        return 0
      },
    )
    this.#inFlight.add(delivery)
    void delivery.finally(() => this.#inFlight.delete(delivery))
    return delivery
  }

  #count(endpoint: FakeEndpoint): void {
    this.counts.set(endpoint, this.count(endpoint) + 1)
  }

  /** Counts the request, waits out a configured delay, and answers a planned failure if any. */
  async #enter(endpoint: FakeEndpoint, response: ServerResponse): Promise<boolean> {
    this.#count(endpoint)
    const delay = this.#delays.get(endpoint) ?? 0
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay))
    const failure = this.#failures.get(endpoint)?.shift()
    if (!failure) return true
    const headers: Record<string, string> =
      failure.retryAfter === undefined ? {} : { 'retry-after': String(failure.retryAfter) }
    if (failure.afterEffect) {
      const [domain, reason, message] = REASON_DEFAULTS[failure.status] ?? [
        'global',
        'backendError',
        'Backend Error',
      ]
      lostReplies.set(response, {
        status: failure.status,
        body: apiError(failure.status, domain, failure.reason ?? reason, message),
        headers,
      })
      return true
    }
    if (endpoint.startsWith('token.') || endpoint === 'revoke') {
      send(
        response,
        failure.status,
        { error: failure.reason ?? 'server_error', error_description: 'Injected failure' },
        headers,
      )
      return false
    }
    const [domain, reason, message] = REASON_DEFAULTS[failure.status] ?? [
      'global',
      'backendError',
      'Backend Error',
    ]
    send(
      response,
      failure.status,
      apiError(failure.status, domain, failure.reason ?? reason, message),
      headers,
    )
    return false
  }

  /** The account of a valid bearer token, or undefined after answering 401. */
  #authorize(request: IncomingMessage, response: ServerResponse): string | undefined {
    const header = request.headers.authorization ?? ''
    this.bearerTokens.push(header)
    const access = this.#accessTokens.get(header.replace(/^Bearer /, ''))
    if (!access || access.revoked || access.grant.revoked || access.expiresAt <= Date.now()) {
      send(
        response,
        401,
        apiError(401, 'global', 'authError', 'Invalid Credentials', {
          locationType: 'header',
          location: 'Authorization',
        }),
        {
          'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"',
        },
      )
      return undefined
    }
    return access.grant.account
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.#url)
    const path = url.pathname
    const method = request.method ?? 'GET'
    if (method === 'GET' && path === '/o/oauth2/v2/auth') return this.#consentPage(url, response)
    if (method === 'POST' && path === '/token') return this.#token(request, response)
    if (method === 'POST' && path === '/revoke') return this.#revoke(request, url, response)
    if (method === 'GET' && path === '/calendar/v3/users/me/calendarList') {
      if (!(await this.#enter('calendarList.list', response))) return
      const account = this.#authorize(request, response)
      if (!account) return
      const calendars = [...this.#accounts.get(account)!.calendars.values()]
      return send(response, 200, {
        kind: 'calendar#calendarList',
        etag: '"p32g"',
        items: calendars.map((c) => ({
          kind: 'calendar#calendarListEntry',
          etag: '"e1"',
          id: c.id,
          summary: c.summary,
          timeZone: c.timeZone,
          accessRole: 'owner',
          ...(c.primary ? { primary: true } : {}),
        })),
      })
    }
    if (method === 'POST' && path === '/calendar/v3/channels/stop') {
      if (!(await this.#enter('channels.stop', response))) return
      const account = this.#authorize(request, response)
      if (!account) return
      const body = JSON.parse((await readBody(request)) || '{}') as {
        id?: string
        resourceId?: string
      }
      const channel = body.id ? this.#channels.get(body.id) : undefined
      if (!channel || channel.resourceId !== body.resourceId || channel.account !== account) {
        return send(
          response,
          404,
          apiError(404, 'global', 'notFound', `Channel '${body.id}' not found for project '1'`),
        )
      }
      channel.stopped = true
      return send(response, 204)
    }
    const match = /^\/calendar\/v3\/calendars\/([^/]+)\/events(?:\/([^/]+))?$/.exec(path)
    if (!match) return send(response, 404, apiError(404, 'global', 'notFound', 'Not Found'))
    const calendarId = decodeURIComponent(match[1]!)
    const eventPart = match[2] === undefined ? undefined : decodeURIComponent(match[2])
    const endpoint: FakeEndpoint =
      eventPart === 'watch' && method === 'POST'
        ? 'events.watch'
        : eventPart === undefined
          ? method === 'POST'
            ? 'events.insert'
            : 'events.list'
          : method === 'PATCH'
            ? 'events.patch'
            : method === 'GET'
              ? 'events.get'
              : 'events.delete'
    if (!(await this.#enter(endpoint, response))) return
    const account = this.#authorize(request, response)
    if (!account) return
    const calendar = this.#accounts.get(account)?.calendars.get(calendarId)
    if (!calendar) return send(response, 404, apiError(404, 'global', 'notFound', 'Not Found'))
    switch (endpoint) {
      case 'events.list':
        return this.#list(calendar, url, response)
      case 'events.watch':
        return this.#watch(account, calendar, request, response)
      case 'events.insert':
        return this.#insert(calendar, url, request, response)
      case 'events.patch':
        return this.#patch(calendar, eventPart!, request, response)
      case 'events.get': {
        // A deleted event is still returned, as `cancelled` (reference §1.4).
        const stored = calendar.events.get(eventPart!)
        if (!stored) return send(response, 404, apiError(404, 'global', 'notFound', 'Not Found'))
        return send(response, 200, stored.event)
      }
      default:
        return this.#delete(calendar, eventPart!, response)
    }
  }

  #consentPage(url: URL, response: ServerResponse) {
    this.#count('auth')
    const params = url.searchParams
    this.authorizations.push(params)
    const redirectUri = params.get('redirect_uri')
    if (params.get('client_id') !== this.clientId || !redirectUri) {
      return send(response, 400, {
        error: 'invalid_request',
        error_description: 'client_id or redirect_uri',
      })
    }
    const back = new URL(redirectUri)
    const state = params.get('state')
    // login_hint picks the account (as a browser signed in to several would); else the
    // test's `consent`, else the first account.
    const hint = params.get('login_hint')
    const consent = hint
      ? { account: hint }
      : (this.consent ?? { account: [...this.#accounts.keys()][0] ?? '' })
    if (consent.deny) {
      back.searchParams.set('error', 'access_denied')
    } else {
      const code = token('4/0A')
      this.#codes.set(code, {
        account: consent.account,
        challenge: params.get('code_challenge'),
        method: params.get('code_challenge_method'),
        redirectUri,
        scope: params.get('scope') ?? '',
        used: false,
        expiresAt: Date.now() + 10 * 60_000,
      })
      back.searchParams.set('code', code)
      back.searchParams.set('scope', params.get('scope') ?? '')
    }
    if (state !== null) back.searchParams.set('state', state)
    response.writeHead(302, { location: back.toString() })
    response.end()
  }

  #issue(grant: Grant, includeRefresh: boolean) {
    const access = token('ya29.')
    this.#accessTokens.set(access, {
      grant,
      expiresAt: Date.now() + this.accessTokenTtlSeconds * 1000,
      revoked: false,
    })
    return {
      access_token: access,
      expires_in: this.accessTokenTtlSeconds,
      ...(includeRefresh ? { refresh_token: grant.refreshToken } : {}),
      scope: grant.scope,
      token_type: 'Bearer',
    }
  }

  async #token(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const form = new URLSearchParams(await readBody(request))
    const grantType = form.get('grant_type')
    const endpoint: FakeEndpoint = grantType === 'refresh_token' ? 'token.refresh' : 'token.code'
    if (!(await this.#enter(endpoint, response))) return
    const basic = /^Basic (.+)$/.exec(request.headers.authorization ?? '')
    const [clientId, clientSecret] = basic
      ? Buffer.from(basic[1]!, 'base64').toString().split(':')
      : [form.get('client_id'), form.get('client_secret')]
    if (clientId !== this.clientId || clientSecret !== this.clientSecret) {
      return send(response, 401, { error: 'invalid_client', error_description: 'Unauthorized' })
    }
    if (grantType === 'authorization_code') {
      const code = this.#codes.get(form.get('code') ?? '')
      const verifier = form.get('code_verifier')
      const pkceOk =
        code?.challenge === null ||
        (code?.method === 'S256' &&
          verifier !== null &&
          sha256Base64url(verifier) === code.challenge) ||
        (code?.method === 'plain' && verifier === code.challenge)
      if (
        !code ||
        code.used ||
        code.expiresAt < Date.now() ||
        code.redirectUri !== form.get('redirect_uri') ||
        !pkceOk
      ) {
        return send(response, 400, { error: 'invalid_grant', error_description: 'Bad Request' })
      }
      code.used = true
      const grant: Grant = {
        account: code.account,
        refreshToken: token('1//0g'),
        revoked: false,
        scope: code.scope,
      }
      this.#grants.set(grant.refreshToken, grant)
      return send(response, 200, this.#issue(grant, true))
    }
    if (grantType === 'refresh_token') {
      const grant = this.#grants.get(form.get('refresh_token') ?? '')
      if (!grant || grant.revoked) {
        return send(response, 400, {
          error: 'invalid_grant',
          error_description: 'Token has been expired or revoked.',
        })
      }
      // A refresh response carries no refresh_token: the client keeps its own.
      return send(response, 200, this.#issue(grant, false))
    }
    return send(response, 400, {
      error: 'unsupported_grant_type',
      error_description: 'Invalid grant_type',
    })
  }

  async #revoke(request: IncomingMessage, url: URL, response: ServerResponse): Promise<void> {
    if (!(await this.#enter('revoke', response))) return
    const value =
      url.searchParams.get('token') ?? new URLSearchParams(await readBody(request)).get('token')
    const grant = this.#grants.get(value ?? '')
    const access = this.#accessTokens.get(value ?? '')
    if (grant) grant.revoked = true
    else if (access) access.revoked = true
    else
      return send(response, 400, {
        error: 'invalid_token',
        error_description: 'Token expired or revoked',
      })
    return send(response, 200, {})
  }

  #list(calendar: FakeCalendar, url: URL, response: ServerResponse) {
    const q = url.searchParams
    const maxResults = Math.min(2500, Number(q.get('maxResults') ?? 250) || 250)
    const pageToken = q.get('pageToken')
    const syncToken = q.get('syncToken')
    const envelope = (
      items: GoogleEvent[],
      next: { nextPageToken?: string; nextSyncToken?: string },
    ) =>
      send(response, 200, {
        kind: 'calendar#events',
        etag: `"${calendar.seq}"`,
        summary: calendar.summary,
        updated: new Date().toISOString(),
        timeZone: calendar.timeZone,
        accessRole: 'owner',
        defaultReminders: [],
        ...next,
        items,
      })
    const page = (key: string) => {
      const state = this.#pages.get(key)!
      const items = state.items.slice(state.offset, state.offset + maxResults)
      state.offset += items.length
      if (state.offset < state.items.length) return envelope(items, { nextPageToken: key })
      this.#pages.delete(key)
      return envelope(items, {
        nextSyncToken: `st.${this.#syncEpoch}.${Buffer.from(calendar.id).toString('base64url')}.${state.syncSeq}`,
      })
    }
    if (pageToken) {
      if (!this.#pages.has(pageToken)) {
        return send(
          response,
          400,
          apiError(400, 'global', 'invalid', 'Invalid page token', {
            locationType: 'parameter',
            location: 'pageToken',
          }),
        )
      }
      return page(pageToken)
    }
    const singleEvents = q.get('singleEvents') === 'true'
    const listed = (stored: StoredEvent) =>
      stored.master ? !singleEvents : !(singleEvents === false && stored.event.recurringEventId)
    let items: GoogleEvent[]
    if (syncToken !== null) {
      for (const forbidden of ['timeMin', 'timeMax', 'orderBy', 'q', 'updatedMin', 'iCalUID']) {
        if (q.has(forbidden)) {
          return send(
            response,
            400,
            apiError(400, 'global', 'invalid', `${forbidden} is not allowed with syncToken`),
          )
        }
      }
      const [prefix, epoch, calendarPart, seq] = syncToken.split('.')
      if (
        prefix !== 'st' ||
        Number(epoch) !== this.#syncEpoch ||
        calendarPart !== Buffer.from(calendar.id).toString('base64url')
      ) {
        return send(response, 410, {
          error: {
            errors: [
              {
                domain: 'calendar',
                reason: 'fullSyncRequired',
                message: 'Sync token is no longer valid, a full sync is required.',
                locationType: 'parameter',
                location: 'syncToken',
              },
            ],
            code: 410,
            message: 'Sync token is no longer valid, a full sync is required.',
          },
        })
      }
      items = [...calendar.events.values()]
        .filter((s) => s.changedAt > Number(seq) && listed(s))
        .sort((a, b) => a.changedAt - b.changedAt)
        // Deleted events come back with their id and status only.
        .map((s) =>
          s.event.status === 'cancelled'
            ? ({
                kind: 'calendar#event',
                etag: s.event.etag,
                id: s.event.id,
                status: 'cancelled',
              } as GoogleEvent)
            : s.event,
        )
    } else {
      // timeMin bounds the end (exclusive), timeMax the start (exclusive).
      const timeMin = q.has('timeMin') ? Date.parse(q.get('timeMin')!) : -Infinity
      const timeMax = q.has('timeMax') ? Date.parse(q.get('timeMax')!) : Infinity
      const showDeleted = q.get('showDeleted') === 'true'
      items = [...calendar.events.values()]
        .filter(
          (s) =>
            listed(s) &&
            (showDeleted || s.event.status !== 'cancelled') &&
            edgeMs(s.event.end) > timeMin &&
            edgeMs(s.event.start) < timeMax,
        )
        .map((s) => s.event)
    }
    const key = `pt.${randomBytes(12).toString('base64url')}`
    this.#pages.set(key, { items, offset: 0, syncSeq: calendar.seq })
    if (this.shortFirstPage && syncToken === null) return envelope([], { nextPageToken: key })
    return page(key)
  }

  async #watch(
    account: string,
    calendar: FakeCalendar,
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    const body = JSON.parse((await readBody(request)) || '{}') as {
      id?: string
      type?: string
      address?: string
      token?: string
      expiration?: string | number
    }
    if (
      !body.id ||
      body.id.length > 64 ||
      !['web_hook', 'webhook'].includes(body.type ?? '') ||
      !body.address
    ) {
      return send(response, 400, apiError(400, 'global', 'invalid', 'Invalid channel'))
    }
    if (this.#channels.has(body.id)) {
      return send(
        response,
        400,
        apiError(400, 'push', 'channelIdNotUnique', 'Channel id not unique'),
      )
    }
    const requested = body.expiration === undefined ? Infinity : Number(body.expiration)
    const channel: Channel = {
      id: body.id,
      resourceId: randomBytes(9).toString('base64url'),
      account,
      calendarId: calendar.id,
      address: body.address,
      token: body.token,
      expiration: Math.min(requested, Date.now() + this.maxChannelTtlMs),
      messageNumber: 1,
      stopped: false,
    }
    this.#channels.set(channel.id, channel)
    // The "sync" message may reach the receiver before this reply does.
    void this.#deliver(channel, 'sync')
    return send(response, 200, {
      kind: 'api#channel',
      id: channel.id,
      resourceId: channel.resourceId,
      resourceUri: `https://www.googleapis.com/calendar/v3/calendars/${encodeURIComponent(calendar.id)}/events?alt=json`,
      ...(channel.token === undefined ? {} : { token: channel.token }),
      expiration: String(channel.expiration),
    })
  }

  async #insert(
    calendar: FakeCalendar,
    url: URL,
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    const body = JSON.parse((await readBody(request)) || '{}') as SeedEvent &
      Record<string, unknown>
    if (body.id !== undefined && !BASE32HEX_ID.test(body.id)) {
      return send(response, 400, apiError(400, 'global', 'invalid', 'Invalid resource id value.'))
    }
    if (body.id !== undefined && calendar.events.has(body.id)) {
      return send(
        response,
        409,
        apiError(409, 'global', 'duplicate', 'The requested identifier already exists.'),
      )
    }
    if (!body.start || !body.end) {
      return send(response, 400, apiError(400, 'global', 'required', 'Missing end time.'))
    }
    const { conferenceData, ...rest } = body as SeedEvent & {
      conferenceData?: { createRequest?: { requestId?: string } }
    }
    const event = this.upsertEvent(
      [...this.#accounts.values()].find((a) => a.calendars.get(calendar.id) === calendar)!.email,
      calendar.id,
      rest,
    )
    if (url.searchParams.get('conferenceDataVersion') === '1' && conferenceData?.createRequest) {
      const meet = `https://meet.google.com/${randomBytes(3).toString('hex').slice(0, 3)}-${randomBytes(4).toString('hex').slice(0, 4)}-${randomBytes(3).toString('hex').slice(0, 3)}`
      event.conferenceData = {
        createRequest: {
          requestId: conferenceData.createRequest.requestId,
          conferenceSolutionKey: { type: 'hangoutsMeet' },
          status: { statusCode: 'success' },
        },
        entryPoints: [{ entryPointType: 'video', uri: meet, label: meet.replace('https://', '') }],
        conferenceSolution: { key: { type: 'hangoutsMeet' }, name: 'Google Meet' },
        conferenceId: meet.split('/').pop(),
      }
      event.hangoutLink = meet
    }
    return send(response, 200, event)
  }

  async #patch(
    calendar: FakeCalendar,
    eventId: string,
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    const stored = calendar.events.get(eventId)
    if (!stored || stored.event.status === 'cancelled') {
      return send(response, 404, apiError(404, 'global', 'notFound', 'Not Found'))
    }
    const body = JSON.parse((await readBody(request)) || '{}') as Partial<GoogleEvent>
    // Patch replaces the fields sent (an array sent replaces the whole array).
    const event: GoogleEvent = {
      ...stored.event,
      ...body,
      id: eventId,
      sequence: (stored.event.sequence ?? 0) + 1,
      updated: new Date().toISOString(),
      etag: `"${Date.now()}${calendar.seq}"`,
    }
    this.#store(calendar, event)
    return send(response, 200, event)
  }

  #delete(calendar: FakeCalendar, eventId: string, response: ServerResponse) {
    const stored = calendar.events.get(eventId)
    if (!stored) return send(response, 404, apiError(404, 'global', 'notFound', 'Not Found'))
    if (stored.event.status === 'cancelled') {
      return send(response, 410, apiError(410, 'global', 'deleted', 'Resource has been deleted'))
    }
    this.#store(calendar, {
      ...stored.event,
      status: 'cancelled',
      updated: new Date().toISOString(),
    })
    return send(response, 204)
  }
}

/** Starts a fake on a free loopback port. */
export async function startGoogleFake(options: GoogleFakeOptions = {}): Promise<GoogleFake> {
  return new GoogleFake(options).listen()
}
