import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { formatUtc } from '@slotkit/core'
import type {
  ConnectCaldavBody,
  Integration,
  IntegrationList,
  PatchIntegrationBody,
  SyncResult,
} from '@slotkit/core/api'
import { isUuid } from '../db/ids'
import type { IntegrationRow } from '../db/integrations.schema'
import {
  adoptWriteCalendar,
  consumeOauthState,
  deleteBusyExcept,
  deleteCalendars,
  deleteIntegration,
  findCalendars,
  findIntegration,
  findLiveOauthState,
  insertIntegration,
  insertOauthState,
  listHostIntegrations,
  lockAccountIntegration,
  lockIntegration,
  lockWriteChoice,
  reactivateIntegration,
  setCalendarBusy,
  setWriteCalendar,
  upsertCalendar,
} from '../db/repositories/integrations.repository'
import { findUserById } from '../db/repositories/users.repository'
import { ApiError, invalidField, notFound } from '../http/api-error'
import type { CalendarSync, SyncOutcome } from '../integrations/calendar/calendar-sync'
import {
  type CalendarProvider,
  type OAuthConnect,
  type OAuthTokens,
  ProviderError,
  type ProviderSession,
} from '../integrations/calendar/provider'
import { releaseIntegration } from '../integrations/calendar/release-integration'
import type { SecretBox } from '../integrations/calendar/secret-box'
import { type StoredCredentials, sealCredentials } from '../integrations/calendar/token-store'
import { toWireIntegration } from '../integrations/calendar/wire'
import { CALENDAR_RELEASE, type CalendarReleasePayload } from '../jobs/queues'
import type { ServiceDeps } from './deps'
import { bumpHostGeneration } from './generation'
import { sha256 } from './tokens'

/** A connect must come back within this. */
export const OAUTH_STATE_TTL_MS = 10 * 60_000

/** What the integration use cases need. */
export interface IntegrationServiceDeps
  extends Pick<ServiceDeps, 'db' | 'cache' | 'now' | 'log' | 'publicUrl'> {
  readonly calendarSync: CalendarSync
}

/** The authenticated data a state's sealed PKCE verifier is bound to. */
function stateContext(stateHash: string): string {
  return `oauth-state:${stateHash}`
}

/** The callback address registered with the provider: PUBLIC_URL + `/api/integrations/<provider>/callback`. */
export function callbackUrl(deps: Pick<ServiceDeps, 'publicUrl'>, provider: string): string {
  return `${deps.publicUrl()}/api/integrations/${provider}/callback`
}

/** What people call the providers a server may not have configured. */
const PROVIDER_NAMES: Readonly<Record<string, string>> = {
  google: 'Google Calendar',
  microsoft: 'Outlook Calendar',
}

/** The box that seals credentials, or 503 ENCRYPTION_KEY_MISSING. */
function secretBox(deps: IntegrationServiceDeps): SecretBox {
  const box = deps.calendarSync.box
  if (!box) {
    throw new ApiError(
      'ENCRYPTION_KEY_MISSING',
      'ENCRYPTION_KEY is not set: calendar tokens cannot be stored encrypted. Set ENCRYPTION_KEY (32 random bytes, base64) on every server and worker',
      { variable: 'ENCRYPTION_KEY' },
    )
  }
  return box
}

/** The configured OAuth provider `id` and the secret box, or the 501/503 that explains what is missing. */
function oauthProvider(
  deps: IntegrationServiceDeps,
  id: string,
): { provider: CalendarProvider; connect: OAuthConnect; box: SecretBox } {
  const provider = deps.calendarSync.provider(id)
  if (provider?.connect.kind !== 'oauth') {
    throw new ApiError(
      'INTEGRATION_NOT_CONFIGURED',
      `${PROVIDER_NAMES[id] ?? id} is not configured on this server: set ${id.toUpperCase()}_CLIENT_ID and ${id.toUpperCase()}_CLIENT_SECRET`,
      { provider: id },
    )
  }
  return { provider, connect: provider.connect, box: secretBox(deps) }
}

/**
 * 400 unless `returnUrl` is an absolute http(s) URL that `new URL` parses. The
 * schema's pattern lets through strings such as `http://[` that the WHATWG
 * parser refuses: checked here, before a state is stored, so the callback never
 * meets a return_url it cannot redirect to (it used to answer 500 after storing
 * the integration).
 */
function assertReturnUrl(returnUrl: string): void {
  let url: URL
  try {
    url = new URL(returnUrl)
  } catch {
    throw invalidField('return_url', 'is not a valid URL')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw invalidField('return_url', 'must be an http or https URL')
  }
}

