import {
  type Client,
  type GraphRequest,
  RetryHandlerOptions,
} from '@microsoft/microsoft-graph-client'
import {
  type BusyInterval,
  type CalendarProvider,
  ProviderError,
  type ProviderSession,
  type PushChannel,
  type WrittenEvent,
} from '../provider'
import { KeyedSemaphore, RequestBudget } from '../resilience'
import { createGraphClient, GraphBearer, toGraphError } from './graph-client'
import { type IdentityOptions, microsoftAuthorizationUrl, requestMicrosoftToken } from './identity'
import {
  GRAPH_EVENT_MARK_PROPERTY,
  type GraphEventLike,
  SLOTKIT_TRANSACTION_PREFIX,
  toBusyInterval,
} from './map-event'

/** The settings of the Microsoft provider (MICROSOFT_* variables). */
export interface MicrosoftProviderOptions {
  readonly clientId: string
  readonly clientSecret: string
  /** MICROSOFT_TENANT. */
  readonly tenant: string
  /** MICROSOFT_LOGIN_URL, no trailing slash. */
  readonly loginUrl: string
  /** MICROSOFT_GRAPH_URL: an https origin. */
  readonly graphUrl: string
  /** The clock (epoch ms) token and subscription expiries are expressed in. */
  readonly now: () => number
  /** Deadline of one HTTP call; default 20 s. */
  readonly timeoutMs?: number
  /** Requests in flight per mailbox; default 4 (Outlook's limit per app and mailbox). */
  readonly concurrentRequests?: number
  /** Requests per 10 minutes per mailbox; default 10,000 (Outlook's limit). */
  readonly requestsPer10Minutes?: number
  /** Events per delta page (`Prefer: odata.maxpagesize`); default 200. */
  readonly pageSize?: number
}

/**
 * How long a subscription is asked for: 4,230 minutes (just under three days).
 * Graph's limit for Outlook events is 10,080 minutes now and was 4,230 before
 * (reference §2.6); the older figure is accepted under both, and channels are
 * renewed a day ahead anyway.
 */
export const SUBSCRIPTION_LIFETIME_MS = 4230 * 60_000

/** A Retry-After up to this is waited out inside a call; a longer one fails it (the engine backs off). */
const MAX_INLINE_RETRY_AFTER_SECONDS = 10

/** `2027-03-08T10:00:00.0000000` in UTC, as Graph writes `dateTimeTimeZone.dateTime`. */
function graphDateTime(ms: number): { dateTime: string; timeZone: 'UTC' } {
  return { dateTime: `${new Date(ms).toISOString().slice(0, 23)}0000`, timeZone: 'UTC' }
}

/** Graph ids are base64 with `=`, and may hold `/`: always encoded in a path. */
function segment(id: string): string {
  return encodeURIComponent(id)
}

/**
 * Microsoft 365 and Outlook.com calendars through Microsoft Graph, on the real
 * `@microsoft/microsoft-graph-client` (its own middleware chain: bearer token to
 * the Graph origin only, RetryHandler honouring Retry-After, 4 requests in flight
 * per mailbox) and the identity platform's token endpoint over fetch.
 *
 * - Busy times: `calendarView/delta` per calendar, following `@odata.nextLink`
 *   to the `@odata.deltaLink`, which is the cursor; an expired one (410,
 *   syncStateNotFound, resyncRequired) makes the engine list in full again.
 *   Links must be https URLs on MICROSOFT_GRAPH_URL's origin, or the sync fails
 *   (the token is never sent elsewhere).
 * - Push: a subscription per calendar (validated by the notifications route),
 *   renewed by PATCH, deleted on removal; its clientState is the channel token.
 * - Write-back: events created with a `transactionId` derived from the booking,
 *   so the client's automatic retry of a throttled POST returns the first event
 *   instead of making a second; `conference` asks for a Teams meeting.
 *
 * Tokens: every call gets its access token from the session (refreshed under the
 * integration's lock when near expiry); a 401 refreshes once and retries once.
 * Microsoft rotates refresh tokens: the token store keeps the new one.
 */
