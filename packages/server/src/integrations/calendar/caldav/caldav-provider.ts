import ical, { ICalEventStatus, ICalEventTransparency } from 'ical-generator'
import {
  createAccount,
  type DAVAccount,
  type DAVResponse,
  davRequest,
  fetchCalendars,
  fetchCalendarUserAddresses,
  getDAVAttribute,
  propfind,
  syncCollection,
} from 'tsdav'
import { type ResolveHost, WebhookTargetRefused } from '../../webhooks/ssrf-guard'
import {
  type BusyInterval,
  type CalendarDelta,
  type CalendarProvider,
  type ProviderCalendar,
  ProviderError,
  ResyncRequiredError,
  type SyncWindow,
  type WrittenEvent,
} from '../provider'
import { parseRetryAfter } from '../resilience'
import { addressOf, busyOfCalendarObject, CALDAV_EVENT_MARK } from './busy-of-calendar-object'
import { ianaZoneOf } from './iana-zone'
import { createPinnedFetch, FetchFailedError, type FetchLike } from './pinned-fetch'

/** The settings of the CalDAV provider. */
export interface CaldavProviderOptions {
  /** WEBHOOK_ALLOW_PRIVATE: CalDAV servers on loopback or private networks (and plain http) may be used. */
  readonly allowPrivate: boolean
  /** Resolves host names; default the system resolver (tests map names to loopback). */
  readonly resolve?: ResolveHost
  /** The clock (epoch ms): DTSTAMP of written events, Retry-After dates. */
  readonly now: () => number
  /** Deadline of one HTTP request; default 20 s. */
  readonly timeoutMs?: number
}

/** What a connected CalDAV account stores, sealed (`integrations.credentials`). */
interface CaldavAccount {
  readonly serverUrl: string
  readonly username: string
  readonly password: string
  readonly rootUrl: string
  readonly principalUrl: string
  readonly homeUrl: string
  /** The account's own addresses (calendar-user-address-set), lower case, no `mailto:`. */
  readonly addresses: readonly string[]
}

/**
 * A calendar's sync cursor: the RFC 6578 sync-token when the server has one
 * (only changed objects are listed), else its ctag and the etag of every object
 * of the window (a changed ctag lists etags, and only objects whose etag
 * changed are fetched).
 */
type Cursor =
  | { readonly v: 1; readonly token: string }
  | { readonly v: 1; readonly ctag: string; readonly etags: Readonly<Record<string, string>> }

/** Objects fetched per calendar-multiget. */
const MULTIGET_BATCH = 200
/** sync-collection rounds at most per sync (a server truncates long change lists, RFC 6578 §3.6). */
const MAX_SYNC_ROUNDS = 50
/** Written objects are named `slotkit-<booking id>.ics`. */
const WRITTEN_PREFIX = 'slotkit-'
const WRITTEN_NAME = /^slotkit-[A-Za-z0-9_-]{1,200}\.ics$/

/** The file name of a booking's object in the host's calendar. */
export function writtenFileName(bookingId: string): string {
  return `${WRITTEN_PREFIX}${bookingId}.ics`
}

/** `Authorization: Basic` in UTF-8 (tsdav's own helper refuses non-Latin-1 passwords). */
function basicAuth(username: string, password: string): Record<string, string> {
  return {
    authorization: `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`,
  }
}

function toAccount(secret: Readonly<Record<string, string>>): CaldavAccount {
  const { server_url, username, password, root_url, principal_url, home_url } = secret
  if (!server_url || !username || password === undefined || !home_url) {
    // Disconnected integrations keep no credentials: reconnecting stores new ones.
    throw new ProviderError('caldav', 'revoked', 'caldav: no stored credentials; reconnect')
  }
  return {
    serverUrl: server_url,
    username,
    password,
    rootUrl: root_url ?? server_url,
    principalUrl: principal_url ?? home_url,
    homeUrl: home_url,
    addresses: (secret.addresses ?? '').split('\n').filter(Boolean),
  }
}