/**
 * `POST /api/integrations/<provider>/authorize`: a random single-use state bound
 * to the host (stored hashed, 10 minutes; the host's 20 newest are kept) and a
 * PKCE verifier (stored sealed); answers Slotkit's start page for that state,
 * whose Continue link is the provider's consent page ({@link startIntegration}).
 */
export async function authorizeIntegration(
  deps: IntegrationServiceDeps,
  providerId: string,
  hostId: string,
  returnUrl: string | undefined,
): Promise<{ authorization_url: string }> {
  const { box } = oauthProvider(deps, providerId)
  if (returnUrl !== undefined) assertReturnUrl(returnUrl)
  const host = await findUserById(deps.db, hostId)
  if (!host) throw notFound('User')
  const state = randomBytes(32).toString('base64url')
  const verifier = randomBytes(48).toString('base64url')
  const stateHash = sha256(state)
  await insertOauthState(deps.db, {
    stateHash,
    hostId,
    provider: providerId,
    codeVerifier: box.seal(verifier, stateContext(stateHash)),
    returnUrl: returnUrl ?? null,
    expiresAt: new Date(deps.now() + OAUTH_STATE_TTL_MS),
  })
  // Not the provider's page itself: Slotkit's start page first names the host the
  // calendar will be connected to (startIntegration), so a consent link passed on
  // to someone else says whose Slotkit account it feeds before anyone consents.
  const start = new URL(`${deps.publicUrl()}/api/integrations/${providerId}/start`)
  start.searchParams.set('state', state)
  return { authorization_url: start.toString() }
}

/** The invalid-state error of the start page and the callback. */
function stateInvalid(): ApiError {
  return new ApiError(
    'OAUTH_STATE_INVALID',
    'state: unknown, already used or expired (a connection must finish within 10 minutes); start again',
    { field: 'state' },
  )
}

/**
 * `GET /api/integrations/<provider>/start?state=…`: the page `authorization_url`
 * points to. Does not use the state: answers the host it is bound to and the
 * provider's consent URL (with the PKCE S256 challenge of the state's verifier),
 * or OAUTH_STATE_INVALID for a state that is unknown, used or expired.
 */
export async function startIntegration(
  deps: IntegrationServiceDeps,
  providerId: string,
  state: string | undefined,
): Promise<{ providerName: string; hostName: string; hostEmail: string; consentUrl: string }> {
  const { provider, connect, box } = oauthProvider(deps, providerId)
  if (!state) throw stateInvalid()
  const stateHash = sha256(state)
  const live = await findLiveOauthState(deps.db, {
    stateHash,
    provider: providerId,
    now: new Date(deps.now()),
  })
  if (!live) throw stateInvalid()
  const verifier = box.open(live.codeVerifier, stateContext(stateHash))
  const consentUrl = connect.authorizationUrl({
    redirectUri: callbackUrl(deps, providerId),
    state,
    codeChallenge: createHash('sha256').update(verifier).digest('base64url'),
  })
  return {
    providerName: provider.name,
    hostName: live.hostName,
    hostEmail: live.hostEmail,
    consentUrl,
  }
}

/**
 * A session over tokens not stored yet (the callback lists calendars before it stores
 * anything). Its own id: the request budget is per account, and connects of different
 * accounts must not share one.
 */
function transientSession(tokens: OAuthTokens): ProviderSession {
  return {
    integrationId: `connecting:${randomUUID()}`,
    accountEmail: '',
    accessToken: async () => tokens.accessToken,
    refreshAccessToken: async () => {
      throw new ProviderError('connect', 'unauthorized', 'the new access token was refused')
    },
    credentials: async () => ({}),
  }
}

/**
 * `GET /api/integrations/<provider>/callback`: uses the state once, exchanges the
 * code with the PKCE verifier, lists the account's calendars, and stores the
 * integration (sealed tokens) and its calendars: reconnecting an account updates
 * its integration. Its primary calendar blocks time by default, and becomes the
 * host's write calendar if the host has none. The first
 * sync is queued. A denied, forged, reused or expired callback stores nothing.
 */
