import { type calendar_v3, calendar as googleCalendar } from '@googleapis/calendar'
import { CodeChallengeMethod, OAuth2Client } from 'google-auth-library'
import {
  type BusyInterval,
  type CalendarProvider,
  type OAuthTokens,
  ProviderError,
  type ProviderSession,
  ResyncRequiredError,
  SLOTKIT_EVENT_MARK,
  type WrittenEvent,
} from '../provider'
import { parseRetryAfter, RequestBudget } from '../resilience'
import { toBusyInterval } from './map-event'

/** The settings of the Google provider (GOOGLE_* variables). */
export interface GoogleProviderOptions {
  readonly clientId: string
  readonly clientSecret: string
  /** GOOGLE_OAUTH_AUTHORIZE_URL. */
  readonly authorizeUrl: string
  /** GOOGLE_OAUTH_TOKEN_URL. */
  readonly tokenUrl: string
  /** GOOGLE_OAUTH_REVOKE_URL. */
  readonly revokeUrl: string
  /** GOOGLE_API_URL: the root `calendar/v3/...` paths are resolved against. */
  readonly apiUrl: string
  /** The clock (epoch ms) token expiries are expressed in. */
  readonly now: () => number
  /** Deadline of one HTTP call; default 20 s. */
  readonly timeoutMs?: number
  /** Requests per minute per account; default 600 (Google's per-user quota). */
  readonly requestsPerMinute?: number
}

/**
 * What a Google connection asks for, and nothing more: `calendar.readonly` for
 * the calendar list (calendarList.list; `calendar.events` does not cover it), and
 * `calendar.events` for events (events.list, events.watch, channels.stop) and
 * for writing bookings to the host's calendar.
 */
export const GOOGLE_SCOPES = [
  'https://www.googleapis.com/auth/calendar.readonly',
  'https://www.googleapis.com/auth/calendar.events',
]

/** Google keeps push channels for about a week at most; ask for that. */
const CHANNEL_LIFETIME_MS = 7 * 24 * 60 * 60_000

/** Google's page size limit for events.list. */
const PAGE_SIZE = 2500

/** Google's reasons that mean "slow down" rather than "forbidden" (reference §1.8). */
const RATE_LIMIT_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'quotaExceeded'])

/** The join link of a Google event: its Meet link, or a video entry point's URI; null while being made. */
export function conferenceUrlOf(event: calendar_v3.Schema$Event): string | null {
  const video = event.conferenceData?.entryPoints?.find((e) => e.entryPointType === 'video')
  return event.hangoutLink ?? video?.uri ?? null
}

/**
 * The Google event resource of a booking: the invitee as an attendee, the
 * booking id in the private property the sync skips ({@link SLOTKIT_EVENT_MARK}),
 * times in UTC.
 */
function eventBody(event: WrittenEvent): calendar_v3.Schema$Event {
  return {
    summary: event.summary,
    description: event.description,
    start: { dateTime: new Date(event.startsAt).toISOString() },
    end: { dateTime: new Date(event.endsAt).toISOString() },
    attendees: event.attendees.map((a) => ({ email: a.email, displayName: a.name })),
    ...(event.location ? { location: event.location } : {}),
    extendedProperties: { private: { [SLOTKIT_EVENT_MARK]: event.bookingId } },
  }
}

/** Whether a provider error says the event is not there (404, or 410 deleted). */
function isGone(error: unknown): boolean {
  return (
    error instanceof ProviderError && (error.options.status === 404 || error.options.status === 410)
  )
}

interface GaxiosLikeError {
  status?: number
  code?: string | number
  response?: {
    status?: number
    data?: unknown
    headers?: { get?(name: string): string | null } | Record<string, string>
  }
}

function headerOf(error: GaxiosLikeError, name: string): string | null {
  const headers = error.response?.headers
  if (!headers) return null
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null }).get(name)
  }
  return (headers as Record<string, string>)[name] ?? null
}

/**
 * Turns whatever a Google call threw (a GaxiosError: its `config` holds the
 * Authorization header and, for token calls, the refresh token) into a
 * {@link ProviderError} that carries only the operation, status and reason.
 * The original is dropped on purpose, never logged.
 */