function davAccount(account: CaldavAccount): DAVAccount {
  return {
    accountType: 'caldav',
    serverUrl: account.serverUrl,
    rootUrl: account.rootUrl,
    principalUrl: account.principalUrl,
    homeUrl: account.homeUrl,
  }
}

/**
 * The account id shown as `account_email`: the user name when it is an e-mail
 * address (iCloud, Fastmail), else `<user>@<server host>` (Nextcloud user names).
 */
export function caldavAccountId(serverUrl: string, username: string): string {
  if (/^[^@\s]+@[^@\s]+$/.test(username)) return username.toLowerCase()
  return `${username}@${new URL(serverUrl).hostname}`.toLowerCase().slice(0, 320)
}

/** A UTC time as CalDAV's time-range wants it: `20270301T000000Z`. */
function basicUtc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (typeof value === 'number') return String(value)
  if (value && typeof value === 'object' && '_cdata' in value) return text(value._cdata)
  if (value && typeof value === 'object' && '_text' in value) return text(value._text)
  return undefined
}

function propsOf(response: DAVResponse): Record<string, unknown> {
  return (response.props ?? {}) as Record<string, unknown>
}

/** The path of an href (as the server wrote it, percent-encoding kept), relative to `base`. */
function pathOf(href: string, base: string): string {
  return new URL(href, base).pathname
}

function fileNameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1)
}

/** The VCALENDAR of a booking written to a host's calendar (no METHOD: RFC 4791 §4.1). */
export function buildCalendarObject(event: WrittenEvent, uid: string, stamp: number): string {
  const calendar = ical({ prodId: { company: 'Slotkit', product: 'Slotkit', language: 'EN' } })
  const people = event.attendees.map((a) => `${a.name} <${a.email}>`).join(', ')
  calendar.createEvent({
    id: uid,
    stamp: new Date(stamp),
    start: new Date(event.startsAt),
    end: new Date(event.endsAt),
    summary: event.summary,
    // Attendees are named in the text, not as ATTENDEE properties: a CalDAV server
    // that schedules (RFC 6638: iCloud, Fastmail, Nextcloud) would e-mail them its
    // own invitation next to Slotkit's.
    description: people ? `${event.description}\n\nWith: ${people}` : event.description,
    ...(event.location ? { location: event.location } : {}),
    status: ICalEventStatus.CONFIRMED,
    transparency: ICalEventTransparency.OPAQUE,
    x: [[CALDAV_EVENT_MARK, event.bookingId]],
  })
  return calendar.toString()
}

/**
 * CalDAV (RFC 4791) on `tsdav`: iCloud, Fastmail, Nextcloud, Radicale… Every
 * request goes through {@link createPinnedFetch} (the webhook SSRF policy,
 * WEBHOOK_ALLOW_PRIVATE) with the account's Basic credentials.
 *
 * - Connect: tsdav's discovery (`.well-known/caldav`, current-user-principal,
 *   calendar-home-set), then the home's calendars that hold events.
 * - Busy times: a full sync is one calendar-query with a time range over the sync
 *   window (Radicale 3.1 has no free-busy-query); its cursor is the calendar's
 *   sync-token, so a poll is one sync-collection REPORT and a calendar-multiget
 *   of the objects that changed. Servers without sync-tokens get ctag + etags.
 *   Objects are read by {@link busyOfCalendarObject}. No push: polling (10
 *   minutes) and on demand keep it fresh.
 * - Write-back: `PUT slotkit-<booking id>.ics` with `If-None-Match: *` (412:
 *   already there, done), reschedule with `If-Match`, cancel with DELETE.
 * - Errors: 401 is `revoked` (the password was changed or the app-specific
 *   password revoked: the engine disconnects and e-mails the host), 429 is
 *   `rate-limited`, 5xx and network failures `unavailable`, the rest `rejected`.
 */