export async function completeIntegration(
  deps: IntegrationServiceDeps,
  providerId: string,
  query: { code?: string; state?: string; error?: string },
): Promise<{ integrationId: string; accountEmail: string; returnUrl: string | null }> {
  const { provider, connect, box } = oauthProvider(deps, providerId)
  const consumed = query.state
    ? await consumeOauthState(deps.db, {
        stateHash: sha256(query.state),
        provider: providerId,
        now: new Date(deps.now()),
      })
    : undefined
  if (query.error !== undefined) {
    throw new ApiError(
      'OAUTH_ACCESS_DENIED',
      query.error === 'access_denied'
        ? `Access to ${provider.name} was declined; nothing was connected`
        : `${provider.name} did not authorize the connection (${query.error.slice(0, 100)}); nothing was connected`,
      { field: 'error' },
    )
  }
  if (!consumed) throw stateInvalid()
  if (!query.code) {
    throw new ApiError('OAUTH_STATE_INVALID', 'code: missing from the callback; start again', {
      field: 'code',
    })
  }
  const stateHash = sha256(query.state!)
  const codeVerifier = box.open(consumed.codeVerifier, stateContext(stateHash))
  let tokens: OAuthTokens
  let account: Awaited<ReturnType<CalendarProvider['listCalendars']>>
  try {
    tokens = await connect.exchangeCode({
      code: query.code,
      codeVerifier,
      redirectUri: callbackUrl(deps, providerId),
    })
    account = await provider.listCalendars(transientSession(tokens))
  } catch (error) {
    if (error instanceof ProviderError && (error.kind === 'revoked' || error.kind === 'rejected')) {
      throw new ApiError(
        'OAUTH_ACCESS_DENIED',
        `${provider.name} refused the authorization (${error.message}); nothing was connected`,
        { provider: providerId },
      )
    }
    deps.log.warn(
      {
        provider: providerId,
        error:
          error instanceof ProviderError
            ? error.message
            : String(error instanceof Error ? error.name : error),
      },
      'connecting a calendar failed at the provider',
    )
    throw new ApiError(
      'PROVIDER_ERROR',
      `${provider.name} could not be reached to finish the connection; try again`,
      { provider: providerId },
    )
  }
  const { integrationId } = await storeIntegration(deps, box, {
    hostId: consumed.hostId,
    provider: providerId,
    accountEmail: account.accountEmail,
    credentials: { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken },
    accessExpiresAt: tokens.expiresAt,
    calendars: account.calendars,
    now: deps.now(),
  })
  deps.log.info(
    { integrationId, hostId: consumed.hostId, provider: providerId },
    'calendar account connected',
  )
  await deps.calendarSync.enqueue(integrationId, { reason: 'connect' })
  return { integrationId, accountEmail: account.accountEmail, returnUrl: consumed.returnUrl }
}

/** A session over credentials not stored yet (connecting lists calendars before it stores anything). */
function credentialsSession(secret: Readonly<Record<string, string>>): ProviderSession {
  return {
    integrationId: `connecting:${randomUUID()}`,
    accountEmail: '',
    accessToken: async () => {
      throw new ProviderError('connect', 'rejected', 'password credentials have no access token')
    },
    refreshAccessToken: async () => {
      throw new ProviderError('connect', 'rejected', 'password credentials have no access token')
    },
    credentials: async () => secret,
  }
}

/**
 * Why connecting a CalDAV account failed, as the API says it: the password
 * (401), the server URL (refused by the SSRF policy, unreachable, or no CalDAV
 * server there), or the server itself (5xx, 429: retry later).
 */
function caldavConnectError(
  deps: IntegrationServiceDeps,
  serverUrl: string,
  error: unknown,
): ApiError {
  if (!(error instanceof ProviderError)) throw error
  const host = new URL(serverUrl).host
  if (error.kind === 'revoked' || error.kind === 'unauthorized') {
    return new ApiError(
      'CREDENTIALS_REJECTED',
      `password: ${host} refused the user name and password (HTTP 401); for iCloud and Fastmail use an app-specific password. Nothing was connected`,
      { field: 'password', provider: 'caldav' },
    )
  }
  if (error.options.reason === 'target-refused') {
    return invalidField('server_url', `${error.message.replace(/^caldav [^:]+: /, '')}`)
  }
  if (error.kind === 'unavailable' && error.options.status === undefined) {
    return new ApiError(
      'CALENDAR_SERVER_UNREACHABLE',
      `server_url: ${host} could not be reached (${error.options.reason ?? 'no answer'}); check the URL. Nothing was connected`,
      { field: 'server_url', provider: 'caldav', reason: error.options.reason ?? null },
    )
  }
  if (error.kind === 'rejected') {
    return new ApiError(
      'CALENDAR_SERVER_UNREACHABLE',
      `server_url: no CalDAV calendars were found at ${host} (${error.message.replace(/^caldav /, '')}); check the URL against the presets. Nothing was connected`,
      { field: 'server_url', provider: 'caldav', reason: error.options.reason ?? null },
    )
  }
  deps.log.warn({ provider: 'caldav', error: error.message }, 'connecting a CalDAV account failed')
  return new ApiError(
    'PROVIDER_ERROR',
    `${host} failed while connecting (${error.message.replace(/^caldav /, '')}); try again later`,
    { provider: 'caldav' },
  )
}

