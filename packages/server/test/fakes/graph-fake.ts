/**
 * A local stand-in for the Microsoft identity platform (v2.0 authorize and token
 * endpoints) and the parts of Microsoft Graph v1.0 a calendar integration uses,
 * speaking their documented wire formats so that the real
 * `@microsoft/microsoft-graph-client` talks to it unchanged. It serves **HTTPS**
 * (the Graph client sends its bearer token over https only) with a certificate
 * of the test CA (`test-ca.ts`), which the process trusts through
 * NODE_EXTRA_CA_CERTS; its paging and delta links are absolute https URLs of
 * itself, as the client only follows those.
 *
 * State lives in memory. Tests drive it through its methods: seed events (busy,
 * free, tentative, declined, cancelled, all-day, recurring), make requests fail
 * (429 with Retry-After, 503, 401; before or after the request took effect), expire
 * delta tokens (410 or syncStateNotFound), revoke grants (invalid_grant), expire
 * access tokens, slow an endpoint down, and read what it saw: requests per
 * endpoint, bearer tokens, refresh-token rotation, requests in flight per mailbox
 * (Outlook allows 4 and throttles the fifth), validation handshakes and
 * deliveries. Subscriptions are validated the way Graph does (a `validationToken`
 * POST while the create request is open) and changes are delivered to them, with
 * lifecycle notifications on demand.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'

/** The endpoints the fake counts and can fail. */
export type GraphEndpoint =
  | 'authorize'
  | 'token.code'
  | 'token.refresh'
  | 'me'
  | 'calendars.list'
  | 'calendar.get'
  | 'delta'
  | 'events.create'
  | 'events.get'
  | 'events.patch'
  | 'events.delete'
  | 'subscriptions.create'
  | 'subscriptions.renew'
  | 'subscriptions.delete'

/** `showAs` of a Graph event. */
export type ShowAs = 'free' | 'tentative' | 'busy' | 'oof' | 'workingElsewhere' | 'unknown'

/** A `dateTimeTimeZone`: a wall time with seven fractional digits and the zone it is in. */
export interface DateTimeTimeZone {
  dateTime: string
  timeZone: string
}

/** A Graph event as the API returns it (the fields the fake knows). */
export interface GraphEvent {
  '@odata.etag': string
  id: string
  createdDateTime: string
  lastModifiedDateTime: string
  changeKey: string
  iCalUId: string
  subject: string
  isAllDay: boolean
  isCancelled: boolean
  showAs: ShowAs
  type: 'singleInstance' | 'occurrence' | 'exception' | 'seriesMaster'
  seriesMasterId: string | null
  start: DateTimeTimeZone
  end: DateTimeTimeZone
  responseStatus: { response: string; time: string }
  attendees: {
    type: string
    status: { response: string; time: string }
    emailAddress: { name: string; address: string }
  }[]
  organizer: { emailAddress: { name: string; address: string } }
  body: { contentType: string; content: string }
  isOnlineMeeting: boolean
  onlineMeetingProvider: string
  onlineMeeting: { joinUrl: string } | null
  /** Where it happens, as people read it (Graph's location resource, its display name). */
  location: { displayName: string }
  transactionId: string | null
  webLink: string
}

/** What a test seeds. Timed events take instants (RFC 3339); all-day events take dates. */
export interface SeedEvent {
  id?: string
  subject?: string
  /** RFC 3339 instant, e.g. `2027-03-08T10:00:00Z`. */
  start?: string
  end?: string
  /** `YYYY-MM-DD` first day and exclusive end: an all-day event. */
  allDay?: { startDate: string; endDate: string }
  showAs?: ShowAs
  isCancelled?: boolean
  /** The mailbox owner's response (`declined`, `tentativelyAccepted`, `accepted`, `organizer`, `none`). */
  response?: string
  transactionId?: string
  type?: GraphEvent['type']
  seriesMasterId?: string
}

/** One planned failure of an endpoint. */
export interface GraphFailure {
  status: number
  /** Graph's error code (or the OAuth `error` for token calls). */
  code?: string
  /** Retry-After header, seconds. */
  retryAfter?: number
  /** Answer the failure only after the request took effect (a create that did create). */
  afterCommit?: boolean
}

/** A validation handshake the fake made while creating a subscription. */
export interface GraphHandshake {
  url: string
  status: number
  contentType: string | null
  echoed: boolean
  ms: number
}

/** A notification POST the fake made. */
export interface GraphDelivery {
  subscriptionId: string
  kind: 'change' | 'lifecycle'
  /** changeType, or the lifecycle event. */
  event: string
  status: number
  ms: number
}

/** Options of {@link startGraphFake}. */
export interface GraphFakeOptions {
  /** The server certificate and key (PEM), signed by a CA the process trusts. */
  tls: { cert: string; key: string }
  clientId?: string
  clientSecret?: string
  /** `expires_in` of access tokens, seconds; default 3599. */
  accessTokenTtlSeconds?: number
  /** The longest subscription the fake accepts, minutes; default 10,080 (Outlook events). */
  maxSubscriptionMinutes?: number
  /** Requests in flight per mailbox before Graph throttles (MailboxConcurrency); default 4. */
  mailboxConcurrency?: number
}

interface StoredEvent {
  event: GraphEvent
  /** The calendar's change counter when it last changed (delta tokens compare against it). */
  changedAt: number
  deleted: boolean
  extendedProperties: { id: string; value: string }[]
}

interface FakeCalendar {
  id: string
  name: string
  isDefault: boolean
  account: string
  events: Map<string, StoredEvent>
  seq: number
}

interface Account {
  email: string
  userId: string
  /** Personal accounts have no `mail` (their address is the userPrincipalName). */
  personal: boolean
  calendars: Map<string, FakeCalendar>
}

interface Grant {
  account: string
  scope: string
  revoked: boolean
}

interface Subscription {
  id: string
  account: string
  calendarId: string
  resource: string
  changeType: string
  notificationUrl: string
  lifecycleNotificationUrl: string | undefined
  clientState: string | undefined
  expiration: number
  removed: boolean
  needsReauthorization: boolean
}

interface DeltaPage {
  calendar: FakeCalendar
  items: unknown[]
  offset: number
  window: [number, number]
  /** The calendar's counter when the round started: the deltaLink resumes from it. */
  seq: number
}

const TENANT_ID = '9188040d-6c67-4c5b-b112-36a304b66dad'
const MS_EXTENSION_PROPERTY = 'String {00020329-0000-0000-C000-000000000046} Name'

function token(prefix: string, bytes = 24): string {
  return `${prefix}${randomBytes(bytes).toString('base64url')}`
}

/** A Graph-looking id: long, base64-ish, ending in '=' (paths must encode it). */
function graphId(): string {
  return `AAMkAGI2${randomBytes(60).toString('base64url')}=`
}