export function createCaldavProvider(options: CaldavProviderOptions): CalendarProvider {
  const pinned = createPinnedFetch({
    allowPrivate: options.allowPrivate,
    resolve: options.resolve,
    timeoutMs: options.timeoutMs,
    httpsOnly: !options.allowPrivate,
  })

  function toCaldavError(operation: string, error: unknown): Error {
    if (error instanceof ProviderError || error instanceof ResyncRequiredError) return error
    const label = `caldav ${operation}`
    if (error instanceof WebhookTargetRefused) {
      return new ProviderError('caldav', 'rejected', `${label}: ${error.message}`, {
        reason: 'target-refused',
      })
    }
    if (error instanceof FetchFailedError) {
      return new ProviderError('caldav', 'unavailable', `${label}: ${error.message}`, {
        reason: error.code,
      })
    }
    // tsdav's own errors quote the server's answer: never passed on.
    return new ProviderError('caldav', 'rejected', `${label}: the server's answer was not usable`, {
      reason: 'unusable-answer',
    })
  }

  /**
   * The fetch tsdav gets for one operation: 401/429/5xx become provider errors.
   * `seen` collects them: tsdav's discovery swallows errors while it tries
   * other URLs, and the most telling one (a 401 before a 5xx) explains its failure.
   */
  function transport(operation: string, seen?: ProviderError[]): typeof fetch {
    const run: FetchLike = async (input, init) => {
      let response: Response
      try {
        response = await pinned(input, init)
      } catch (error) {
        const mapped = toCaldavError(operation, error)
        if (mapped instanceof ProviderError) seen?.push(mapped)
        throw mapped
      }
      const status = response.status
      const label = `caldav ${operation}: HTTP ${status}`
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), options.now())
      let error: ProviderError | undefined
      if (status === 401) {
        error = new ProviderError(
          'caldav',
          'revoked',
          `${label} (the server refused the user name and password)`,
          { status },
        )
      } else if (status === 429) {
        error = new ProviderError('caldav', 'rate-limited', label, { status, retryAfterMs })
      } else if (status >= 500 || status === 408) {
        error = new ProviderError('caldav', 'unavailable', label, { status, retryAfterMs })
      }
      if (error) {
        seen?.push(error)
        throw error
      }
      return response
    }
    return run as typeof fetch
  }

  async function guarded<TResult>(operation: string, run: () => Promise<TResult>) {
    try {
      return await run()
    } catch (error) {
      throw toCaldavError(operation, error)
    }
  }

  function rejected(operation: string, response: { status: number }, why?: string): ProviderError {
    return new ProviderError(
      'caldav',
      'rejected',
      `caldav ${operation}: HTTP ${response.status}${why ? ` (${why})` : ''}`,
      { status: response.status },
    )
  }

  /**
   * Throws unless a REPORT was answered with a multistatus (tsdav hands back
   * any other answer as one response with the status of the whole request).
   */
  function assertMultistatus(operation: string, responses: readonly DAVResponse[]): void {
    const first = responses[0]
    const raw = first?.raw as { multistatus?: unknown } | undefined
    if (first && responses.length === 1 && (typeof raw !== 'object' || !raw?.multistatus)) {
      throw rejected(
        operation,
        first,
        first.status === 404 ? 'the calendar no longer exists' : undefined,
      )
    }
  }

  /** calendar-multiget of `paths`; objects gone meanwhile are simply absent. */
  async function multiget(
    account: CaldavAccount,
    calendarUrl: string,
    paths: readonly string[],
  ): Promise<{ path: string; etag: string | undefined; data: string | undefined }[]> {
    const objects: { path: string; etag: string | undefined; data: string | undefined }[] = []
    for (let i = 0; i < paths.length; i += MULTIGET_BATCH) {
      // davRequest rather than tsdav's calendarMultiGet, which fails the whole batch
      // when one object was deleted between the change list and the fetch.
      const responses = await davRequest({
        url: calendarUrl,
        init: {
          method: 'REPORT',
          headers: { depth: '1', ...basicAuth(account.username, account.password) },
          namespace: 'c',
          body: {
            'calendar-multiget': {
              _attributes: getDAVAttribute(['DAV:', 'urn:ietf:params:xml:ns:caldav'] as never),
              'd:prop': { 'd:getetag': {}, 'c:calendar-data': {} },
              'd:href': paths.slice(i, i + MULTIGET_BATCH),
            },
          },
        },
        fetch: transport('calendar-multiget'),
      })
      assertMultistatus('calendar-multiget', responses)
      for (const response of responses) {
        if (!response.href || !response.ok) continue
        const props = propsOf(response)
        objects.push({
          path: pathOf(response.href, calendarUrl),
          etag: text(props.getetag),
          data: text(props.calendarData),
        })
      }
    }
    return objects
  }

  /** Busy times of fetched objects; an object that is not iCalendar is skipped. */
  function busyOf(
    objects: readonly { path: string; data: string | undefined }[],
    context: { window: SyncWindow; timeZone: string; addresses: ReadonlySet<string> },
  ): BusyInterval[] {
    const busy: BusyInterval[] = []
    for (const object of objects) {
      if (!object.data) continue
      try {
        busy.push(...busyOfCalendarObject(object.data, { ...context, objectId: object.path }))
      } catch {
        // A malformed object must not stop the calendar's sync; it blocks nothing.
      }
    }
    return busy
  }

  /** PROPFIND of a calendar's sync-token and ctag. */
  async function collectionState(account: CaldavAccount, calendarUrl: string) {
    const [response] = await propfind({
      url: calendarUrl,
      props: { 'd:sync-token': {}, 'cs:getctag': {} },
      depth: '0',
      headers: basicAuth(account.username, account.password),
      fetch: transport('propfind'),
    })
    if (!response?.ok) {
      throw rejected(
        'propfind',
        response ?? { status: 0 },
        response?.status === 404 ? 'the calendar no longer exists' : undefined,
      )
    }
    const props = propsOf(response)
    return { token: text(props.syncToken), ctag: text(props.getctag) }
  }

  /** calendar-query over the window: every object with an event in it, with or without its data. */
  async function query(
    account: CaldavAccount,
    calendarUrl: string,
    window: SyncWindow,
    withData: boolean,
  ) {
    const responses = await davRequest({
      url: calendarUrl,
      init: {
        method: 'REPORT',
        headers: { depth: '1', ...basicAuth(account.username, account.password) },
        namespace: 'c',
        body: {
          'calendar-query': {
            _attributes: getDAVAttribute(['urn:ietf:params:xml:ns:caldav', 'DAV:'] as never),
            'd:prop': withData ? { 'd:getetag': {}, 'c:calendar-data': {} } : { 'd:getetag': {} },
            filter: {
              'comp-filter': {
                _attributes: { name: 'VCALENDAR' },
                'comp-filter': {
                  _attributes: { name: 'VEVENT' },
                  'time-range': {
                    _attributes: { start: basicUtc(window.from), end: basicUtc(window.to) },
                  },
                },
              },
            },
          },
        },
      },
      fetch: transport('calendar-query'),
    })
    assertMultistatus('calendar-query', responses)
    const objects: { path: string; etag: string | undefined; data: string | undefined }[] = []
    for (const response of responses) {
      if (!response.href) continue
      const path = pathOf(response.href, calendarUrl)
      if (path === pathOf(calendarUrl, calendarUrl)) continue
      if (!response.ok) throw rejected('calendar-query', response)
      const props = propsOf(response)
      objects.push({ path, etag: text(props.getetag), data: text(props.calendarData) })
    }
    return objects
  }

  async function fullSync(
    account: CaldavAccount,
    calendarUrl: string,
    context: { window: SyncWindow; timeZone: string; addresses: ReadonlySet<string> },
  ): Promise<CalendarDelta> {
    // The cursor is read before the listing: a change made meanwhile is listed again next time.
    const state = await collectionState(account, calendarUrl)
    const objects = await query(account, calendarUrl, context.window, true)
    const cursor: Cursor | null = state.token
      ? { v: 1, token: state.token }
      : state.ctag
        ? {
            v: 1,
            ctag: state.ctag,
            etags: Object.fromEntries(objects.map((o) => [o.path, o.etag ?? ''])),
          }
        : null
    return {
      mode: 'full',
      upserts: busyOf(objects, context),
      removals: [],
      nextCursor: cursor ? JSON.stringify(cursor) : null,
    }
  }

  /** RFC 6578 sync-collection from `token`: the changed and the deleted objects, and the next token. */
  async function changesSince(account: CaldavAccount, calendarUrl: string, token: string) {
    const changed = new Set<string>()
    const deleted = new Set<string>()
    let next = token
    const self = pathOf(calendarUrl, calendarUrl)
    for (let round = 0; round < MAX_SYNC_ROUNDS; round++) {
      const responses = await syncCollection({
        url: calendarUrl,
        props: { 'd:getetag': {} },
        syncLevel: 1,
        syncToken: next,
        headers: basicAuth(account.username, account.password),
        fetch: transport('sync-collection'),
      })
      const first = responses[0]
      const raw = first?.raw as { multistatus?: { syncToken?: unknown } } | undefined
      if (first && responses.length === 1 && (typeof raw !== 'object' || !raw?.multistatus)) {
        if (first.status === 404) {
          throw rejected('sync-collection', first, 'the calendar no longer exists')
        }
        // 403/409 DAV:valid-sync-token (RFC 6578 §3.2): the token expired; list in full.
        throw new ResyncRequiredError(`caldav sync-collection: HTTP ${first.status}`)
      }
      let truncated = false
      for (const response of responses) {
        if (!response.href) continue
        const path = pathOf(response.href, calendarUrl)
        if (path === self) {
          // 507 on the collection itself: more changes than one answer holds (§3.6).
          if (response.status === 507) truncated = true
          continue
        }
        if (response.status === 404) {
          deleted.add(path)
          changed.delete(path)
        } else if (response.ok) {
          changed.add(path)
          deleted.delete(path)
        }
      }
      const newToken = text(raw?.multistatus?.syncToken)
      if (!newToken) throw new ResyncRequiredError('caldav sync-collection: no sync-token answered')
      next = newToken
      if (!truncated) return { changed, deleted, token: next }
    }
    throw new ResyncRequiredError('caldav sync-collection: the change list did not end')
  }

  async function incrementalSync(
    account: CaldavAccount,
    calendarUrl: string,
    cursor: Cursor,
    context: { window: SyncWindow; timeZone: string; addresses: ReadonlySet<string> },
  ): Promise<CalendarDelta> {
    let changed: string[]
    let removed: string[]
    let nextCursor: Cursor
    if ('token' in cursor) {
      const changes = await changesSince(account, calendarUrl, cursor.token)
      changed = [...changes.changed]
      removed = [...changes.deleted]
      nextCursor = { v: 1, token: changes.token }
    } else {
      const state = await collectionState(account, calendarUrl)
      // The server gained sync-tokens (an upgrade): start over with one.
      if (state.token) throw new ResyncRequiredError('caldav: the calendar now has a sync-token')
      if (state.ctag === cursor.ctag) {
        return {
          mode: 'incremental',
          upserts: [],
          removals: [],
          nextCursor: JSON.stringify(cursor),
        }
      }
      const listed = await query(account, calendarUrl, context.window, false)
      const etags = Object.fromEntries(listed.map((o) => [o.path, o.etag ?? '']))
      changed = listed.filter((o) => !o.etag || cursor.etags[o.path] !== o.etag).map((o) => o.path)
      removed = Object.keys(cursor.etags).filter((path) => !(path in etags))
      nextCursor = { v: 1, ctag: state.ctag ?? '', etags }
    }
    // Objects Slotkit wrote are skipped unread: they carry its mark, so they block nothing.
    const toFetch = changed.filter((path) => !fileNameOf(path).startsWith(WRITTEN_PREFIX))
    const objects = toFetch.length > 0 ? await multiget(account, calendarUrl, toFetch) : []
    return {
      mode: 'incremental',
      upserts: busyOf(objects, context),
      removals: [],
      removedObjects: [...changed, ...removed],
      nextCursor: JSON.stringify(nextCursor),
    }
  }

  function parseCursor(cursor: string): Cursor | undefined {
    try {
      const parsed = JSON.parse(cursor) as Partial<Record<string, unknown>>
      if (parsed.v !== 1) return undefined
      if (typeof parsed.token === 'string') return { v: 1, token: parsed.token }
      if (typeof parsed.ctag === 'string' && parsed.etags && typeof parsed.etags === 'object') {
        return { v: 1, ctag: parsed.ctag, etags: parsed.etags as Record<string, string> }
      }
    } catch {
      // Unreadable: start over.
    }
    return undefined
  }

  /** The object URL of a written event: its file name in the calendar. */
  function objectUrl(calendarUrl: string, fileName: string): string {
    const base = calendarUrl.endsWith('/') ? calendarUrl : `${calendarUrl}/`
    return new URL(encodeURIComponent(fileName), base).href
  }

  /** PUT of a written event; `If-None-Match: *` to create, `If-Match: <etag>` to replace. */
  async function put(
    account: CaldavAccount,
    url: string,
    body: string,
    condition: { 'If-None-Match': '*' } | { 'If-Match': string },
  ): Promise<Response> {
    return transport('put')(url, {
      method: 'PUT',
      headers: {
        ...basicAuth(account.username, account.password),
        'content-type': 'text/calendar; charset=utf-8',
        ...condition,
      },
      body,
    })
  }

  /** The etag of an object, or undefined when it does not exist. */
  async function etagOf(account: CaldavAccount, url: string): Promise<string | undefined> {
    const [response] = await propfind({
      url,
      props: { 'd:getetag': {} },
      depth: '0',
      headers: basicAuth(account.username, account.password),
      fetch: transport('propfind'),
    })
    if (!response || response.status === 404) return undefined
    if (!response.ok) throw rejected('propfind', response)
    return text(propsOf(response).getetag)
  }

  function uidOf(fileName: string): string {
    return `${fileName.replace(/\.ics$/, '')}@slotkit`
  }

  /** The file name `updateEvent`/`deleteEvent` address: the id createEvent gave, else from the booking. */
  function fileNameFor(eventId: string, bookingId?: string): string {
    if (WRITTEN_NAME.test(eventId)) return eventId
    return writtenFileName(bookingId ?? eventId)
  }

  return {
    id: 'caldav',
    name: 'CalDAV',
    connect: {
      kind: 'credentials',
      async verify(credentials) {
        const serverUrl = credentials.server_url ?? ''
        const username = credentials.username ?? ''
        const password = credentials.password ?? ''
        const headers = basicAuth(username, password)
        return guarded('discovery', async () => {
          let account: DAVAccount
          const seen: ProviderError[] = []
          try {
            account = await createAccount({
              account: { serverUrl, accountType: 'caldav' },
              headers,
              fetch: transport('discovery', seen),
            })
          } catch (error) {
            // The most telling failure of the URLs tried: refused credentials, then a
            // failing server, then an unreachable one.
            const rank = (e: ProviderError) =>
              e.kind === 'revoked' ? 0 : e.options.status !== undefined ? 1 : 2
            const telling = seen.sort((a, b) => rank(a) - rank(b))[0]
            if (telling) throw telling
            if (error instanceof ProviderError) throw error
            // tsdav found no principal or calendar home: not a CalDAV server (or path).
            throw new ProviderError(
              'caldav',
              'rejected',
              'caldav discovery: no CalDAV principal and calendar home were found at this URL',
              { reason: 'not-caldav' },
            )
          }
          const addresses = await fetchCalendarUserAddresses({
            account,
            headers,
            fetch: transport('discovery'),
          }).catch((error: unknown) => {
            // Optional (RFC 6638): without it, declines are matched on the user name only.
            if (error instanceof ProviderError && error.kind !== 'rejected') throw error
            return [] as string[]
          })
          const own = new Set(
            addresses
              .filter((a) => /^mailto:/i.test(a))
              .map(addressOf)
              .concat(username.includes('@') ? [username.toLowerCase()] : []),
          )
          return {
            server_url: serverUrl,
            username,
            password,
            root_url: account.rootUrl ?? serverUrl,
            principal_url: account.principalUrl ?? '',
            home_url: account.homeUrl ?? '',
            addresses: [...own].join('\n'),
          }
        })
      },
    },

    async listCalendars(session) {
      const account = toAccount(await session.credentials())
      return guarded('calendars', async () => {
        const found = await fetchCalendars({
          account: davAccount(account),
          headers: basicAuth(account.username, account.password),
          fetch: transport('calendars'),
        })
        const withEvents = found.filter(
          (c) => !c.components || c.components.length === 0 || c.components.includes('VEVENT'),
        )
        if (withEvents.length === 0) {
          throw new ProviderError(
            'caldav',
            'rejected',
            'caldav calendars: the account has no calendar that holds events',
            { reason: 'no-calendars' },
          )
        }
        const named = withEvents.map((c) => {
          const path = new URL(c.url).pathname.replace(/\/$/, '')
          const tzid = /^TZID:(.+)$/m.exec(c.timezone ?? '')?.[1]?.trim()
          return {
            url: c.url,
            name: text(c.displayName) || decodeURIComponent(fileNameOf(path)) || c.url,
            slug: fileNameOf(path).toLowerCase(),
            timeZone: tzid ? (ianaZoneOf(tzid) ?? null) : null,
          }
        })
        // CalDAV has no "primary": the default calendar's usual names, else the first listed.
        const defaults = ['calendar', 'home', 'personal', 'default']
        const primary =
          named.find((c) => defaults.includes(c.slug)) ??
          named.find((c) => defaults.includes(c.name.toLowerCase())) ??
          named[0]
        const calendars: ProviderCalendar[] = named.map((c) => ({
          externalId: c.url,
          name: c.name,
          primary: c === primary,
          timeZone: c.timeZone,
        }))
        return { accountEmail: caldavAccountId(account.serverUrl, account.username), calendars }
      })
    },

    async syncCalendar(session, { calendarId, cursor, window, timeZone }) {
      const account = toAccount(await session.credentials())
      const context = { window, timeZone, addresses: new Set(account.addresses) }
      return guarded('sync', async () => {
        const parsed = cursor === null ? undefined : parseCursor(cursor)
        if (cursor !== null && !parsed) throw new ResyncRequiredError('caldav: unreadable cursor')
        return parsed
          ? incrementalSync(account, calendarId, parsed, context)
          : fullSync(account, calendarId, context)
      })
    },

    async createEvent(session, calendarId, event) {
      const account = toAccount(await session.credentials())
      const fileName = writtenFileName(event.bookingId)
      return guarded('create event', async () => {
        const response = await put(
          account,
          objectUrl(calendarId, fileName),
          buildCalendarObject(event, uidOf(fileName), options.now()),
          { 'If-None-Match': '*' },
        )
        // 412: an earlier attempt already wrote it (a retried job): done.
        if (!response.ok && response.status !== 412) throw rejected('create event', response)
        return { eventId: fileName, conferenceUrl: null }
      })
    },

    async updateEvent(session, calendarId, event) {
      const account = toAccount(await session.credentials())
      const fileName = fileNameFor(event.eventId, event.bookingId)
      const url = objectUrl(calendarId, fileName)
      const body = buildCalendarObject(event, uidOf(fileName), options.now())
      await guarded('update event', async () => {
        // If-Match on the etag just read: a change made meanwhile (412) is read again once.
        for (let attempt = 0; attempt < 2; attempt++) {
          const etag = await etagOf(account, url)
          const response = await put(
            account,
            url,
            body,
            etag ? { 'If-Match': etag } : { 'If-None-Match': '*' },
          )
          if (response.ok) return
          if (response.status !== 412) throw rejected('update event', response)
        }
        throw new ProviderError(
          'caldav',
          'rejected',
          'caldav update event: HTTP 412 twice (the event keeps changing)',
          { status: 412 },
        )
      })
    },

    async deleteEvent(session, calendarId, eventId) {
      const account = toAccount(await session.credentials())
      const url = objectUrl(calendarId, fileNameFor(eventId))
      await guarded('delete event', async () => {
        const response = await transport('delete event')(url, {
          method: 'DELETE',
          headers: basicAuth(account.username, account.password),
        })
        // Already gone counts as deleted.
        if (!response.ok && response.status !== 404 && response.status !== 410) {
          throw rejected('delete event', response)
        }
      })
    },
  }
}