/**
 * `POST /api/integrations/caldav`: discovers the account (principal, calendar
 * home, calendars) with the given password before storing anything, then
 * stores it like an OAuth grant (the password sealed with AES-256-GCM, never
 * returned) and queues its first sync. Connecting the same account again
 * replaces its password and reactivates it. `created` is false then.
 */
export async function connectCaldav(
  deps: IntegrationServiceDeps,
  hostId: string,
  body: ConnectCaldavBody,
): Promise<{ integration: Integration; created: boolean }> {
  const provider = deps.calendarSync.provider('caldav')
  if (provider?.connect.kind !== 'credentials') {
    throw new ApiError('INTEGRATION_NOT_CONFIGURED', 'CalDAV is not enabled on this server', {
      provider: 'caldav',
    })
  }
  const box = secretBox(deps)
  const host = await findUserById(deps.db, hostId)
  if (!host) throw notFound('User')
  let secret: Readonly<Record<string, string>>
  let account: Awaited<ReturnType<CalendarProvider['listCalendars']>>
  try {
    new URL(body.server_url)
  } catch {
    throw invalidField('server_url', 'is not a valid URL')
  }
  try {
    secret = await provider.connect.verify({
      server_url: body.server_url,
      username: body.username,
      password: body.password,
    })
    account = await provider.listCalendars(credentialsSession(secret))
  } catch (error) {
    throw caldavConnectError(deps, body.server_url, error)
  }
  const { integrationId, created } = await storeIntegration(deps, box, {
    hostId,
    provider: 'caldav',
    accountEmail: account.accountEmail,
    credentials: { secret },
    accessExpiresAt: null,
    calendars: account.calendars,
    now: deps.now(),
  })
  deps.log.info(
    { integrationId, hostId, provider: 'caldav', created },
    'calendar account connected',
  )
  await deps.calendarSync.enqueue(integrationId, { reason: 'connect' })
  const row = (await findIntegration(deps.db, integrationId))!
  return {
    integration: toWireIntegration(row, await findCalendars(deps.db, [integrationId])),
    created,
  }
}

/**
 * Stores a connected account (sealed credentials) and its calendars: reconnecting an
 * account updates its integration (new credentials, active again). The primary calendar
 * blocks time by default, and becomes the host's write calendar if the host has none (a
 * new account, or one whose write calendar went); calendars the account no longer has go.
 */
async function storeIntegration(
  deps: IntegrationServiceDeps,
  box: SecretBox,
  input: {
    hostId: string
    provider: string
    accountEmail: string
    credentials: StoredCredentials
    /** OAuth: when the access token expires (epoch ms); null for passwords. */
    accessExpiresAt: number | null
    calendars: Awaited<ReturnType<CalendarProvider['listCalendars']>>['calendars']
    now: number
  },
): Promise<{ integrationId: string; created: boolean }> {
  const at = new Date(input.now)
  const stored = await deps.db.transaction().execute(async (trx) => {
    await lockWriteChoice(trx, input.hostId)
    const existing = () => lockAccountIntegration(trx, input)
    const accessExpiresAt = input.accessExpiresAt === null ? null : new Date(input.accessExpiresAt)
    let row = await existing()
    let id = row?.id
    if (!id) {
      const fresh = randomUUID()
      id = await insertIntegration(trx, {
        id: fresh,
        hostId: input.hostId,
        provider: input.provider,
        accountEmail: input.accountEmail,
        sealed: sealCredentials(box, fresh, input.credentials),
        accessExpiresAt,
      })
      // Another callback for the same account won the insert: update that row.
      if (!id) row = await existing()
    }
    if (row) {
      id = row.id
      await reactivateIntegration(trx, row.id, {
        accountEmail: input.accountEmail,
        sealed: sealCredentials(box, row.id, input.credentials),
        accessExpiresAt,
        now: at,
      })
    }
    const integrationId = id!
    const known = await findCalendars(trx, [integrationId])
    for (const calendar of input.calendars) {
      await upsertCalendar(trx, {
        integrationId,
        hostId: input.hostId,
        externalId: calendar.externalId,
        name: calendar.name.slice(0, 1000),
        timeZone: calendar.timeZone,
        isPrimary: calendar.primary,
        // The primary calendar blocks time by default.
        busy: calendar.primary,
        write: false,
        now: at,
      })
    }
    // Calendars the account no longer has go, with their busy times.
    const listed = new Set(input.calendars.map((c) => c.externalId))
    const gone = known.filter((c) => !listed.has(c.externalId))
    const removedRows = await deleteCalendars(
      trx,
      gone.map((c) => c.id),
    )
    // A host's first account (or one replacing the write calendar it lost) receives
    // bookings in its primary calendar; a host who has a write calendar keeps it.
    if (!row || gone.some((c) => c.write))
      await adoptWriteCalendar(trx, input.hostId, { integrationId, now: at })
    return { integrationId, created: !row, removedRows }
  })
  // Their busy times left the host's schedule: cached slots must not keep them.
  if (stored.removedRows > 0) await bumpHostGeneration(deps, input.hostId)
  return { integrationId: stored.integrationId, created: stored.created }
}