export function createMicrosoftProvider(options: MicrosoftProviderOptions): CalendarProvider {
  const timeoutMs = options.timeoutMs ?? 20_000
  const pageSize = options.pageSize ?? 200
  const semaphore = new KeyedSemaphore(options.concurrentRequests ?? 4)
  const budgetLimit = options.requestsPer10Minutes ?? 10_000
  const budget = new RequestBudget(budgetLimit, 10 * 60_000)
  const graphOrigin = new URL(options.graphUrl).origin
  const identity: IdentityOptions = {
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    tenant: options.tenant,
    loginUrl: options.loginUrl,
    now: options.now,
    timeoutMs,
  }

  const clients = new WeakMap<ProviderSession, Client>()
  function clientOf(session: ProviderSession): Client {
    let client = clients.get(session)
    if (!client) {
      client = createGraphClient({
        graphUrl: options.graphUrl,
        semaphore,
        key: session.integrationId,
        timeoutMs,
        maxInlineRetryAfterSeconds: MAX_INLINE_RETRY_AFTER_SECONDS,
      })
      clients.set(session, client)
    }
    return client
  }

  /**
   * A link Graph handed back (`@odata.nextLink`, `@odata.deltaLink`), if it is an
   * https URL on the Graph origin; anything else is refused, never fetched.
   */
  function graphLink(link: string, operation: string): string {
    let url: URL
    try {
      url = new URL(link)
    } catch {
      throw new ProviderError(
        'microsoft',
        'rejected',
        `microsoft ${operation}: a link that is not a URL`,
      )
    }
    if (url.protocol !== 'https:' || url.origin !== graphOrigin) {
      throw new ProviderError(
        'microsoft',
        'rejected',
        `microsoft ${operation}: a link off the Graph origin was not followed`,
      )
    }
    return link
  }

  /** One API call: budget, token, 401 → one refresh and one retry, errors mapped. */
  async function call<TResult>(
    session: ProviderSession,
    operation: string,
    run: (api: (path: string) => GraphRequest) => Promise<TResult>,
    callOptions: { delta?: boolean; retries?: boolean } = {},
  ): Promise<TResult> {
    const client = clientOf(session)
    const attempt = async (token: string) => {
      const wait = budget.take(session.integrationId, options.now())
      if (wait !== undefined) {
        throw new ProviderError(
          'microsoft',
          'rate-limited',
          `microsoft ${operation}: this mailbox's ${budgetLimit} requests per 10 minutes are used up`,
          { retryAfterMs: wait },
        )
      }
      return run((path) =>
        client.api(path).middlewareOptions([
          new GraphBearer(token),
          // Some calls must not be repeated blindly (a subscription's create validates the
          // endpoint and would leave a second subscription behind).
          ...(callOptions.retries === false ? [new RetryHandlerOptions(0, 0)] : []),
        ]),
      )
    }
    const token = await session.accessToken()
    try {
      return await attempt(token)
    } catch (thrown) {
      const error = toGraphError(operation, thrown, options.now(), callOptions)
      if (!(error instanceof ProviderError) || error.kind !== 'unauthorized') throw error
      const fresh = await session.refreshAccessToken(token)
      try {
        return await attempt(fresh)
      } catch (again) {
        throw toGraphError(operation, again, options.now(), callOptions)
      }
    }
  }

  /** The JSON body of a written event (create and update share it). */
  function eventBody(event: WrittenEvent) {
    return {
      subject: event.summary,
      body: { contentType: 'text', content: event.description },
      start: graphDateTime(event.startsAt),
      end: graphDateTime(event.endsAt),
      attendees: event.attendees.map((a) => ({
        emailAddress: { address: a.email, name: a.name },
        type: 'required',
      })),
      showAs: 'busy',
      // An address, phone number or link; Teams fills in its own for an online meeting.
      ...(event.location ? { location: { displayName: event.location } } : {}),
    }
  }

  function toChannel(
    subscription: { id?: string; expirationDateTime?: string },
    asked: number,
  ): PushChannel {
    if (!subscription.id)
      throw new ProviderError(
        'microsoft',
        'rejected',
        'microsoft subscriptions: no id in the reply',
      )
    const granted = Date.parse(subscription.expirationDateTime ?? '')
    return {
      id: subscription.id,
      resourceId: null,
      // Graph's clock may differ from ours: never later than what was asked.
      expiresAt: Number.isFinite(granted) ? Math.min(granted, asked) : asked,
    }
  }

  return {
    id: 'microsoft',
    name: 'Outlook Calendar',
    connect: {
      kind: 'oauth',
      authorizationUrl: (request) => microsoftAuthorizationUrl(identity, request),
      async exchangeCode({ code, codeVerifier, redirectUri }) {
        const tokens = await requestMicrosoftToken(identity, 'token', {
          grant_type: 'authorization_code',
          code,
          code_verifier: codeVerifier,
          redirect_uri: redirectUri,
        })
        if (!tokens.refreshToken) {
          throw new ProviderError(
            'microsoft',
            'rejected',
            'microsoft token: no refresh token (offline_access was not granted)',
          )
        }
        return tokens
      },
      refresh: (refreshToken) =>
        requestMicrosoftToken(identity, 'token refresh', {
          grant_type: 'refresh_token',
          refresh_token: refreshToken,
        }),
      // The identity platform has no endpoint that revokes one app's refresh token
      // (Graph's revokeSignInSessions signs the user out of every app): removing an
      // integration deletes its tokens, and the host can remove the app's consent in
      // their account settings.
      async revoke() {},
    },

    async listCalendars(session) {
      const me = await call(session, 'me', (api) =>
        api('/me').select(['mail', 'userPrincipalName']).get(),
      )
      const items: { id?: string; name?: string; isDefaultCalendar?: boolean }[] = []
      let page = await call(session, 'calendars.list', (api) =>
        api('/me/calendars').select(['id', 'name', 'isDefaultCalendar']).top(100).get(),
      )
      for (;;) {
        items.push(...(page.value ?? []))
        const next = page['@odata.nextLink'] as string | undefined
        if (!next) break
        const link = graphLink(next, 'calendars.list')
        page = await call(session, 'calendars.list', (api) => api(link).get())
      }
      let primaryId = items.find((c) => c.isDefaultCalendar === true)?.id
      if (!primaryId) {
        const primary = await call(session, 'calendar.get', (api) =>
          api('/me/calendar').select('id').get(),
        )
        primaryId = primary.id
      }
      const calendars = items
        .filter((c): c is { id: string; name?: string } => typeof c.id === 'string' && c.id !== '')
        .map((c) => ({
          externalId: c.id,
          name: c.name ?? c.id,
          primary: c.id === primaryId,
          // Graph keeps zones in mailbox settings (another permission), not on calendars.
          timeZone: null,
        }))
      // Work and school accounts have `mail`; personal ones only the userPrincipalName.
      const accountEmail = (me.mail ?? me.userPrincipalName) as string | undefined
      if (!accountEmail)
        throw new ProviderError('microsoft', 'rejected', 'microsoft me: no address for the account')
      if (!calendars.some((c) => c.primary))
        throw new ProviderError('microsoft', 'rejected', 'microsoft calendars: no default calendar')
      return { accountEmail, calendars }
    },

    async syncCalendar(session, { calendarId, cursor, window }) {
      // By event id, the latest state wins (an event may change between two pages).
      const latest = new Map<string, BusyInterval | null>()
      // Times in UTC whatever the mailbox's zone; pages as large as Graph allows us.
      const prefer = `outlook.timezone="UTC", odata.maxpagesize=${pageSize}`
      let request: (api: (path: string) => GraphRequest) => GraphRequest =
        cursor === null
          ? (api) =>
              api(`/me/calendars/${segment(calendarId)}/calendarView/delta`).query({
                startDateTime: new Date(window.from).toISOString(),
                endDateTime: new Date(window.to).toISOString(),
              })
          : (api) => api(graphLink(cursor, 'calendarView.delta'))
      let nextCursor: string | null = null
      for (;;) {
        const current = request
        const page = await call(
          session,
          'calendarView.delta',
          (api) => current(api).header('Prefer', prefer).get(),
          { delta: true },
        )
        for (const item of (page.value ?? []) as GraphEventLike[]) {
          if (item.id) latest.set(item.id, toBusyInterval(item))
        }
        const next = page['@odata.nextLink'] as string | undefined
        if (next) {
          const link = graphLink(next, 'calendarView.delta')
          request = (api) => api(link)
          continue
        }
        const delta = page['@odata.deltaLink'] as string | undefined
        nextCursor = delta ? graphLink(delta, 'calendarView.delta') : null
        break
      }
      const upserts: BusyInterval[] = []
      const removals: string[] = []
      for (const [id, busy] of latest) {
        if (busy) upserts.push(busy)
        else removals.push(id)
      }
      return { mode: cursor === null ? 'full' : 'incremental', upserts, removals, nextCursor }
    },

    push: {
      maxLifetimeMs: SUBSCRIPTION_LIFETIME_MS,
      async watch(session, { calendarId, address, token, expiresAt }) {
        // Graph validates both URLs (a validationToken POST each) before it answers.
        const subscription = await call(
          session,
          'subscriptions.create',
          (api) =>
            api('/subscriptions').post({
              changeType: 'created,updated,deleted',
              notificationUrl: address,
              lifecycleNotificationUrl: address,
              resource: `me/calendars/${calendarId}/events`,
              expirationDateTime: new Date(expiresAt).toISOString(),
              clientState: token,
            }),
          { retries: false },
        )
        return toChannel(subscription, expiresAt)
      },
      async renew(session, channel, expiresAt) {
        const subscription = await call(session, 'subscriptions.renew', (api) =>
          api(`/subscriptions/${segment(channel.id)}`).patch({
            expirationDateTime: new Date(expiresAt).toISOString(),
          }),
        )
        return toChannel(subscription, expiresAt)
      },
      async stop(session, channel) {
        try {
          await call(session, 'subscriptions.delete', (api) =>
            api(`/subscriptions/${segment(channel.id)}`).delete(),
          )
        } catch (error) {
          // Already gone at Graph (expired, or removed): stopped.
          if (error instanceof ProviderError && error.options.status === 404) return
          throw error
        }
      },
    },

    async createEvent(session, calendarId, event) {
      const created = await call(session, 'events.create', (api) =>
        api(`/me/calendars/${segment(calendarId)}/events`).post({
          ...eventBody(event),
          // Derived from the booking: the RetryHandler re-posts a throttled create, and Graph
          // answers a repeated transactionId with the event it already made.
          transactionId: `${SLOTKIT_TRANSACTION_PREFIX}${event.eventId}`,
          singleValueExtendedProperties: [
            { id: GRAPH_EVENT_MARK_PROPERTY, value: event.bookingId },
          ],
          ...(event.conference
            ? { isOnlineMeeting: true, onlineMeetingProvider: 'teamsForBusiness' }
            : {}),
        }),
      )
      if (typeof created?.id !== 'string') {
        throw new ProviderError(
          'microsoft',
          'rejected',
          'microsoft events.create: no id in the reply',
        )
      }
      let joinUrl: string | null = created.onlineMeeting?.joinUrl ?? null
      if (event.conference && !joinUrl) {
        // The meeting can be attached a moment after the create: read it once more.
        const read = await call(session, 'events.get', (api) =>
          api(`/me/events/${segment(created.id)}`)
            .select(['id', 'onlineMeeting'])
            .get(),
        )
        joinUrl = read?.onlineMeeting?.joinUrl ?? null
      }
      return { eventId: created.id, conferenceUrl: event.conference ? joinUrl : null }
    },

    async updateEvent(session, _calendarId, event) {
      await call(session, 'events.update', (api) =>
        api(`/me/events/${segment(event.eventId)}`).patch(eventBody(event)),
      )
    },

    async deleteEvent(session, _calendarId, eventId) {
      try {
        await call(session, 'events.delete', (api) =>
          api(`/me/events/${segment(eventId)}`).delete(),
        )
      } catch (error) {
        // Already gone (the host deleted it in Outlook, or an earlier attempt did): removed.
        if (
          error instanceof ProviderError &&
          (error.options.status === 404 || error.options.status === 410)
        )
          return
        throw error
      }
    },
  }
}