function sha256Base64url(text: string): string {
  return createHash('sha256').update(text).digest('base64url')
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

function send(
  response: ServerResponse,
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
): void {
  if (body === undefined) {
    response.writeHead(status, headers)
    response.end()
    return
  }
  const text = JSON.stringify(body)
  response.writeHead(status, {
    'content-type': 'application/json; odata.metadata=minimal; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'request-id': randomUUID(),
    ...headers,
  })
  response.end(text)
}

/** Graph's error shape (reference §2.7). */
function graphError(code: string, message: string) {
  return {
    error: {
      code,
      message,
      innerError: {
        date: new Date().toISOString().slice(0, 19),
        'request-id': randomUUID(),
        'client-request-id': randomUUID(),
      },
    },
  }
}

const DEFAULT_CODES: Record<number, [string, string]> = {
  400: ['BadRequest', 'Bad request.'],
  401: ['InvalidAuthenticationToken', 'Lifetime validation failed, the token is expired.'],
  403: ['ErrorAccessDenied', 'Access is denied. Check credentials and try again.'],
  404: ['ErrorItemNotFound', 'The specified object was not found in the store.'],
  429: ['TooManyRequests', 'Please retry again later.'],
  500: ['generalException', 'General exception while processing.'],
  503: ['ServiceUnavailable', 'Service Unavailable'],
  504: ['GatewayTimeout', 'Gateway Timeout'],
}

/** `2027-03-08T10:00:00.0000000`: Graph's wall time in UTC. */
function utcWall(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}.0000000`
}

/** Epoch ms of a `dateTimeTimeZone` the fake wrote (always UTC). */
function wallMs(value: DateTimeTimeZone): number {
  return Date.parse(`${value.dateTime.slice(0, 19)}Z`)
}

/** A running fake; close it in afterAll. */
export class GraphFake {
  readonly clientId: string
  readonly clientSecret: string
  accessTokenTtlSeconds: number
  maxSubscriptionMinutes: number
  readonly mailboxConcurrency: number
  /** Deliver change notifications on every change (default true). */
  autoNotify = true
  /** The origin paging and delta links are written with (default: the fake's own). */
  linkOrigin: string | undefined
  /** Who consents on the next visit to the consent page, and whether they refuse. */
  consent: { account: string; deny?: boolean } | undefined
  /** Requests per endpoint. */
  readonly counts = new Map<GraphEndpoint, number>()
  /** Bearer tokens the Graph endpoints saw, in order. */
  readonly bearerTokens: string[] = []
  /** The query of every consent-page visit, and the tenant in its path. */
  readonly authorizations: { tenant: string; params: URLSearchParams }[] = []
  /** The tenant in the path of every token request. */
  readonly tokenTenants: string[] = []
  /** Every refresh: the refresh token used and the one issued in its place. */
  readonly refreshes: { used: string; issued: string }[] = []
  /** Every validation handshake. */
  readonly handshakes: GraphHandshake[] = []
  /** Every notification delivered. */
  readonly deliveries: GraphDelivery[] = []
  /** `Prefer` headers of delta requests, in order. */
  readonly deltaPreferences: string[] = []
  /** What each delta request was: `initial` (a time range: a full round), `page` (a nextLink) or `delta` (a deltaLink). */
  readonly deltaKinds: ('initial' | 'page' | 'delta')[] = []
  /** Requests answered 429 because the mailbox had too many in flight. */
  concurrencyThrottled = 0

  readonly #tls: { cert: string; key: string }
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
  readonly #refreshTokens = new Map<string, Grant>()
  readonly #accessTokens = new Map<string, { grant: Grant; expiresAt: number }>()
  readonly #subscriptions = new Map<string, Subscription>()
  readonly #pages = new Map<string, DeltaPage>()
  readonly #failures = new Map<GraphEndpoint, GraphFailure[]>()
  readonly #delays = new Map<GraphEndpoint, number>()
  readonly #inFlightPerMailbox = new Map<string, number>()
  readonly #mostInFlight = new Map<string, number>()
  #deltaEpoch = 1
  #deltaExpiry: 'gone' | 'syncStateNotFound' = 'gone'
  #server: Server | undefined
  #url = ''
  readonly #inFlight = new Set<Promise<unknown>>()

  constructor(options: GraphFakeOptions) {
    this.#tls = options.tls
    this.clientId = options.clientId ?? randomUUID()
    this.clientSecret = options.clientSecret ?? token('fake~secret.', 18)
    this.accessTokenTtlSeconds = options.accessTokenTtlSeconds ?? 3599
    this.maxSubscriptionMinutes = options.maxSubscriptionMinutes ?? 10_080
    this.mailboxConcurrency = options.mailboxConcurrency ?? 4
  }

  /** The https origin, e.g. `https://127.0.0.1:41234`: both MICROSOFT_LOGIN_URL and MICROSOFT_GRAPH_URL. */
  get url(): string {
    return this.#url
  }

  async listen(): Promise<this> {
    this.#server = createServer(
      { cert: this.#tls.cert, key: this.#tls.key },
      (request, response) => {
        const handled = this.#handle(request, response).catch((error: unknown) => {
          if (!response.headersSent)
            send(response, 500, graphError('generalException', String(error)))
        })
        this.#inFlight.add(handled)
        void handled.finally(() => this.#inFlight.delete(handled))
      },
    )
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve))
    this.#url = `https://127.0.0.1:${(this.#server.address() as AddressInfo).port}`
    return this
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.#inFlight])
    this.#server?.closeAllConnections()
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()) ?? resolve())
  }

  // ------------------------------------------------------------ test controls

  /** Creates a mailbox with a default calendar ("Calendar") and more calendars if given. */
  addAccount(
    email: string,
    options: { personal?: boolean; calendars?: { name: string }[] } = {},
  ): { calendarId: string; calendarIds: string[] } {
    const calendars = new Map<string, FakeCalendar>()
    const add = (name: string, isDefault: boolean) => {
      const id = graphId()
      calendars.set(id, { id, name, isDefault, account: email, events: new Map(), seq: 1 })
      return id
    }
    const calendarId = add('Calendar', true)
    const calendarIds = [calendarId, ...(options.calendars ?? []).map((c) => add(c.name, false))]
    this.#accounts.set(email, {
      email,
      userId: randomUUID(),
      personal: options.personal ?? false,
      calendars,
    })
    return { calendarId, calendarIds }
  }

  /** The id of the mailbox's default calendar. */
  defaultCalendar(account: string): string {
    const found = [...this.#account(account).calendars.values()].find((c) => c.isDefault)
    return found!.id
  }

  /** Adds or replaces an event (as if the user edited their calendar); returns it. */
  upsertEvent(account: string, calendarId: string, seed: SeedEvent): GraphEvent {
    const calendar = this.#calendar(account, calendarId)
    const id = seed.id ?? graphId()
    const previous = calendar.events.get(id)
    const now = new Date().toISOString()
    const [start, end] = seed.allDay
      ? [
          { dateTime: `${seed.allDay.startDate}T00:00:00.0000000`, timeZone: 'UTC' },
          { dateTime: `${seed.allDay.endDate}T00:00:00.0000000`, timeZone: 'UTC' },
        ]
      : [
          { dateTime: utcWall(Date.parse(seed.start!)), timeZone: 'UTC' },
          { dateTime: utcWall(Date.parse(seed.end!)), timeZone: 'UTC' },
        ]
    const event: GraphEvent = {
      '@odata.etag': `W/"${randomBytes(12).toString('base64')}"`,
      id,
      createdDateTime: previous?.event.createdDateTime ?? now,
      lastModifiedDateTime: now,
      changeKey: randomBytes(12).toString('base64'),
      iCalUId:
        previous?.event.iCalUId ??
        `040000008200E00074C5B7101A82E008${randomBytes(24).toString('hex').toUpperCase()}`,
      subject: seed.subject ?? 'Busy',
      isAllDay: seed.allDay !== undefined,
      isCancelled: seed.isCancelled ?? false,
      showAs: seed.showAs ?? 'busy',
      type: seed.type ?? 'singleInstance',
      seriesMasterId: seed.seriesMasterId ?? null,
      start,
      end,
      responseStatus: { response: seed.response ?? 'organizer', time: '0001-01-01T00:00:00Z' },
      attendees: [],
      organizer: { emailAddress: { name: account, address: account } },
      body: { contentType: 'html', content: '' },
      isOnlineMeeting: false,
      onlineMeetingProvider: 'unknown',
      onlineMeeting: null,
      location: previous?.event.location ?? { displayName: '' },
      transactionId: seed.transactionId ?? null,
      webLink: `https://outlook.office365.com/owa/?itemid=${encodeURIComponent(id)}&exvsurl=1&path=/calendar/item`,
    }
    this.#store(calendar, event, previous?.extendedProperties ?? [])
    return event
  }

  /** A daily series of `count` occurrences, stored expanded as calendarView returns it. */
  addRecurringEvent(
    account: string,
    calendarId: string,
    seed: { start: string; durationMinutes: number; count: number; subject?: string },
  ): GraphEvent[] {
    const masterId = graphId()
    const first = Date.parse(seed.start)
    const occurrences: GraphEvent[] = []
    for (let i = 0; i < seed.count; i++) {
      const start = first + i * 86_400_000
      occurrences.push(
        this.upsertEvent(account, calendarId, {
          subject: seed.subject,
          start: new Date(start).toISOString(),
          end: new Date(start + seed.durationMinutes * 60_000).toISOString(),
          type: 'occurrence',
          seriesMasterId: masterId,
        }),
      )
    }
    return occurrences
  }

  /** Deletes an event (delta then reports it `@removed`). */
  deleteEvent(account: string, calendarId: string, eventId: string): void {
    const calendar = this.#calendar(account, calendarId)
    const stored = calendar.events.get(eventId)
    if (!stored || stored.deleted) throw new Error(`no event ${eventId}`)
    this.#store(calendar, stored.event, stored.extendedProperties, true)
  }

  /** The stored events of a calendar that are not deleted, with their extended properties. */
  events(
    account: string,
    calendarId: string,
  ): (GraphEvent & { extendedProperties: { id: string; value: string }[] })[] {
    return [...this.#calendar(account, calendarId).events.values()]
      .filter((s) => !s.deleted)
      .map((s) => ({ ...s.event, extendedProperties: s.extendedProperties }))
  }

  /** The next `count` requests to `endpoint` fail with `failure`. */
  failNext(endpoint: GraphEndpoint, count: number, failure: GraphFailure): void {
    const queue = this.#failures.get(endpoint) ?? []
    for (let i = 0; i < count; i++) queue.push(failure)
    this.#failures.set(endpoint, queue)
  }

  /** Every request to `endpoint` waits `ms` before it is answered (0 turns it off). */
  slow(endpoint: GraphEndpoint, ms: number): void {
    this.#delays.set(endpoint, ms)
  }

  /**
   * Makes every delta token issued so far unknown. `gone`: the next request with one
   * gets 410 (code resyncRequired); `syncStateNotFound`: 400 with that code (Graph
   * answers either, reference §2.4).
   */
  expireDeltaTokens(as: 'gone' | 'syncStateNotFound' = 'gone'): void {
    this.#deltaEpoch += 1
    this.#deltaExpiry = as
  }

  /** Revokes the mailbox's grants: refreshes get invalid_grant (AADSTS70008). */
  revokeGrants(account: string): void {
    for (const grant of this.#refreshTokens.values())
      if (grant.account === account) grant.revoked = true
  }

  /** Makes every access token issued so far stale: Graph answers 401 to them. */
  expireAccessTokens(): void {
    for (const access of this.#accessTokens.values()) access.expiresAt = 0
  }

  /** Requests `endpoint` got. */
  count(endpoint: GraphEndpoint): number {
    return this.counts.get(endpoint) ?? 0
  }

  /** The most requests of a mailbox the fake ever had in flight at once. */
  mostInFlight(account: string): number {
    return this.#mostInFlight.get(account) ?? 0
  }

  /** Subscriptions not deleted or removed, of every mailbox. */
  activeSubscriptions(): {
    id: string
    account: string
    calendarId: string
    resource: string
    expiration: number
    notificationUrl: string
    lifecycleNotificationUrl: string | undefined
    changeType: string
  }[] {
    return [...this.#subscriptions.values()]
      .filter((s) => !s.removed)
      .map(
        ({
          id,
          account,
          calendarId,
          resource,
          expiration,
          notificationUrl,
          lifecycleNotificationUrl,
          changeType,
        }) => ({
          id,
          account,
          calendarId,
          resource,
          expiration,
          notificationUrl,
          lifecycleNotificationUrl,
          changeType,
        }),
      )
  }

  /** Graph forgets a subscription without telling (it expired unrenewed): a PATCH then gets 404. */
  dropSubscription(subscriptionId: string): void {
    const subscription = this.#subscriptions.get(subscriptionId)
    if (!subscription) throw new Error(`no subscription ${subscriptionId}`)
    subscription.removed = true
  }

  /** Whether a subscription was deleted (DELETE /subscriptions/{id}) or removed by Graph. */
  isGone(subscriptionId: string): boolean {
    return this.#subscriptions.get(subscriptionId)?.removed !== false
  }

  /** Every secret the fake saw or handed out: codes, tokens, clientStates (to check logs never show them). */
  issuedSecrets(): string[] {
    return [
      ...this.#codes.keys(),
      ...this.#accessTokens.keys(),
      ...this.#refreshTokens.keys(),
      ...[...this.#subscriptions.values()].flatMap((s) => (s.clientState ? [s.clientState] : [])),
      this.clientSecret,
    ]
  }

  /** Waits until every notification and request in flight has been answered. */
  async settle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight])
  }

  /** Posts a change notification for a subscription now; `clientState` forges its clientState. */
  notify(
    subscriptionId: string,
    options: { changeType?: string; clientState?: string } = {},
  ): Promise<number> {
    const subscription = this.#subscriptions.get(subscriptionId)
    if (!subscription) throw new Error(`no subscription ${subscriptionId}`)
    return this.#deliverChange(
      subscription,
      options.changeType ?? 'updated',
      graphId(),
      options.clientState,
    )
  }

  /**
   * Sends a lifecycle notification (to the lifecycleNotificationUrl). Graph drops the
   * subscription on `subscriptionRemoved`, and wants `reauthorizationRequired` answered
   * by a renewal (PATCH) or reauthorization.
   */
  lifecycle(
    subscriptionId: string,
    lifecycleEvent: 'subscriptionRemoved' | 'reauthorizationRequired' | 'missed',
    options: { clientState?: string } = {},
  ): Promise<number> {
    const subscription = this.#subscriptions.get(subscriptionId)
    if (!subscription?.lifecycleNotificationUrl)
      throw new Error(`no subscription ${subscriptionId} with a lifecycle URL`)
    if (lifecycleEvent === 'subscriptionRemoved') subscription.removed = true
    if (lifecycleEvent === 'reauthorizationRequired') subscription.needsReauthorization = true
    const body = {
      value: [
        {
          subscriptionId,
          subscriptionExpirationDateTime: new Date(subscription.expiration).toISOString(),
          tenantId: TENANT_ID,
          clientState: options.clientState ?? subscription.clientState,
          lifecycleEvent,
        },
      ],
    }
    return this.#post(subscription.lifecycleNotificationUrl, body, {
      subscriptionId,
      kind: 'lifecycle',
      event: lifecycleEvent,
    })
  }

  // ------------------------------------------------------------ internals

  #account(account: string): Account {
    const found = this.#accounts.get(account)
    if (!found) throw new Error(`no account ${account}`)
    return found
  }

  #calendar(account: string, calendarId: string): FakeCalendar {
    const calendar = this.#account(account).calendars.get(calendarId)
    if (!calendar) throw new Error(`no calendar ${calendarId} of ${account}`)
    return calendar
  }

  #store(
    calendar: FakeCalendar,
    event: GraphEvent,
    extendedProperties: { id: string; value: string }[],
    deleted = false,
  ): void {
    calendar.seq += 1
    const previous = calendar.events.get(event.id)
    calendar.events.set(event.id, { event, changedAt: calendar.seq, deleted, extendedProperties })
    if (!this.autoNotify) return
    const changeType = deleted ? 'deleted' : previous && !previous.deleted ? 'updated' : 'created'
    for (const subscription of this.#subscriptions.values()) {
      if (
        !subscription.removed &&
        subscription.calendarId === calendar.id &&
        subscription.expiration > Date.now() &&
        subscription.changeType.split(',').includes(changeType)
      ) {
        void this.#deliverChange(subscription, changeType, event.id)
      }
    }
  }

  #deliverChange(
    subscription: Subscription,
    changeType: string,
    eventId: string,
    clientState?: string,
  ): Promise<number> {
    const account = this.#account(subscription.account)
    const resource = `Users/${account.userId}/Events/${eventId}`
    const body = {
      value: [
        {
          id: randomBytes(8).toString('base64url'),
          subscriptionId: subscription.id,
          subscriptionExpirationDateTime: new Date(subscription.expiration).toISOString(),
          changeType,
          resource,
          resourceData: {
            '@odata.type': '#Microsoft.Graph.Event',
            '@odata.id': resource,
            '@odata.etag': `W/"${randomBytes(12).toString('base64')}"`,
            id: eventId,
          },
          clientState: clientState ?? subscription.clientState,
          tenantId: TENANT_ID,
        },
      ],
    }
    return this.#post(subscription.notificationUrl, body, {
      subscriptionId: subscription.id,
      kind: 'change',
      event: changeType,
    })
  }

  #post(url: string, body: unknown, record: Omit<GraphDelivery, 'status' | 'ms'>): Promise<number> {
    const started = performance.now()
    const delivery = fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(body),
      // Graph gives a receiver 3 s before it counts the delivery as failed (and retries).
      signal: AbortSignal.timeout(10_000),
    }).then(
      async (response) => {
        await response.arrayBuffer()
        this.deliveries.push({
          ...record,
          status: response.status,
          ms: performance.now() - started,
        })
        return response.status
      },
      () => {
        this.deliveries.push({ ...record, status: 0, ms: performance.now() - started })
        return 0
      },
    )
    this.#inFlight.add(delivery)
    void delivery.finally(() => this.#inFlight.delete(delivery))
    return delivery
  }

  #count(endpoint: GraphEndpoint): void {
    this.counts.set(endpoint, this.count(endpoint) + 1)
  }

  /** Waits out a configured delay; returns a planned failure, if any. */
  async #enter(endpoint: GraphEndpoint): Promise<GraphFailure | undefined> {
    this.#count(endpoint)
    const delay = this.#delays.get(endpoint) ?? 0
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay))
    return this.#failures.get(endpoint)?.shift()
  }

  #fail(response: ServerResponse, failure: GraphFailure, oauth = false) {
    const headers: Record<string, string> =
      failure.retryAfter === undefined ? {} : { 'retry-after': String(failure.retryAfter) }
    if (oauth) {
      return send(
        response,
        failure.status,
        { error: failure.code ?? 'temporarily_unavailable', error_description: 'Planned failure' },
        headers,
      )
    }
    const [code, message] = DEFAULT_CODES[failure.status] ?? ['generalException', 'Error']
    return send(response, failure.status, graphError(failure.code ?? code, message), headers)
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.#url)
    const path = url.pathname
    const method = request.method ?? 'GET'
    const oauth = /^\/([^/]+)\/oauth2\/v2\.0\/(authorize|token)$/.exec(path)
    if (oauth) {
      if (oauth[2] === 'authorize' && method === 'GET')
        return this.#consentPage(oauth[1]!, url, response)
      if (oauth[2] === 'token' && method === 'POST') {
        this.tokenTenants.push(oauth[1]!)
        return this.#token(request, response)
      }
      return send(response, 405, {
        error: 'invalid_request',
        error_description: 'Method not allowed',
      })
    }
    if (!path.startsWith('/v1.0/')) {
      return send(response, 400, graphError('BadRequest', 'Invalid version.'))
    }
    const route = this.#route(method, path.slice('/v1.0'.length))
    if (!route) {
      return send(
        response,
        400,
        graphError('BadRequest', `Resource not found for the segment '${path}'.`),
      )
    }
    const auth = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')
    if (auth) this.bearerTokens.push(auth[1]!)
    const access = auth ? this.#accessTokens.get(auth[1]!) : undefined
    if (!access || access.expiresAt <= Date.now() || access.grant.revoked) {
      this.#count(route.endpoint)
      return send(
        response,
        401,
        graphError(
          'InvalidAuthenticationToken',
          auth ? 'Lifetime validation failed, the token is expired.' : 'Access token is empty.',
        ),
        {
          'www-authenticate':
            'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize"',
        },
      )
    }
    const account = this.#account(access.grant.account)
    // Outlook: 4 requests of an app in flight per mailbox; the fifth is throttled.
    const inFlight = (this.#inFlightPerMailbox.get(account.email) ?? 0) + 1
    if (inFlight > this.mailboxConcurrency) {
      this.#count(route.endpoint)
      this.concurrencyThrottled += 1
      return send(
        response,
        429,
        graphError('ApplicationThrottled', 'Application is over its MailboxConcurrency limit.'),
        { 'retry-after': '1' },
      )
    }
    this.#inFlightPerMailbox.set(account.email, inFlight)
    this.#mostInFlight.set(account.email, Math.max(inFlight, this.mostInFlight(account.email)))
    try {
      const failure = await this.#enter(route.endpoint)
      if (failure && !failure.afterCommit) return this.#fail(response, failure)
      const body = method === 'GET' || method === 'DELETE' ? '' : await readBody(request)
      // The request takes effect; a planned "after commit" failure replaces the answer
      // (as when Graph created the event but the reply never made it back).
      const answer = await route.run(account, url, body, request)
      if (failure) return this.#fail(response, failure)
      return send(response, answer.status, answer.body, answer.headers)
    } finally {
      const left = (this.#inFlightPerMailbox.get(account.email) ?? 1) - 1
      if (left > 0) this.#inFlightPerMailbox.set(account.email, left)
      else this.#inFlightPerMailbox.delete(account.email)
    }
  }

  #route(
    method: string,
    path: string,
  ):
    | {
        endpoint: GraphEndpoint
        run: (
          account: Account,
          url: URL,
          body: string,
          request: IncomingMessage,
        ) => Promise<Answer> | Answer
      }
    | undefined {
    const segments = path.split('/').filter(Boolean).map(decodeURIComponent)
    const [a, b, c, d, e] = segments
    if (a === 'me' && b === undefined && method === 'GET')
      return { endpoint: 'me', run: (account) => this.#me(account) }
    if (a === 'me' && b === 'calendars' && c === undefined && method === 'GET')
      return { endpoint: 'calendars.list', run: (account, url) => this.#calendars(account, url) }
    if (a === 'me' && b === 'calendar' && c === undefined && method === 'GET')
      return {
        endpoint: 'calendar.get',
        run: (account) => this.#calendarResource(this.#defaultOf(account)),
      }
    // /me/calendars/{id}/calendarView/delta and /me/calendarView/delta (default calendar).
    if (a === 'me' && method === 'GET') {
      if (b === 'calendars' && d === 'calendarView' && e === 'delta' && segments.length === 5)
        return {
          endpoint: 'delta',
          run: (account, url, _b, req) => this.#delta(account, c!, url, req),
        }
      if (b === 'calendarView' && c === 'delta' && segments.length === 3)
        return {
          endpoint: 'delta',
          run: (account, url, _b, req) =>
            this.#delta(account, this.#defaultOf(account).id, url, req),
        }
    }
    if (a === 'me' && method === 'POST') {
      if (b === 'calendars' && d === 'events' && segments.length === 4)
        return {
          endpoint: 'events.create',
          run: (account, _u, body) => this.#createEvent(account, c!, body),
        }
      if (b === 'events' && segments.length === 2)
        return {
          endpoint: 'events.create',
          run: (account, _u, body) => this.#createEvent(account, this.#defaultOf(account).id, body),
        }
    }
    if (a === 'me' && b === 'events' && c !== undefined && segments.length === 3) {
      if (method === 'GET')
        return { endpoint: 'events.get', run: (account) => this.#getEvent(account, c) }
      if (method === 'PATCH')
        return {
          endpoint: 'events.patch',
          run: (account, _u, body) => this.#patchEvent(account, c, body),
        }
      if (method === 'DELETE')
        return { endpoint: 'events.delete', run: (account) => this.#deleteEventRequest(account, c) }
    }
    if (a === 'subscriptions') {
      if (b === undefined && method === 'POST')
        return {
          endpoint: 'subscriptions.create',
          run: (account, _u, body) => this.#createSubscription(account, body),
        }
      if (b !== undefined && c === undefined && method === 'PATCH')
        return {
          endpoint: 'subscriptions.renew',
          run: (account, _u, body) => this.#renewSubscription(account, b, body),
        }
      if (b !== undefined && c === undefined && method === 'DELETE')
        return {
          endpoint: 'subscriptions.delete',
          run: (account) => this.#deleteSubscription(account, b),
        }
    }
    return undefined
  }

  #defaultOf(account: Account): FakeCalendar {
    return [...account.calendars.values()].find((c) => c.isDefault)!
  }

  #calendarResource(calendar: FakeCalendar): Answer {
    return { status: 200, body: this.#calendarJson(calendar) }
  }

  #calendarJson(calendar: FakeCalendar) {
    return {
      id: calendar.id,
      name: calendar.name,
      color: 'auto',
      isDefaultCalendar: calendar.isDefault,
      changeKey: randomBytes(8).toString('base64'),
      canShare: true,
      canViewPrivateItems: true,
      canEdit: true,
      owner: { name: calendar.account, address: calendar.account },
    }
  }

  #me(account: Account): Answer {
    return {
      status: 200,
      body: {
        '@odata.context': `${this.#url}/v1.0/$metadata#users/$entity`,
        id: account.userId,
        displayName: account.email.split('@')[0],
        // A personal (Outlook.com) account has no mail; its address is the UPN.
        mail: account.personal ? null : account.email,
        userPrincipalName: account.email,
      },
    }
  }

  #calendars(account: Account, url: URL): Answer {
    const top = Math.min(Number(url.searchParams.get('$top') ?? 10) || 10, 1000)
    const skip = Number(url.searchParams.get('$skip') ?? 0) || 0
    const all = [...account.calendars.values()]
    const page = all.slice(skip, skip + top)
    const next =
      skip + top < all.length
        ? `${this.#url}/v1.0/me/calendars?$top=${top}&$skip=${skip + top}`
        : undefined
    return {
      status: 200,
      body: {
        '@odata.context': `${this.#url}/v1.0/$metadata#me/calendars`,
        value: page.map((c) => this.#calendarJson(c)),
        ...(next ? { '@odata.nextLink': next } : {}),
      },
    }
  }

  #delta(account: Account, calendarId: string, url: URL, request: IncomingMessage): Answer {
    const calendar = account.calendars.get(calendarId)
    if (!calendar)
      return {
        status: 404,
        body: graphError('ErrorItemNotFound', 'The specified object was not found in the store.'),
      }
    const prefer = String(request.headers.prefer ?? '')
    this.deltaPreferences.push(prefer)
    const maxPage = /odata\.maxpagesize=(\d+)/.exec(prefer)
    const pageSize = Math.max(1, Math.min(Number(maxPage?.[1] ?? 10), 1000))
    const link = (kind: '$skiptoken' | '$deltatoken', value: string) =>
      `${this.linkOrigin ?? this.#url}/v1.0/me/calendars/${encodeURIComponent(calendar.id)}/calendarView/delta?${kind}=${encodeURIComponent(value)}`
    const answerPage = (key: string): Answer => {
      const state = this.#pages.get(key)!
      const items = state.items.slice(state.offset, state.offset + pageSize)
      state.offset += items.length
      const context = `${this.#url}/v1.0/$metadata#Collection(event)`
      if (state.offset < state.items.length) {
        return {
          status: 200,
          body: {
            '@odata.context': context,
            '@odata.nextLink': link('$skiptoken', key),
            value: items,
          },
        }
      }
      this.#pages.delete(key)
      const deltaToken = Buffer.from(
        JSON.stringify({ c: calendar.id, s: state.seq, w: state.window, e: this.#deltaEpoch }),
      ).toString('base64url')
      return {
        status: 200,
        body: {
          '@odata.context': context,
          '@odata.deltaLink': link('$deltatoken', deltaToken),
          value: items,
        },
      }
    }
    const skipToken = url.searchParams.get('$skiptoken')
    this.deltaKinds.push(
      skipToken !== null ? 'page' : url.searchParams.has('$deltatoken') ? 'delta' : 'initial',
    )
    if (skipToken !== null) {
      const state = this.#pages.get(skipToken)
      if (!state || state.calendar !== calendar)
        return { status: 400, body: graphError('BadRequest', 'The skip token is invalid.') }
      return answerPage(skipToken)
    }
    const deltaToken = url.searchParams.get('$deltatoken')
    let items: unknown[]
    let window: [number, number]
    if (deltaToken !== null) {
      let decoded: { c: string; s: number; w: [number, number]; e: number } | undefined
      try {
        decoded = JSON.parse(Buffer.from(deltaToken, 'base64url').toString('utf8'))
      } catch {
        decoded = undefined
      }
      if (!decoded || decoded.c !== calendar.id || decoded.e !== this.#deltaEpoch) {
        if (this.#deltaExpiry === 'syncStateNotFound') {
          return {
            status: 400,
            body: graphError('syncStateNotFound', 'The sync state generation is not found.'),
          }
        }
        // 410 Gone, with where a new round starts.
        return {
          status: 410,
          body: graphError(
            'resyncRequired',
            'Resync required. Replace any local cached copies of the collection with the changes.',
          ),
          headers: {
            location: `${this.#url}/v1.0/me/calendars/${encodeURIComponent(calendar.id)}/calendarView/delta`,
          },
        }
      }
      window = decoded.w
      items = [...calendar.events.values()]
        .filter((s) => s.changedAt > decoded.s)
        .sort((x, y) => x.changedAt - y.changedAt)
        .map((s) =>
          s.deleted || !this.#inWindow(s.event, window)
            ? {
                '@odata.type': '#microsoft.graph.event',
                id: s.event.id,
                '@removed': { reason: s.deleted ? 'deleted' : 'changed' },
              }
            : s.event,
        )
    } else {
      // Both are required (an offset is honoured; none means UTC); the doc writes them in lower case.
      const from = url.searchParams.get('startDateTime') ?? url.searchParams.get('startdatetime')
      const to = url.searchParams.get('endDateTime') ?? url.searchParams.get('enddatetime')
      if (!from || !to || Number.isNaN(Date.parse(from)) || Number.isNaN(Date.parse(to))) {
        return {
          status: 400,
          body: graphError(
            'ErrorInvalidParameter',
            'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.',
          ),
        }
      }
      window = [Date.parse(from), Date.parse(to)]
      items = [...calendar.events.values()]
        .filter((s) => !s.deleted && this.#inWindow(s.event, window))
        .map((s) => s.event)
    }
    const key = token('st.', 12)
    this.#pages.set(key, { calendar, items, offset: 0, window, seq: calendar.seq })
    return answerPage(key)
  }

  #inWindow(event: GraphEvent, [from, to]: [number, number]): boolean {
    return wallMs(event.end) > from && wallMs(event.start) < to
  }

  #findEvent(
    account: Account,
    eventId: string,
  ): { calendar: FakeCalendar; stored: StoredEvent } | undefined {
    for (const calendar of account.calendars.values()) {
      const stored = calendar.events.get(eventId)
      if (stored && !stored.deleted) return { calendar, stored }
    }
    return undefined
  }

  #createEvent(account: Account, calendarId: string, text: string): Answer {
    const calendar = account.calendars.get(calendarId)
    if (!calendar)
      return {
        status: 404,
        body: graphError('ErrorItemNotFound', 'The specified object was not found in the store.'),
      }
    let body: Record<string, unknown>
    try {
      body = JSON.parse(text || '{}')
    } catch {
      return { status: 400, body: graphError('BadRequest', 'Unable to read JSON request payload.') }
    }
    const start = body.start as DateTimeTimeZone | undefined
    const end = body.end as DateTimeTimeZone | undefined
    if (!start?.dateTime || !start.timeZone || !end?.dateTime || !end.timeZone) {
      return {
        status: 400,
        body: graphError(
          'ErrorPropertyValidationFailure',
          'At least one property failed validation.',
        ),
      }
    }
    const transactionId = typeof body.transactionId === 'string' ? body.transactionId : undefined
    if (transactionId) {
      // transactionId makes a retried POST idempotent: the event created first comes back.
      for (const c of account.calendars.values()) {
        for (const stored of c.events.values()) {
          if (!stored.deleted && stored.event.transactionId === transactionId) {
            return { status: 201, body: stored.event }
          }
        }
      }
    }
    const toIso = (value: DateTimeTimeZone) =>
      value.timeZone === 'UTC' ? `${value.dateTime.slice(0, 19)}Z` : value.dateTime
    const event = this.upsertEvent(account.email, calendar.id, {
      subject: typeof body.subject === 'string' ? body.subject : '',
      start: toIso(start),
      end: toIso(end),
      showAs: (body.showAs as ShowAs | undefined) ?? 'busy',
      transactionId,
    })
    const attendees = Array.isArray(body.attendees) ? body.attendees : []
    event.attendees = attendees.map(
      (a: { emailAddress?: { name?: string; address?: string }; type?: string }) => ({
        type: a.type ?? 'required',
        status: { response: 'none', time: '0001-01-01T00:00:00Z' },
        emailAddress: { name: a.emailAddress?.name ?? '', address: a.emailAddress?.address ?? '' },
      }),
    )
    const location = body.location as { displayName?: string } | undefined
    event.location = { displayName: location?.displayName ?? '' }
    const content = body.body as { contentType?: string; content?: string } | undefined
    event.body = { contentType: content?.contentType ?? 'html', content: content?.content ?? '' }
    if (body.isOnlineMeeting === true) {
      event.isOnlineMeeting = true
      event.onlineMeetingProvider = String(body.onlineMeetingProvider ?? 'teamsForBusiness')
      event.onlineMeeting = {
        joinUrl: `https://teams.microsoft.com/l/meetup-join/19%3ameeting_${randomBytes(18).toString('base64url')}%40thread.v2/0?context=%7b%22Tid%22%3a%22${TENANT_ID}%22%7d`,
      }
    }
    const stored = calendar.events.get(event.id)!
    stored.extendedProperties = Array.isArray(body.singleValueExtendedProperties)
      ? (body.singleValueExtendedProperties as { id: string; value: string }[])
      : []
    return { status: 201, body: event }
  }

  #getEvent(account: Account, eventId: string): Answer {
    const found = this.#findEvent(account, eventId)
    if (!found)
      return {
        status: 404,
        body: graphError('ErrorItemNotFound', 'The specified object was not found in the store.'),
      }
    return { status: 200, body: found.stored.event }
  }

  #patchEvent(account: Account, eventId: string, text: string): Answer {
    const found = this.#findEvent(account, eventId)
    if (!found)
      return {
        status: 404,
        body: graphError('ErrorItemNotFound', 'The specified object was not found in the store.'),
      }
    const body = JSON.parse(text || '{}') as Partial<GraphEvent>
    const event: GraphEvent = {
      ...found.stored.event,
      ...body,
      id: eventId,
      lastModifiedDateTime: new Date().toISOString(),
      changeKey: randomBytes(12).toString('base64'),
      '@odata.etag': `W/"${randomBytes(12).toString('base64')}"`,
    }
    this.#store(found.calendar, event, found.stored.extendedProperties)
    return { status: 200, body: event }
  }

  #deleteEventRequest(account: Account, eventId: string): Answer {
    const found = this.#findEvent(account, eventId)
    if (!found)
      return {
        status: 404,
        body: graphError('ErrorItemNotFound', 'The specified object was not found in the store.'),
      }
    this.#store(found.calendar, found.stored.event, found.stored.extendedProperties, true)
    return { status: 204 }
  }

  async #createSubscription(account: Account, text: string): Promise<Answer> {
    const body = JSON.parse(text || '{}') as {
      changeType?: string
      notificationUrl?: string
      lifecycleNotificationUrl?: string
      resource?: string
      expirationDateTime?: string
      clientState?: string
    }
    const invalid = (message: string): Answer => ({
      status: 400,
      body: graphError('InvalidRequest', message),
    })
    if (!body.changeType || !body.notificationUrl || !body.resource || !body.expirationDateTime) {
      return invalid('changeType, notificationUrl, resource and expirationDateTime are required.')
    }
    if (body.clientState !== undefined && body.clientState.length > 128) {
      return invalid('clientState must not exceed 128 characters.')
    }
    const resource = /^\/?me\/calendars\/([^/]+)\/events$/.exec(body.resource)
    const calendarId = resource
      ? decodeURIComponent(resource[1]!)
      : body.resource.replace(/^\//, '') === 'me/events'
        ? this.#defaultOf(account).id
        : undefined
    if (!calendarId || !account.calendars.has(calendarId)) {
      return { status: 404, body: graphError('ResourceNotFound', 'The resource was not found.') }
    }
    const expiration = Date.parse(body.expirationDateTime)
    if (Number.isNaN(expiration) || expiration <= Date.now())
      return invalid('expirationDateTime must be in the future.')
    if (expiration > Date.now() + this.maxSubscriptionMinutes * 60_000) {
      return invalid(
        `Subscription expiration can only be ${this.maxSubscriptionMinutes} minutes in the future.`,
      )
    }
    // The validation handshake, while this request stays open (reference §2.6).
    for (const target of [body.notificationUrl, body.lifecycleNotificationUrl]) {
      if (target === undefined) continue
      if (!(await this.#validate(target))) {
        return invalid(
          'Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.',
        )
      }
    }
    const subscription: Subscription = {
      id: randomUUID(),
      account: account.email,
      calendarId,
      resource: body.resource,
      changeType: body.changeType,
      notificationUrl: body.notificationUrl,
      lifecycleNotificationUrl: body.lifecycleNotificationUrl,
      clientState: body.clientState,
      expiration,
      removed: false,
      needsReauthorization: false,
    }
    this.#subscriptions.set(subscription.id, subscription)
    return { status: 201, body: this.#subscriptionJson(subscription) }
  }

  #subscriptionJson(subscription: Subscription) {
    return {
      '@odata.context': `${this.#url}/v1.0/$metadata#subscriptions/$entity`,
      id: subscription.id,
      resource: subscription.resource,
      applicationId: this.clientId,
      changeType: subscription.changeType,
      clientState: subscription.clientState ?? null,
      notificationUrl: subscription.notificationUrl,
      lifecycleNotificationUrl: subscription.lifecycleNotificationUrl ?? null,
      expirationDateTime: new Date(subscription.expiration).toISOString().replace('Z', '0000Z'),
      creatorId: this.#account(subscription.account).userId,
      latestSupportedTlsVersion: 'v1_2',
      notificationContentType: null,
      includeResourceData: null,
    }
  }

  /** POSTs `?validationToken=` (text/plain) and wants the decoded token back, as text/plain, within 10 s. */
  async #validate(target: string): Promise<boolean> {
    const validationToken = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`
    const url = new URL(target)
    url.searchParams.set('validationToken', validationToken)
    const started = performance.now()
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: '',
        signal: AbortSignal.timeout(10_000),
      })
      const text = await response.text()
      const contentType = response.headers.get('content-type')
      const echoed = text === validationToken
      this.handshakes.push({
        url: target,
        status: response.status,
        contentType,
        echoed,
        ms: performance.now() - started,
      })
      return response.status === 200 && echoed && (contentType ?? '').startsWith('text/plain')
    } catch {
      this.handshakes.push({
        url: target,
        status: 0,
        contentType: null,
        echoed: false,
        ms: performance.now() - started,
      })
      return false
    }
  }

  #renewSubscription(account: Account, id: string, text: string): Answer {
    const subscription = this.#subscriptions.get(id)
    if (!subscription || subscription.removed || subscription.account !== account.email) {
      return { status: 404, body: graphError('ResourceNotFound', 'The object was not found.') }
    }
    const body = JSON.parse(text || '{}') as { expirationDateTime?: string }
    const expiration = Date.parse(body.expirationDateTime ?? '')
    if (
      Number.isNaN(expiration) ||
      expiration > Date.now() + this.maxSubscriptionMinutes * 60_000
    ) {
      return {
        status: 400,
        body: graphError(
          'InvalidRequest',
          `Subscription expiration can only be ${this.maxSubscriptionMinutes} minutes in the future.`,
        ),
      }
    }
    subscription.expiration = expiration
    // A renewal also reauthorizes (reference §2.6).
    subscription.needsReauthorization = false
    return { status: 200, body: this.#subscriptionJson(subscription) }
  }

  #deleteSubscription(account: Account, id: string): Answer {
    const subscription = this.#subscriptions.get(id)
    if (!subscription || subscription.removed || subscription.account !== account.email) {
      return { status: 404, body: graphError('ResourceNotFound', 'The object was not found.') }
    }
    subscription.removed = true
    return { status: 204 }
  }

  #consentPage(tenant: string, url: URL, response: ServerResponse) {
    this.#count('authorize')
    const params = url.searchParams
    this.authorizations.push({ tenant, params })
    const redirectUri = params.get('redirect_uri')
    if (
      params.get('client_id') !== this.clientId ||
      !redirectUri ||
      params.get('response_type') !== 'code'
    ) {
      return send(response, 400, {
        error: 'invalid_request',
        error_description: 'AADSTS900144: client_id, redirect_uri or response_type',
      })
    }
    const back = new URL(redirectUri)
    const hint = params.get('login_hint')
    const consent = hint
      ? { account: hint }
      : (this.consent ?? { account: [...this.#accounts.keys()][0] ?? '' })
    if (consent.deny) {
      back.searchParams.set('error', 'access_denied')
      back.searchParams.set(
        'error_description',
        'AADSTS65004: User declined to consent to access the app.',
      )
    } else {
      const code = token('0.AXoA', 48)
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
    }
    const state = params.get('state')
    if (state !== null) back.searchParams.set('state', state)
    response.writeHead(302, { location: back.toString() })
    response.end()
  }

  #issue(grant: Grant) {
    const access = token('eyJ0eXAiOiJKV1Qi.', 48)
    this.#accessTokens.set(access, {
      grant,
      expiresAt: Date.now() + this.accessTokenTtlSeconds * 1000,
    })
    // A refresh token comes with every grant that asked for offline_access, and every
    // refresh issues a new one (reference §2.1).
    const refresh = grant.scope.split(' ').includes('offline_access')
      ? token('0.AXoA.rt', 64)
      : undefined
    if (refresh) this.#refreshTokens.set(refresh, grant)
    return {
      body: {
        token_type: 'Bearer',
        scope: grant.scope
          .split(' ')
          .filter((s) => s !== 'offline_access')
          .join(' '),
        expires_in: this.accessTokenTtlSeconds,
        ext_expires_in: this.accessTokenTtlSeconds,
        access_token: access,
        ...(refresh ? { refresh_token: refresh } : {}),
      },
      refresh,
    }
  }

  #tokenError(
    response: ServerResponse,
    status: number,
    error: string,
    code: number,
    description: string,
  ): void {
    const timestamp = new Date().toISOString().replace('T', ' ').slice(0, 19)
    send(response, status, {
      error,
      error_description: `AADSTS${code}: ${description}\r\nTrace ID: ${randomUUID()}\r\nCorrelation ID: ${randomUUID()}\r\nTimestamp: ${timestamp}Z`,
      error_codes: [code],
      timestamp: `${timestamp}Z`,
      trace_id: randomUUID(),
      correlation_id: randomUUID(),
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    })
  }

  async #token(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const form = new URLSearchParams(await readBody(request))
    const grantType = form.get('grant_type')
    const endpoint: GraphEndpoint = grantType === 'refresh_token' ? 'token.refresh' : 'token.code'
    const failure = await this.#enter(endpoint)
    if (failure) return this.#fail(response, failure, true)
    const basic = /^Basic (.+)$/.exec(request.headers.authorization ?? '')
    const [clientId, clientSecret] = basic
      ? Buffer.from(basic[1]!, 'base64').toString().split(':').map(decodeURIComponent)
      : [form.get('client_id'), form.get('client_secret')]
    if (clientId !== this.clientId) {
      return this.#tokenError(
        response,
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${clientId}' was not found in the directory.`,
      )
    }
    if (clientSecret !== this.clientSecret) {
      return this.#tokenError(
        response,
        401,
        'invalid_client',
        7000215,
        'Invalid client secret provided.',
      )
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
      if (!code || code.used || code.expiresAt < Date.now()) {
        return this.#tokenError(
          response,
          400,
          'invalid_grant',
          54005,
          'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
        )
      }
      if (code.redirectUri !== form.get('redirect_uri')) {
        return this.#tokenError(
          response,
          400,
          'invalid_grant',
          50148,
          'The redirect_uri does not match the one of the authorization request.',
        )
      }
      if (!pkceOk) {
        return this.#tokenError(
          response,
          400,
          'invalid_grant',
          501481,
          'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
        )
      }
      code.used = true
      return send(
        response,
        200,
        this.#issue({ account: code.account, scope: code.scope, revoked: false }).body,
      )
    }
    if (grantType === 'refresh_token') {
      const used = form.get('refresh_token') ?? ''
      const grant = this.#refreshTokens.get(used)
      if (!grant || grant.revoked) {
        return this.#tokenError(
          response,
          400,
          'invalid_grant',
          70008,
          'The provided authorization code or refresh token has expired due to inactivity.',
        )
      }
      const issued = this.#issue(grant)
      this.refreshes.push({ used, issued: issued.refresh ?? '' })
      return send(response, 200, issued.body)
    }
    return this.#tokenError(
      response,
      400,
      'unsupported_grant_type',
      70003,
      'The app requested an unsupported grant type.',
    )
  }
}

interface Answer {
  status: number
  body?: unknown
  headers?: Record<string, string>
}

/** Starts a fake on a free loopback port, serving https with `options.tls`. */
export async function startGraphFake(options: GraphFakeOptions): Promise<GraphFake> {
  return new GraphFake(options).listen()
}

/** The id of the single-value extended property named `name` in the public-strings set. */
export function extendedPropertyId(name: string): string {
  return `${MS_EXTENSION_PROPERTY} ${name}`
}