/**
 * The integration `id`, or 404 NOT_FOUND (also for an id that is no UUID). Its
 * host is checked by the route (`requireOwner`, plugins/auth.ts): another host's key gets
 * 403 FORBIDDEN, as for webhooks and meeting types.
 */
export async function getIntegrationRow(
  deps: Pick<ServiceDeps, 'db'>,
  id: string,
): Promise<IntegrationRow> {
  const row = isUuid(id) ? await findIntegration(deps.db, id) : undefined
  if (!row) throw notFound('Integration')
  return row
}

/** `GET /api/integrations`. */
export async function listIntegrations(
  deps: Pick<ServiceDeps, 'db'>,
  hostId: string,
): Promise<IntegrationList> {
  const rows = await listHostIntegrations(deps.db, hostId)
  return { integrations: rows.map((row) => toWireIntegration(row, row.calendars)) }
}

/**
 * `PATCH /api/integrations/:id`: which calendars block time and which receives
 * bookings. A calendar that stops blocking loses its stored busy times at once
 * (and its push channel); one that starts is synced in the background.
 */
export async function patchIntegration(
  deps: IntegrationServiceDeps,
  row: IntegrationRow,
  body: PatchIntegrationBody,
): Promise<Integration> {
  const calendars = await findCalendars(deps.db, [row.id])
  const byExternal = new Map(calendars.map((c) => [c.externalId, c]))
  const unknown = (body.busy_calendar_ids ?? []).filter((id) => !byExternal.has(id))
  if (unknown.length > 0) {
    throw new ApiError(
      'VALIDATION_FAILED',
      `busy_calendar_ids: not calendars of this account: ${unknown.slice(0, 5).join(', ')}`,
      { field: 'busy_calendar_ids', unknown },
    )
  }
  if (body.write_calendar_id && !byExternal.has(body.write_calendar_id)) {
    throw invalidField('write_calendar_id', 'is not a calendar of this account')
  }
  const busyIds = body.busy_calendar_ids ? new Set(body.busy_calendar_ids) : undefined
  const stopped = busyIds ? calendars.filter((c) => c.busy && !busyIds.has(c.externalId)) : []
  const started = busyIds ? calendars.filter((c) => !c.busy && busyIds.has(c.externalId)) : []
  const at = new Date(deps.now())
  const removed = await deps.db.transaction().execute(async (trx) => {
    // The write choice first: it spans the host's integrations, so it takes the
    // advisory lock before any row, and its calendar rows before the busy-time
    // deletes below lock the host row (through the external_busy trigger), the
    // order a sync takes them in (calendar row, then host row).
    if (body.write_calendar_id !== undefined) {
      await lockWriteChoice(trx, row.hostId)
      const chosen = await setWriteCalendar(
        trx,
        {
          hostId: row.hostId,
          integrationId: row.id,
          calendarId:
            body.write_calendar_id === null ? null : byExternal.get(body.write_calendar_id)!.id,
        },
        at,
      )
      if (!chosen) throw invalidField('write_calendar_id', 'is not a calendar of this account')
    }
    let removedRows = 0
    if (busyIds) {
      for (const calendar of calendars) {
        const busy = busyIds.has(calendar.externalId)
        if (busy === calendar.busy) continue
        // Updating the row locks it: a sync writing this calendar waits, then sees it off.
        await setCalendarBusy(trx, calendar.id, busy, at)
        if (!busy) removedRows += await deleteBusyExcept(trx, calendar.id, [])
      }
    }
    return removedRows
  })
  if (removed > 0) await bumpHostGeneration(deps, row.hostId)
  if (stopped.length > 0) await deps.calendarSync.stopChannels(row, stopped)
  if (started.length > 0) await deps.calendarSync.enqueue(row.id, { reason: 'settings' })
  const fresh = (await findIntegration(deps.db, row.id)) ?? row
  return toWireIntegration(fresh, await findCalendars(deps.db, [row.id]))
}

