import type { CalendarReleasePayload } from '../../jobs/queues'
import type { CalendarSync } from './calendar-sync'
import { type OAuthConnect, ProviderError, type ProviderSession } from './provider'
import { CircuitBreaker, type CircuitBreakerOptions } from './resilience'
import { openCredentials, type StoredCredentials } from './token-store'

/** Where a release stands: done (or nothing left that can be done), or worth another try later. */
export type ReleaseOutcome = 'released' | 'retry'

/** What {@link releaseIntegration} needs. */
export interface ReleaseDeps {
  readonly calendarSync: CalendarSync
  readonly log: {
    info(obj: object, msg: string): void
    warn(obj: object, msg: string): void
  }
  /** The circuit breaker options of the server's calendar settings. */
  readonly breaker?: CircuitBreakerOptions
}

// One breaker per provider per CalendarSync, for releases: a provider that is down
// is not called again by every queued release until it recovers. (The sync engine
// keeps its own breakers inside CalendarSync; they are not reachable from here.)
const breakersOf = new WeakMap<CalendarSync, Map<string, CircuitBreaker>>()

function breakerOf(deps: ReleaseDeps, provider: string): CircuitBreaker {
  let breakers = breakersOf.get(deps.calendarSync)
  if (!breakers) {
    breakers = new Map()
    breakersOf.set(deps.calendarSync, breakers)
  }
  let breaker = breakers.get(provider)
  if (!breaker) {
    breaker = new CircuitBreaker(deps.breaker)
    breakers.set(provider, breaker)
  }
  return breaker
}

/**
 * A session over a deleted integration's tokens: its access token while valid,
 * else one refreshed with its refresh token. Nothing is stored: the row is gone.
 */
function releaseSession(
  payload: CalendarReleasePayload,
  connect: OAuthConnect,
  credentials: StoredCredentials,
  now: () => number,
): ProviderSession {
  let token = credentials.accessToken
  let expiresAt = payload.accessExpiresAt ? Date.parse(payload.accessExpiresAt) : 0
  const refresh = async () => {
    if (!credentials.refreshToken) {
      throw new ProviderError(payload.provider, 'revoked', 'no refresh token to release with')
    }
    const tokens = await connect.refresh(credentials.refreshToken)
    token = tokens.accessToken
    expiresAt = tokens.expiresAt
    return token
  }
  return {
    integrationId: payload.integrationId,
    accountEmail: '',
    accessToken: async () => (token && expiresAt - now() > 60_000 ? token : refresh()),
    refreshAccessToken: () => refresh(),
    credentials: async () => credentials.secret ?? {},
  }
}

function describe(error: unknown): string {
  if (error instanceof ProviderError) return error.message
  return error instanceof Error ? error.name : 'failed'
}

/**
 * The provider side of a deleted integration, best effort: stops its push
 * channels (Google channels, Graph subscriptions) and revokes its grant (Google;
 * Microsoft has no revocation endpoint). Runs as the `calendar.release` job after
 * the delete committed, or in the background without a job queue.
 *
 * Answers `retry` when the provider is down (5xx, timeout, rate limit) or its
 * circuit breaker is open; the job then fails and pg-boss tries again with
 * backoff. A refused grant (invalid_grant, 401) means there is nothing left to
 * release. Never throws for provider trouble, and never logs a token.
 */
export async function releaseIntegration(
  deps: ReleaseDeps,
  payload: CalendarReleasePayload,
): Promise<ReleaseOutcome> {
  const { calendarSync, log } = deps
  const provider = calendarSync.provider(payload.provider)
  const box = calendarSync.box
  if (provider?.connect.kind !== 'oauth' || !box) return 'released'
  const connect = provider.connect
  let credentials: StoredCredentials
  try {
    credentials = openCredentials(box, {
      id: payload.integrationId,
      credentials: payload.credentials,
    })
  } catch (error) {
    log.warn(
      { integrationId: payload.integrationId, provider: payload.provider, error: describe(error) },
      'a deleted integration’s credentials cannot be opened: its channels expire on their own',
    )
    return 'released'
  }
  const now = calendarSync.now
  const breaker = breakerOf(deps, provider.id)
  if (!breaker.tryAcquire(now())) return 'retry'
  const session = releaseSession(payload, connect, credentials, now)
  try {
    for (const channel of payload.channels) {
      await provider.push?.stop(session, channel)
    }
    // Revoking the refresh token ends the whole grant (its access tokens too).
    if (credentials.refreshToken) await connect.revoke(credentials.refreshToken)
    breaker.success()
  } catch (error) {
    const kind = error instanceof ProviderError ? error.kind : undefined
    if (kind === 'unavailable' || kind === 'rate-limited' || kind === undefined) {
      if (kind === 'unavailable' || kind === undefined) breaker.failure(now())
      else breaker.release()
      log.warn(
        {
          integrationId: payload.integrationId,
          provider: payload.provider,
          error: describe(error),
        },
        'could not release a deleted integration at the provider yet; retried later',
      )
      return 'retry'
    }
    breaker.release()
    // Revoked or refused: the grant is gone or was never valid; nothing to undo.
    log.info(
      { integrationId: payload.integrationId, provider: payload.provider, error: describe(error) },
      'a deleted integration’s grant was already refused at the provider',
    )
    return 'released'
  }
  log.info(
    {
      integrationId: payload.integrationId,
      provider: payload.provider,
      channels: payload.channels.length,
    },
    'deleted integration released at the provider (channels stopped, grant revoked)',
  )
  return 'released'
}