export function toGoogleError(operation: string, thrown: unknown, now: number): Error {
  if (thrown instanceof ProviderError || thrown instanceof ResyncRequiredError) return thrown
  const error = (thrown ?? {}) as GaxiosLikeError
  const status =
    error.response?.status ?? (typeof error.status === 'number' ? error.status : undefined)
  const data = error.response?.data as
    | { error?: string | { errors?: { reason?: string }[]; message?: string } }
    | undefined
  const tokenError = typeof data?.error === 'string' ? data.error : undefined
  const reason =
    tokenError ?? (typeof data?.error === 'object' ? data.error.errors?.[0]?.reason : undefined)
  const label = `google ${operation}`
  if (status === undefined) {
    // No HTTP answer: refused, reset, timed out. The code only (the message may hold the URL).
    const code = typeof error.code === 'string' ? error.code : 'no response'
    return new ProviderError('google', 'unavailable', `${label}: ${code}`)
  }
  const detail = `${label}: HTTP ${status}${reason ? ` ${reason}` : ''}`
  const options = { status, reason }
  if (status === 410 && (reason === 'fullSyncRequired' || reason === 'updatedMinTooLongAgo')) {
    return new ResyncRequiredError(detail)
  }
  if (status === 400 && tokenError === 'invalid_grant') {
    return new ProviderError(
      'google',
      'revoked',
      `${detail} (the grant was revoked or expired)`,
      options,
    )
  }
  if (status === 401) return new ProviderError('google', 'unauthorized', detail, options)
  if (
    status === 429 ||
    (status === 403 && reason !== undefined && RATE_LIMIT_REASONS.has(reason))
  ) {
    const retryAfterMs = parseRetryAfter(headerOf(error, 'retry-after'), now)
    return new ProviderError('google', 'rate-limited', detail, { ...options, retryAfterMs })
  }
  if (status >= 500 || status === 408)
    return new ProviderError('google', 'unavailable', detail, options)
  return new ProviderError('google', 'rejected', detail, options)
}

/**
 * Google Calendar on the real client libraries: `google-auth-library`'s
 * OAuth2Client (endpoints from GOOGLE_OAUTH_*) and `@googleapis/calendar`
 * (root GOOGLE_API_URL) with the client's own retries off, since it ignores
 * Retry-After; the sync engine backs off instead.
 *
 * Tokens: each call gets its access token from the session (refreshed under
 * the integration's lock when near expiry); the OAuth2Client holds no refresh
 * token, so it never refreshes on its own. A 401 gets one refresh and one retry.
 */