/**
 * `DELETE /api/integrations/:id`: deletes it with its calendars and busy times
 * and commits (the host's slots change at once), with no provider call in the
 * request. In the same transaction it queues `calendar.release`, which stops its
 * push channels and revokes its grant at the provider (best effort, retried while
 * the provider is down, behind a circuit breaker), carrying the sealed tokens it
 * needs. Without a running job queue that release runs in the background of this
 * process, once. CalDAV has nothing to release.
 */
export async function removeIntegration(
  deps: IntegrationServiceDeps,
  row: IntegrationRow,
): Promise<void> {
  const queue = deps.calendarSync.queue
  const provider = deps.calendarSync.provider(row.provider)
  // A disconnected integration's grant is refused already, and its tokens cleared.
  const releases = provider?.connect.kind === 'oauth' && row.status !== 'disconnected'
  const release = await deps.db.transaction().execute(async (trx) => {
    await lockWriteChoice(trx, row.hostId)
    if (!(await lockIntegration(trx, row.id))) throw notFound('Integration')
    // Read before the delete, which takes the calendars with it (ON DELETE CASCADE).
    const calendars = await findCalendars(trx, [row.id])
    const channels = calendars
      .filter((c) => c.channelId !== null)
      .map((c) => ({ id: c.channelId!, resourceId: c.channelResourceId }))
    // The host's write calendar was one of them: the oldest account left takes over,
    // before the delete, whose busy-time cascade locks the host row (through the
    // external_busy trigger): calendar rows first, host row last, as a sync does.
    if (calendars.some((c) => c.write)) {
      const at = new Date(deps.now())
      await setWriteCalendar(
        trx,
        { hostId: row.hostId, integrationId: row.id, calendarId: null },
        at,
      )
      await adoptWriteCalendar(trx, row.hostId, { except: row.id, now: at })
    }
    const deleted = await deleteIntegration(trx, row.id)
    if (!deleted) throw notFound('Integration')
    if (!releases) return undefined
    const payload: CalendarReleasePayload = {
      integrationId: row.id,
      provider: row.provider,
      credentials: deleted.credentials,
      accessExpiresAt: deleted.accessExpiresAt
        ? formatUtc(deleted.accessExpiresAt.getTime())
        : null,
      channels,
    }
    if (!queue?.running) return payload
    await queue.insertInTransaction(trx, [{ name: CALENDAR_RELEASE, data: payload }])
    return undefined
  })
  await bumpHostGeneration(deps, row.hostId)
  deps.log.info(
    { integrationId: row.id, hostId: row.hostId, provider: row.provider },
    'calendar account removed',
  )
  if (release) {
    // No job queue (RUN_WORKERS=false without pg-boss, or it has not started): try
    // once, in the background; the request does not wait for the provider.
    void releaseIntegration({ calendarSync: deps.calendarSync, log: deps.log }, release).catch(
      (error: unknown) =>
        deps.log.warn(
          {
            integrationId: row.id,
            provider: row.provider,
            error: error instanceof Error ? error.name : 'failed',
          },
          'releasing a deleted integration at the provider failed',
        ),
    )
  }
}

/** The wire shape of a sync outcome. */
export function toWireSyncResult(outcome: SyncOutcome): SyncResult {
  const at = (d: Date | null) => (d ? formatUtc(d.getTime()) : null)
  return {
    integration_id: outcome.integrationId,
    status: outcome.status,
    changes: outcome.changes,
    last_synced_at: at(outcome.lastSyncedAt),
    next_attempt_at: at(outcome.nextAttemptAt),
    error: outcome.error,
  }
}

/** `POST /api/integrations/:id/sync`: syncs now (backoff and circuit breaker still apply). */
export async function syncIntegrationNow(
  deps: IntegrationServiceDeps,
  row: IntegrationRow,
): Promise<SyncResult> {
  return toWireSyncResult(await deps.calendarSync.sync(row.id, { reason: 'manual' }))
}