export function createGoogleProvider(options: GoogleProviderOptions): CalendarProvider {
  const timeout = options.timeoutMs ?? 20_000
  const budget = new RequestBudget(options.requestsPerMinute ?? 600)
  const oauthClient = () =>
    new OAuth2Client({
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      // A token call runs while the integration row is locked: never wait forever.
      transporterOptions: { timeout },
      endpoints: {
        oauth2AuthBaseUrl: options.authorizeUrl,
        oauth2TokenUrl: options.tokenUrl,
        oauth2RevokeUrl: options.revokeUrl,
      },
    })
  // expiry_date comes back on the machine's clock: re-express it on ours.
  const expiresAt = (expiryDate: number | null | undefined) =>
    options.now() + Math.max(0, (expiryDate ?? Date.now() + 3_600_000) - Date.now())

  const clients = new WeakMap<ProviderSession, { auth: OAuth2Client; api: calendar_v3.Calendar }>()
  function clientOf(session: ProviderSession) {
    let client = clients.get(session)
    if (!client) {
      const auth = oauthClient()
      client = {
        auth,
        api: googleCalendar({
          version: 'v3',
          auth,
          rootUrl: options.apiUrl,
          retry: false,
          timeout,
        }),
      }
      clients.set(session, client)
    }
    return client
  }

  /** One API call: budget, token, 401 → one refresh and one retry, errors mapped. */
  async function call<TResult>(
    session: ProviderSession,
    operation: string,
    run: (api: calendar_v3.Calendar) => Promise<TResult>,
  ): Promise<TResult> {
    const { auth, api } = clientOf(session)
    const attempt = async (token: string) => {
      const wait = budget.take(session.integrationId, options.now())
      if (wait !== undefined) {
        throw new ProviderError(
          'google',
          'rate-limited',
          `google ${operation}: this account's ${options.requestsPerMinute ?? 600} requests a minute are used up`,
          { retryAfterMs: wait },
        )
      }
      // No expiry_date and no refresh token: the library uses the token as given.
      auth.setCredentials({ access_token: token })
      return run(api)
    }
    const token = await session.accessToken()
    try {
      return await attempt(token)
    } catch (thrown) {
      const error = toGoogleError(operation, thrown, options.now())
      if (!(error instanceof ProviderError) || error.kind !== 'unauthorized') throw error
      const fresh = await session.refreshAccessToken(token)
      try {
        return await attempt(fresh)
      } catch (again) {
        throw toGoogleError(operation, again, options.now())
      }
    }
  }

  return {
    id: 'google',
    name: 'Google Calendar',
    connect: {
      kind: 'oauth',
      authorizationUrl({ redirectUri, state, codeChallenge }) {
        return oauthClient().generateAuthUrl({
          access_type: 'offline',
          // Consent again on every connect, so Google always issues a refresh token.
          prompt: 'consent',
          // Exactly these two (no include_granted_scopes): a token never carries a
          // scope granted to this client earlier for something Slotkit does not use.
          scope: GOOGLE_SCOPES,
          state,
          redirect_uri: redirectUri,
          code_challenge: codeChallenge,
          code_challenge_method: CodeChallengeMethod.S256,
        })
      },
      async exchangeCode({ code, codeVerifier, redirectUri }): Promise<OAuthTokens> {
        try {
          const { tokens } = await oauthClient().getToken({
            code,
            codeVerifier,
            redirect_uri: redirectUri,
          })
          if (!tokens.access_token)
            throw new ProviderError('google', 'rejected', 'google token: no access token')
          if (!tokens.refresh_token) {
            throw new ProviderError(
              'google',
              'rejected',
              'google token: no refresh token (offline access was not granted)',
            )
          }
          return {
            accessToken: tokens.access_token,
            refreshToken: tokens.refresh_token,
            expiresAt: expiresAt(tokens.expiry_date),
          }
        } catch (thrown) {
          throw toGoogleError('token', thrown, options.now())
        }
      },
      async refresh(refreshToken): Promise<OAuthTokens> {
        const client = oauthClient()
        client.setCredentials({ refresh_token: refreshToken })
        try {
          const { token } = await client.getAccessToken()
          if (!token)
            throw new ProviderError('google', 'rejected', 'google token refresh: no access token')
          return {
            accessToken: token,
            refreshToken: client.credentials.refresh_token ?? undefined,
            expiresAt: expiresAt(client.credentials.expiry_date),
          }
        } catch (thrown) {
          throw toGoogleError('token refresh', thrown, options.now())
        }
      },
      async revoke(token) {
        try {
          await oauthClient().revokeToken(token)
        } catch (thrown) {
          throw toGoogleError('revoke', thrown, options.now())
        }
      },
    },

    async listCalendars(session) {
      const items: calendar_v3.Schema$CalendarListEntry[] = []
      let pageToken: string | undefined
      do {
        const { data } = await call(session, 'calendarList.list', (api) =>
          api.calendarList.list({ maxResults: 250, pageToken }),
        )
        items.push(...(data.items ?? []))
        pageToken = data.nextPageToken ?? undefined
      } while (pageToken)
      const calendars = items
        .filter((c): c is calendar_v3.Schema$CalendarListEntry & { id: string } => !!c.id)
        .map((c) => ({
          externalId: c.id,
          name: c.summaryOverride ?? c.summary ?? c.id,
          primary: c.primary === true,
          timeZone: c.timeZone ?? null,
        }))
      // The primary calendar's id is the account's e-mail address.
      const primary = calendars.find((c) => c.primary)
      if (!primary)
        throw new ProviderError('google', 'rejected', 'google calendarList: no primary calendar')
      return { accountEmail: primary.externalId, calendars }
    },

    async syncCalendar(session, { calendarId, cursor, window }) {
      // By event id, the latest state wins (an event may change between two pages).
      const latest = new Map<string, BusyInterval | null>()
      // Incremental: only the sync token (Google refuses timeMin/timeMax with it).
      const range =
        cursor === null
          ? {
              timeMin: new Date(window.from).toISOString(),
              timeMax: new Date(window.to).toISOString(),
            }
          : { syncToken: cursor }
      let pageToken: string | undefined
      let nextCursor: string | null = null
      do {
        const { data } = await call(session, 'events.list', (api) =>
          api.events.list({
            calendarId,
            singleEvents: true,
            maxResults: PAGE_SIZE,
            pageToken,
            ...range,
          }),
        )
        for (const event of data.items ?? []) {
          if (event.id) latest.set(event.id, toBusyInterval(event))
        }
        pageToken = data.nextPageToken ?? undefined
        // nextSyncToken comes on the last page only.
        nextCursor = data.nextSyncToken ?? nextCursor
      } while (pageToken)
      const upserts: BusyInterval[] = []
      const removals: string[] = []
      for (const [id, busy] of latest) {
        if (busy) upserts.push(busy)
        else removals.push(id)
      }
      return { mode: cursor === null ? 'full' : 'incremental', upserts, removals, nextCursor }
    },

    async createEvent(session, calendarId, event) {
      // The id comes from the booking, so a retry of an insert whose reply was lost
      // gets 409 duplicate instead of making a second event. sendUpdates none:
      // Slotkit sends the invitee its own e-mails, with the invite attached.
      const body: calendar_v3.Schema$Event = {
        ...eventBody(event),
        id: event.eventId,
        ...(event.conference
          ? {
              conferenceData: {
                // Google makes one conference per request id: a retried insert asks again
                // under the same id, never for a second Meet.
                createRequest: {
                  requestId: event.eventId,
                  conferenceSolutionKey: { type: 'hangoutsMeet' },
                },
              },
            }
          : {}),
      }
      try {
        const { data } = await call(session, 'events.insert', (api) =>
          api.events.insert({
            calendarId,
            conferenceDataVersion: event.conference ? 1 : 0,
            sendUpdates: 'none',
            requestBody: body,
          }),
        )
        return { eventId: data.id ?? event.eventId, conferenceUrl: conferenceUrlOf(data) }
      } catch (error) {
        if (!(error instanceof ProviderError && error.options.status === 409)) throw error
        // duplicate: an earlier try made it. Read it for its Meet link.
        const { data } = await call(session, 'events.get', (api) =>
          api.events.get({ calendarId, eventId: event.eventId }),
        )
        if (data.status === 'cancelled') {
          throw new ProviderError(
            'google',
            'rejected',
            'google events.insert: HTTP 409 duplicate (the id belongs to an event deleted since)',
            { status: 409, reason: 'duplicate' },
          )
        }
        return { eventId: event.eventId, conferenceUrl: conferenceUrlOf(data) }
      }
    },

    async updateEvent(session, calendarId, event) {
      const { data } = await call(session, 'events.patch', (api) =>
        api.events.patch({
          calendarId,
          eventId: event.eventId,
          sendUpdates: 'none',
          requestBody: eventBody(event),
        }),
      )
      // Patching a deleted (cancelled) event revives nothing: treat it as gone.
      if (data.status === 'cancelled') {
        throw new ProviderError(
          'google',
          'rejected',
          'google events.patch: the event was deleted',
          {
            status: 410,
            reason: 'deleted',
          },
        )
      }
      return { conferenceUrl: conferenceUrlOf(data) }
    },

    async deleteEvent(session, calendarId, eventId) {
      try {
        await call(session, 'events.delete', (api) =>
          api.events.delete({ calendarId, eventId, sendUpdates: 'none' }),
        )
      } catch (error) {
        // 404 never existed, 410 deleted already: either way it is gone.
        if (!isGone(error)) throw error
      }
    },

    push: {
      maxLifetimeMs: CHANNEL_LIFETIME_MS,
      async watch(session, { calendarId, channelId, address, token, expiresAt: until }) {
        const { data } = await call(session, 'events.watch', (api) =>
          api.events.watch({
            calendarId,
            requestBody: {
              id: channelId,
              type: 'web_hook',
              address,
              token,
              expiration: String(until),
            },
          }),
        )
        // The doc types expiration as a string of epoch ms; samples show a number.
        const granted = Number(data.expiration)
        return {
          id: data.id ?? channelId,
          resourceId: data.resourceId ?? null,
          expiresAt: Number.isFinite(granted) && granted > 0 ? granted : until,
        }
      },
      async stop(session, channel) {
        try {
          await call(session, 'channels.stop', (api) =>
            api.channels.stop({
              requestBody: { id: channel.id, resourceId: channel.resourceId ?? undefined },
            }),
          )
        } catch (error) {
          // Already gone at Google (expired, or stopped before): stopped.
          if (error instanceof ProviderError && error.options.status === 404) return
          throw error
        }
      },
    },
  }
}
