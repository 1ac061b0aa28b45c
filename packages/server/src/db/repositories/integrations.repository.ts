import { CompiledQuery, sql } from 'kysely'
import type { Db } from '../database'
import type { IntegrationCalendarRow, IntegrationRow } from '../integrations.schema'

/** An integration with its calendars. */
export interface IntegrationWithCalendars extends IntegrationRow {
  calendars: IntegrationCalendarRow[]
}

/** The integration `id`, or undefined. */
export async function findIntegration(db: Db, id: string): Promise<IntegrationRow | undefined> {
  return db.selectFrom('integrations').selectAll().where('id', '=', id).executeTakeFirst()
}

/** The calendars of integrations, primary first, then by name. */
export async function findCalendars(
  db: Db,
  integrationIds: readonly string[],
): Promise<IntegrationCalendarRow[]> {
  if (integrationIds.length === 0) return []
  return db
    .selectFrom('integrationCalendars')
    .selectAll()
    .where('integrationId', 'in', integrationIds)
    .orderBy('isPrimary', 'desc')
    .orderBy('name')
    .orderBy('externalId')
    .execute()
}

/** A host's integrations with their calendars, oldest first. */
export async function listHostIntegrations(
  db: Db,
  hostId: string,
): Promise<IntegrationWithCalendars[]> {
  const rows = await db
    .selectFrom('integrations')
    .selectAll()
    .where('hostId', '=', hostId)
    .orderBy('createdAt')
    .orderBy('id')
    .execute()
  const calendars = await findCalendars(
    db,
    rows.map((r) => r.id),
  )
  return rows.map((row) => ({
    ...row,
    calendars: calendars.filter((c) => c.integrationId === row.id),
  }))
}

/** Unused OAuth states kept per host: a 21st connect drops the oldest. */
export const MAX_LIVE_OAUTH_STATES = 20

/**
 * Stores a connect's state (hashed) with its sealed PKCE verifier; keeps the
 * host's {@link MAX_LIVE_OAUTH_STATES} newest unused states, and drops states
 * expired a day ago.
 */
export async function insertOauthState(
  db: Db,
  state: {
    stateHash: string
    hostId: string
    provider: string
    codeVerifier: string
    returnUrl: string | null
    expiresAt: Date
  },
): Promise<void> {
  await db.insertInto('oauthStates').values(state).execute()
  // A host's key could otherwise fill the table with live states (each a row and a
  // sealed verifier): past the cap, the host's oldest unused states go.
  await db
    .deleteFrom('oauthStates')
    .where('hostId', '=', state.hostId)
    .where('usedAt', 'is', null)
    .where('stateHash', 'not in', (eb) =>
      eb
        .selectFrom('oauthStates')
        .select('stateHash')
        .where('hostId', '=', state.hostId)
        .where('usedAt', 'is', null)
        .orderBy('createdAt', 'desc')
        .orderBy('expiresAt', 'desc')
        .limit(MAX_LIVE_OAUTH_STATES),
    )
    .execute()
  await db
    .deleteFrom('oauthStates')
    .where('expiresAt', '<', new Date(state.expiresAt.getTime() - 24 * 60 * 60_000))
    .execute()
}

/**
 * A state that is live (for `provider`, unused, not expired at `now`) with the
 * name and e-mail of its host, without using it: the start page shows who the
 * consent is for.
 */
export async function findLiveOauthState(
  db: Db,
  query: { stateHash: string; provider: string; now: Date },
): Promise<{ codeVerifier: string; hostName: string; hostEmail: string } | undefined> {
  return db
    .selectFrom('oauthStates as s')
    .innerJoin('users as u', 'u.id', 's.hostId')
    .select(['s.codeVerifier', 'u.name as hostName', 'u.email as hostEmail'])
    .where('s.stateHash', '=', query.stateHash)
    .where('s.provider', '=', query.provider)
    .where('s.usedAt', 'is', null)
    .where('s.expiresAt', '>', query.now)
    .executeTakeFirst()
}

/**
 * Uses a state once: marks it used if it exists for `provider`, is unused and not
 * expired at `now`, and returns it; otherwise undefined (forged, reused, expired).
 * The single UPDATE makes two callbacks with one state race safely: one wins.
 */
export async function consumeOauthState(
  db: Db,
  query: { stateHash: string; provider: string; now: Date },
): Promise<{ hostId: string; codeVerifier: string; returnUrl: string | null } | undefined> {
  return db
    .updateTable('oauthStates')
    .set({ usedAt: query.now })
    .where('stateHash', '=', query.stateHash)
    .where('provider', '=', query.provider)
    .where('usedAt', 'is', null)
    .where('expiresAt', '>', query.now)
    .returning(['hostId', 'codeVerifier', 'returnUrl'])
    .executeTakeFirst()
}

/**
 * Claims the right to sync integration `id` until `until` for `holder`: only when
 * it is not disconnected, no other sync holds an unexpired claim, and (unless
 * `ignoreBackoff`) its backoff has passed. Returns the row, or undefined.
 */
export async function claimSync(
  db: Db,
  id: string,
  options: { now: Date; until: Date; holder: string; ignoreBackoff: boolean },
): Promise<IntegrationRow | undefined> {
  let query = db
    .updateTable('integrations')
    .set({ syncLeaseUntil: options.until, syncHolder: options.holder })
    .where('id', '=', id)
    .where('status', '<>', 'disconnected')
    .where((eb) =>
      eb.or([eb('syncLeaseUntil', 'is', null), eb('syncLeaseUntil', '<', options.now)]),
    )
  if (!options.ignoreBackoff) {
    query = query.where((eb) =>
      eb.or([eb('nextAttemptAt', 'is', null), eb('nextAttemptAt', '<=', options.now)]),
    )
  }
  return query.returningAll().executeTakeFirst()
}

/**
 * Extends `holder`'s claim on integration `id` to `until`. False when the claim
 * is no longer its own (it expired and another sync took it, or the integration
 * was disconnected or deleted): that sync must stop without writing.
 * Inside a transaction the row stays locked until it ends, so the claim cannot
 * change hands while the transaction writes.
 */
export async function renewSync(
  db: Db,
  id: string,
  options: { holder: string; until: Date },
): Promise<boolean> {
  const row = await db
    .updateTable('integrations')
    .set({ syncLeaseUntil: options.until })
    .where('id', '=', id)
    .where('syncHolder', '=', options.holder)
    .where('status', '<>', 'disconnected')
    .returning('id')
    .executeTakeFirst()
  return row !== undefined
}

/** Gives `holder`'s sync claim back (a claim another sync took meanwhile stays). */
export async function releaseSync(db: Db, id: string, holder: string): Promise<void> {
  await db
    .updateTable('integrations')
    .set({ syncLeaseUntil: null, syncHolder: null })
    .where('id', '=', id)
    .where('syncHolder', '=', holder)
    .execute()
}

/**
 * Locks calendar `calendarId` for a sync's write (`SELECT … FOR UPDATE`) and tells
 * whether its busy times may still be written: false when it was turned off (or
 * deleted) since the sync read it. PATCH turns a calendar off and deletes its
 * rows in one transaction that updates this row, so a sync that wrote after it
 * would put back rows nothing removes again.
 */
export async function lockBusyCalendar(trx: Db, calendarId: string): Promise<boolean> {
  const row = await trx
    .selectFrom('integrationCalendars')
    .select('busy')
    .where('id', '=', calendarId)
    .forUpdate()
    .executeTakeFirst()
  return row?.busy === true
}

/** Stores a calendar's cursor after its write (and the window a full sync covered). */
export async function storeCalendarCursor(
  trx: Db,
  calendarId: string,
  values: { cursor: string | null; syncedAt: Date; windowEnd?: Date },
): Promise<void> {
  await trx
    .updateTable('integrationCalendars')
    .set({
      syncCursor: values.cursor,
      syncedAt: values.syncedAt,
      ...(values.windowEnd ? { windowEnd: values.windowEnd } : {}),
      updatedAt: values.syncedAt,
    })
    .where('id', '=', calendarId)
    .execute()
}

/** Records a successful sync (the whole integration, or one calendar of it: no `lastSyncedAt`). */
export async function recordSyncSuccess(
  db: Db,
  id: string,
  values: { finished: Date; whole: boolean },
): Promise<void> {
  await db
    .updateTable('integrations')
    .set({
      // A one-calendar sync (push) leaves the others as old as they were.
      ...(values.whole ? { lastSyncedAt: values.finished } : {}),
      status: 'active',
      lastError: null,
      failureCount: 0,
      nextAttemptAt: null,
      updatedAt: values.finished,
    })
    .where('id', '=', id)
    .where('status', '<>', 'disconnected')
    .execute()
}

/** Records a failed sync and when to try again (unless it was disconnected meanwhile). */
export async function recordSyncFailure(
  db: Db,
  id: string,
  values: { error: string; failureCount: number; nextAttemptAt: Date; now: Date },
): Promise<void> {
  await db
    .updateTable('integrations')
    .set({
      status: 'error',
      lastError: values.error.slice(0, 1000),
      failureCount: values.failureCount,
      nextAttemptAt: values.nextAttemptAt,
      updatedAt: values.now,
    })
    .where('id', '=', id)
    .where('status', '<>', 'disconnected')
    .execute()
}

/**
 * Marks integration `id` disconnected with `credentials` (sealed, empty) in place
 * of its grant and `lastError`; returns the row, or undefined when it was
 * disconnected already (or is gone).
 */
export async function markDisconnected(
  trx: Db,
  id: string,
  values: {
    credentials?: { credentials: string; keyId: string }
    lastError: string
    now: Date
  },
): Promise<IntegrationRow | undefined> {
  return trx
    .updateTable('integrations')
    .set({
      status: 'disconnected',
      ...(values.credentials ?? {}),
      accessExpiresAt: null,
      disconnectedAt: values.now,
      disconnectNotifiedAt: null,
      lastError: values.lastError.slice(0, 1000),
      failureCount: 0,
      nextAttemptAt: null,
      syncLeaseUntil: null,
      syncHolder: null,
      refreshingUntil: null,
      refreshHolder: null,
      updatedAt: values.now,
    })
    .where('id', '=', id)
    .where('status', '<>', 'disconnected')
    .returningAll()
    .executeTakeFirst()
}

/**
 * Marks the disconnection of `disconnectedAt` notified (the host's e-mail is being
 * sent); undefined when it was already, or the integration was reconnected.
 */
export async function markDisconnectNotified(
  trx: Db,
  id: string,
  values: { disconnectedAt: Date; now: Date },
): Promise<Pick<IntegrationRow, 'hostId' | 'provider' | 'accountEmail' | 'lastError'> | undefined> {
  return trx
    .updateTable('integrations')
    .set({ disconnectNotifiedAt: values.now })
    .where('id', '=', id)
    .where('status', '=', 'disconnected')
    .where('disconnectedAt', '=', values.disconnectedAt)
    .where('disconnectNotifiedAt', 'is', null)
    .returning(['hostId', 'provider', 'accountEmail', 'lastError'])
    .executeTakeFirst()
}

/**
 * Disconnections whose host was not told yet (no e-mail sent: the job queue was
 * off when it happened, or the job is still pending), oldest first.
 */
export async function findUnnotifiedDisconnections(
  db: Db,
  limit: number,
): Promise<IntegrationRow[]> {
  return db
    .selectFrom('integrations')
    .selectAll()
    .where('status', '=', 'disconnected')
    .where('disconnectedAt', 'is not', null)
    .where('disconnectNotifiedAt', 'is', null)
    .orderBy('disconnectedAt')
    .limit(limit)
    .execute()
}

/** A refresh claim: who holds it and until when. */
export interface RefreshClaim {
  readonly holder: string
  readonly until: Date
}

/**
 * Claims refreshing the OAuth grant of integration `id` for `claim.holder`
 * (one short UPDATE, no transaction kept open): only when it is not disconnected
 * and no other refresh holds an unexpired claim. Returns the row as claimed
 * (its tokens as stored then), `'busy'` when another refresh holds it, or
 * undefined when the integration is gone or disconnected.
 */
export async function claimRefresh(
  db: Db,
  id: string,
  claim: RefreshClaim & { now: Date },
): Promise<IntegrationRow | 'busy' | undefined> {
  const row = await db
    .updateTable('integrations')
    .set({ refreshingUntil: claim.until, refreshHolder: claim.holder })
    .where('id', '=', id)
    .where('status', '<>', 'disconnected')
    .where((eb) =>
      eb.or([eb('refreshingUntil', 'is', null), eb('refreshingUntil', '<', claim.now)]),
    )
    .returningAll()
    .executeTakeFirst()
  if (row) return row
  const current = await findIntegration(db, id)
  return current && current.status !== 'disconnected' ? 'busy' : undefined
}

/**
 * Stores refreshed tokens (compare-and-set): only while the stored credentials
 * are still `expected` (what the refresh started from), so a refresh never
 * overwrites a newer grant (a rotated refresh token stays). Gives the refresh
 * claim back either way. True when stored.
 */
export async function storeRefreshedTokens(
  db: Db,
  id: string,
  values: {
    holder: string
    expected: string
    sealed: { credentials: string; keyId: string }
    accessExpiresAt: Date
    now: Date
  },
): Promise<boolean> {
  const stored = await db
    .updateTable('integrations')
    .set({
      ...values.sealed,
      accessExpiresAt: values.accessExpiresAt,
      refreshingUntil: null,
      refreshHolder: null,
      updatedAt: values.now,
    })
    .where('id', '=', id)
    .where('credentials', '=', values.expected)
    .where('status', '<>', 'disconnected')
    .returning('id')
    .executeTakeFirst()
  if (!stored) await releaseRefresh(db, id, values.holder)
  return stored !== undefined
}

/** Gives `holder`'s refresh claim back. */
export async function releaseRefresh(db: Db, id: string, holder: string): Promise<void> {
  await db
    .updateTable('integrations')
    .set({ refreshingUntil: null, refreshHolder: null })
    .where('id', '=', id)
    .where('refreshHolder', '=', holder)
    .execute()
}

/** Live integrations whose last sync is older than `before` and whose backoff has passed. */
export async function findDueIntegrations(
  db: Db,
  query: { before: Date; now: Date; limit: number },
): Promise<{ id: string; hostId: string }[]> {
  return db
    .selectFrom('integrations')
    .select(['id', 'hostId'])
    .where('status', '<>', 'disconnected')
    .where((eb) => eb.or([eb('lastSyncedAt', 'is', null), eb('lastSyncedAt', '<', query.before)]))
    .where((eb) => eb.or([eb('nextAttemptAt', 'is', null), eb('nextAttemptAt', '<=', query.now)]))
    .where((eb) => eb.or([eb('syncLeaseUntil', 'is', null), eb('syncLeaseUntil', '<', query.now)]))
    .orderBy(sql`last_synced_at NULLS FIRST`)
    .limit(query.limit)
    .execute()
}

/** One busy row as the sync engine writes it (instants epoch ms; all-day dates or null). */
export interface BusyRowInput {
  readonly externalId: string
  readonly startsAt: number
  readonly endsAt: number
  readonly allDayStart: string | null
  readonly allDayEnd: string | null
}

const UPSERT_BUSY_SQL = `
  WITH host AS (
    -- NULL for a zone PostgreSQL's tz database does not know: Node's instants stay.
    SELECT slotkit_known_zone(time_zone) AS zone FROM users WHERE id = $1::uuid
  ), input AS (
    SELECT * FROM json_to_recordset($5::json)
      AS r (external_id text, starts_ms float8, ends_ms float8, all_day_start date, all_day_end date)
  ), written AS (
    INSERT INTO external_busy (host_id, source, external_id, starts_at, ends_at, integration_id,
                               calendar_id, all_day_start, all_day_end)
    -- An all-day event's instants are its dates' midnights in the host's zone as it is
    -- now, by the same function the zone-change trigger uses (migration 0012): a zone
    -- changed during the sync is never written stale.
    SELECT $1::uuid, $2::text, i.external_id,
           CASE WHEN i.all_day_start IS NOT NULL AND h.zone IS NOT NULL
                THEN slotkit_all_day_instant(i.all_day_start, h.zone)
                ELSE to_timestamp(i.starts_ms / 1000) END,
           CASE WHEN i.all_day_end IS NOT NULL AND h.zone IS NOT NULL
                THEN slotkit_all_day_instant(i.all_day_end, h.zone)
                ELSE to_timestamp(i.ends_ms / 1000) END,
           $3::uuid, $4::uuid, i.all_day_start, i.all_day_end
      FROM input i LEFT JOIN host h ON true
    ON CONFLICT (calendar_id, external_id) WHERE calendar_id IS NOT NULL DO UPDATE
      SET starts_at = excluded.starts_at, ends_at = excluded.ends_at,
          all_day_start = excluded.all_day_start, all_day_end = excluded.all_day_end,
          transparent = false, updated_at = now()
      -- An unchanged event writes nothing: no row version, no schedule_version bump.
      WHERE (external_busy.starts_at, external_busy.ends_at, external_busy.all_day_start,
             external_busy.all_day_end, external_busy.transparent)
            IS DISTINCT FROM (excluded.starts_at, excluded.ends_at, excluded.all_day_start,
                              excluded.all_day_end, false)
    RETURNING 1
  )
  SELECT count(*)::int AS n FROM written`

/** Rows of one statement of {@link upsertBusy}: well under PostgreSQL's limits, few round trips. */
const BUSY_CHUNK = 2000

/**
 * Inserts or updates the busy rows of one calendar (by event id), writing only
 * rows that changed. Returns how many rows were written.
 */
export async function upsertBusy(
  trx: Db,
  target: { hostId: string; source: string; integrationId: string; calendarId: string },
  rows: readonly BusyRowInput[],
): Promise<number> {
  let written = 0
  for (let i = 0; i < rows.length; i += BUSY_CHUNK) {
    const chunk = rows.slice(i, i + BUSY_CHUNK).map((r) => ({
      external_id: r.externalId,
      starts_ms: r.startsAt,
      ends_ms: r.endsAt,
      all_day_start: r.allDayStart,
      all_day_end: r.allDayEnd,
    }))
    const result = await trx.executeQuery<{ n: number }>(
      CompiledQuery.raw(UPSERT_BUSY_SQL, [
        target.hostId,
        target.source,
        target.integrationId,
        target.calendarId,
        JSON.stringify(chunk),
      ]),
    )
    written += result.rows[0]?.n ?? 0
  }
  return written
}

/**
 * Locks host `hostId`'s row for a sync's write (FOR NO KEY UPDATE, the lock the
 * schedule_version trigger takes anyway) and returns its zone: a zone change
 * then waits for the write, and its trigger moves the rows just written.
 */
export async function lockHostZone(trx: Db, hostId: string): Promise<string | undefined> {
  const row = await trx
    .selectFrom('users')
    .select('timeZone')
    .where('id', '=', hostId)
    .forNoKeyUpdate()
    .executeTakeFirst()
  return row?.timeZone
}

/** Deletes a calendar's rows for these event ids; returns how many. */
export async function deleteBusy(
  trx: Db,
  calendarId: string,
  externalIds: readonly string[],
): Promise<number> {
  if (externalIds.length === 0) return 0
  const result = await trx
    .deleteFrom('externalBusy')
    .where('calendarId', '=', calendarId)
    .where('externalId', '=', sql<string>`ANY(${[...externalIds]}::text[])`)
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}

/**
 * Deletes a calendar's rows of these provider objects (id `<object>` or
 * `<object>#<instance>`, CalDAV's convention for a resource and the occurrences
 * of its series) except the ids in `keep`; returns how many.
 */
export async function deleteBusyOfObjects(
  trx: Db,
  calendarId: string,
  objectIds: readonly string[],
  keep: readonly string[],
): Promise<number> {
  if (objectIds.length === 0) return 0
  const result = await trx
    .deleteFrom('externalBusy')
    .where('calendarId', '=', calendarId)
    .where(sql<boolean>`split_part(external_id, '#', 1) = ANY(${[...objectIds]}::text[])`)
    .where(sql<boolean>`NOT (external_id = ANY(${[...keep]}::text[]))`)
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}

/** Deletes a calendar's rows except these event ids (a full sync's leftovers); returns how many. */
export async function deleteBusyExcept(
  trx: Db,
  calendarId: string,
  keep: readonly string[],
): Promise<number> {
  const result = await trx
    .deleteFrom('externalBusy')
    .where('calendarId', '=', calendarId)
    .where(sql<boolean>`NOT (external_id = ANY(${[...keep]}::text[]))`)
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}

/** The longest booking window of a host's active meeting types, in days (0 without any). */
export async function longestBookingWindowDays(
  db: Db,
  hostId: string,
  today: string,
): Promise<number> {
  const row = await db
    .selectFrom('meetingTypes')
    .select(
      sql<number | null>`max(CASE WHEN date_range_end IS NOT NULL
                                  THEN date_range_end - ${today}::date
                                  ELSE max_days_ahead END)`.as('days'),
    )
    .where('userId', '=', hostId)
    .where('isActive', '=', true)
    .executeTakeFirst()
  return Math.max(0, Number(row?.days ?? 0))
}

/** A push channel as stored with its calendar. */
export interface StoredChannel {
  readonly id: string
  readonly resourceId: string | null
  readonly tokenHash: string | null
  readonly expiresAt: Date
}

/**
 * Stores calendar `calendarId`'s push channel in place of `replaces` (the channel id
 * it had when the caller read it, or null): a compare-and-set, so of two openers
 * racing only one is stored. False when the calendar's channel changed meanwhile:
 * the caller then stops the channel it opened.
 */
export async function storeChannel(
  db: Db,
  calendarId: string,
  channel: StoredChannel,
  options: { replaces: string | null; now: Date },
): Promise<boolean> {
  const row = await db
    .updateTable('integrationCalendars')
    .set({
      channelId: channel.id,
      channelResourceId: channel.resourceId,
      channelTokenHash: channel.tokenHash,
      channelExpiresAt: channel.expiresAt,
      updatedAt: options.now,
    })
    .where('id', '=', calendarId)
    .where((eb) =>
      options.replaces === null
        ? eb('channelId', 'is', null)
        : eb('channelId', '=', options.replaces),
    )
    .returning('id')
    .executeTakeFirst()
  return row !== undefined
}

/** Forgets the push channels of these calendars. */
export async function forgetChannels(db: Db, calendarIds: readonly string[]): Promise<void> {
  if (calendarIds.length === 0) return
  await db
    .updateTable('integrationCalendars')
    .set({
      channelId: null,
      channelResourceId: null,
      channelTokenHash: null,
      channelExpiresAt: null,
    })
    .where('id', 'in', calendarIds)
    .execute()
}

/**
 * Live integrations past their backoff with a busy calendar whose channel is
 * missing or expires before `renewBefore`.
 */
export async function findIntegrationsWithChannelsDue(
  db: Db,
  query: { now: Date; renewBefore: Date; limit: number },
): Promise<{ id: string }[]> {
  return db
    .selectFrom('integrationCalendars as c')
    .innerJoin('integrations as i', 'i.id', 'c.integrationId')
    .select('i.id')
    .distinct()
    .where('i.status', '<>', 'disconnected')
    .where('c.busy', '=', true)
    .where((eb) =>
      eb.or([eb('c.channelId', 'is', null), eb('c.channelExpiresAt', '<', query.renewBefore)]),
    )
    .where((eb) =>
      eb.or([eb('i.nextAttemptAt', 'is', null), eb('i.nextAttemptAt', '<=', query.now)]),
    )
    .limit(query.limit)
    .execute()
}

/** The calendar a push channel belongs to, with its integration's status and provider. */
export async function findCalendarByChannel(
  db: Db,
  channelId: string,
): Promise<
  | {
      id: string
      integrationId: string
      channelTokenHash: string | null
      status: IntegrationRow['status']
      provider: string
    }
  | undefined
> {
  return db
    .selectFrom('integrationCalendars as c')
    .innerJoin('integrations as i', 'i.id', 'c.integrationId')
    .select(['c.id', 'c.integrationId', 'c.channelTokenHash', 'i.status', 'i.provider'])
    .where('c.channelId', '=', channelId)
    .executeTakeFirst()
}

/**
 * A provider's notice about a calendar's channel: its cursor goes (changes may
 * have been missed); `removed` forgets the channel, `expireNow` makes it due for renewal.
 */
export async function markChannelNotice(
  db: Db,
  calendarId: string,
  notice: { removed: boolean; expireNow: boolean; now: Date },
): Promise<void> {
  await db
    .updateTable('integrationCalendars')
    .set({
      syncCursor: null,
      ...(notice.removed
        ? {
            channelId: null,
            channelResourceId: null,
            channelTokenHash: null,
            channelExpiresAt: null,
          }
        : {}),
      ...(notice.expireNow ? { channelExpiresAt: notice.now } : {}),
      updatedAt: notice.now,
    })
    .where('id', '=', calendarId)
    .execute()
}

/** Records why a sync could not start (no provider, no key) and when to look again. */
export async function recordSyncBlocked(
  db: Db,
  id: string,
  values: { error: string; nextAttemptAt: Date; now: Date },
): Promise<void> {
  await db
    .updateTable('integrations')
    .set({ lastError: values.error, nextAttemptAt: values.nextAttemptAt, updatedAt: values.now })
    .where('id', '=', id)
    .execute()
}

/** The integration of a host's provider account (e-mail case-insensitive), locked FOR UPDATE. */
export async function lockAccountIntegration(
  trx: Db,
  account: { hostId: string; provider: string; accountEmail: string },
): Promise<IntegrationRow | undefined> {
  return trx
    .selectFrom('integrations')
    .selectAll()
    .where('hostId', '=', account.hostId)
    .where('provider', '=', account.provider)
    .where((eb) => eb(eb.fn('lower', ['accountEmail']), '=', account.accountEmail.toLowerCase()))
    .forUpdate()
    .executeTakeFirst()
}

/**
 * Inserts a new integration; undefined when another connect of the same account
 * inserted it first (the caller then updates that row).
 */
export async function insertIntegration(
  trx: Db,
  values: {
    id: string
    hostId: string
    provider: string
    accountEmail: string
    sealed: { credentials: string; keyId: string }
    accessExpiresAt: Date | null
  },
): Promise<string | undefined> {
  const inserted = await trx
    .insertInto('integrations')
    .values({
      id: values.id,
      hostId: values.hostId,
      provider: values.provider,
      accountEmail: values.accountEmail,
      ...values.sealed,
      accessExpiresAt: values.accessExpiresAt,
    })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst()
  return inserted?.id
}

/** A reconnect: new credentials, active again, failures and disconnection forgotten. */
export async function reactivateIntegration(
  trx: Db,
  id: string,
  values: {
    accountEmail: string
    sealed: { credentials: string; keyId: string }
    accessExpiresAt: Date | null
    now: Date
  },
): Promise<void> {
  await trx
    .updateTable('integrations')
    .set({
      accountEmail: values.accountEmail,
      ...values.sealed,
      accessExpiresAt: values.accessExpiresAt,
      status: 'active',
      lastError: null,
      failureCount: 0,
      nextAttemptAt: null,
      disconnectedAt: null,
      disconnectNotifiedAt: null,
      updatedAt: values.now,
    })
    .where('id', '=', id)
    .execute()
}

/**
 * Inserts a calendar of an account, or updates its name, zone and primary flag
 * (its busy/write settings stay). `busy` and `write` apply to a new one only.
 */
export async function upsertCalendar(
  trx: Db,
  values: {
    integrationId: string
    hostId: string
    externalId: string
    name: string
    timeZone: string | null
    isPrimary: boolean
    busy: boolean
    write: boolean
    now: Date
  },
): Promise<void> {
  await trx
    .insertInto('integrationCalendars')
    .values({
      integrationId: values.integrationId,
      hostId: values.hostId,
      externalId: values.externalId,
      name: values.name,
      timeZone: values.timeZone,
      isPrimary: values.isPrimary,
      busy: values.busy,
      write: values.write,
    })
    .onConflict((oc) =>
      oc.columns(['integrationId', 'externalId']).doUpdateSet({
        name: values.name,
        timeZone: values.timeZone,
        isPrimary: values.isPrimary,
        updatedAt: values.now,
      }),
    )
    .execute()
}

/** Deletes calendars with their busy times; returns how many busy rows went. */
export async function deleteCalendars(trx: Db, calendarIds: readonly string[]): Promise<number> {
  if (calendarIds.length === 0) return 0
  // Their rows first, explicitly: the count tells the caller whether slots changed
  // (the cascade alone would say nothing).
  const busy = await trx
    .deleteFrom('externalBusy')
    .where('calendarId', 'in', calendarIds)
    .executeTakeFirst()
  await trx.deleteFrom('integrationCalendars').where('id', 'in', calendarIds).execute()
  return Number(busy.numDeletedRows)
}

/** Turns a calendar's blocking on or off (off: its cursor goes, so turning it on lists it in full). */
export async function setCalendarBusy(
  trx: Db,
  calendarId: string,
  busy: boolean,
  now: Date,
): Promise<void> {
  await trx
    .updateTable('integrationCalendars')
    .set({ busy, ...(busy ? {} : { syncCursor: null, windowEnd: null }), updatedAt: now })
    .where('id', '=', calendarId)
    .execute()
}

/**
 * Serializes the changes of which calendar host `hostId` writes bookings to (a
 * transaction-scoped advisory lock). Taken first in the transaction, before any
 * calendar row is locked, so two such changes never wait on each other's rows.
 */
export async function lockWriteChoice(trx: Db, hostId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`slotkit.write-calendar:${hostId}`}, 0))`.execute(
    trx,
  )
}

/**
 * Makes `calendarId` host `hostId`'s one write calendar: the others stop being it
 * (`integration_calendars_one_write_per_host` allows one per host). Null: the
 * calendars of `integrationId` stop being it, and the host has none until one is
 * chosen. Under {@link lockWriteChoice}. False when the calendar is gone (a
 * delete or reconnect committed since the caller read it): the caller rolls back.
 */
export async function setWriteCalendar(
  trx: Db,
  target: { hostId: string; integrationId: string; calendarId: string | null },
  now: Date,
): Promise<boolean> {
  await trx
    .updateTable('integrationCalendars')
    .set({ write: false, updatedAt: now })
    .where((eb) =>
      target.calendarId === null
        ? eb('integrationId', '=', target.integrationId)
        : eb.and([eb('hostId', '=', target.hostId), eb('id', '<>', target.calendarId)]),
    )
    .where('write', '=', true)
    .execute()
  if (target.calendarId !== null) {
    const chosen = await trx
      .updateTable('integrationCalendars')
      .set({ write: true, updatedAt: now })
      .where('id', '=', target.calendarId)
      .where('integrationId', '=', target.integrationId)
      .returning('id')
      .executeTakeFirst()
    return chosen !== undefined
  }
  return true
}

/**
 * Gives host `hostId` a write calendar if it has none: the primary calendar of
 * `integrationId`, or without one the primary calendar of the host's oldest
 * integration other than `except` (connected ones first: a disconnected one
 * takes over only when no other is left, and receives bookings again once
 * reconnected). Under {@link lockWriteChoice}.
 */
export async function adoptWriteCalendar(
  trx: Db,
  hostId: string,
  options: { integrationId?: string; except?: string; now: Date },
): Promise<void> {
  await trx
    .updateTable('integrationCalendars')
    .set({ write: true, updatedAt: options.now })
    .where('id', '=', (eb) =>
      eb
        .selectFrom('integrationCalendars as c')
        .innerJoin('integrations as i', 'i.id', 'c.integrationId')
        .select('c.id')
        .where('c.hostId', '=', hostId)
        .where('c.isPrimary', '=', true)
        .$if(options.integrationId !== undefined, (qb) =>
          qb.where('i.id', '=', options.integrationId!),
        )
        .$if(options.except !== undefined, (qb) => qb.where('i.id', '<>', options.except!))
        .orderBy(sql`i.status = 'disconnected'`)
        .orderBy('i.createdAt')
        .orderBy('i.id')
        .limit(1),
    )
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('integrationCalendars as w')
            .select('w.id')
            .where('w.hostId', '=', hostId)
            .where('w.write', '=', true),
        ),
      ),
    )
    .execute()
}

/** Locks integration `id`'s row for the rest of the transaction; false if it is gone. */
export async function lockIntegration(trx: Db, id: string): Promise<boolean> {
  const row = await trx
    .selectFrom('integrations')
    .select('id')
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst()
  return row !== undefined
}

/**
 * Deletes an integration with its calendars and busy times (cascade). Returns
 * what the provider side still needs (its sealed credentials), or undefined if
 * it was gone already.
 */
export async function deleteIntegration(
  db: Db,
  id: string,
): Promise<Pick<IntegrationRow, 'credentials' | 'accessExpiresAt'> | undefined> {
  return db
    .deleteFrom('integrations')
    .where('id', '=', id)
    .returning(['credentials', 'accessExpiresAt'])
    .executeTakeFirst()
}

/** A calendar bookings are written to, with its integration. */
export interface WriteTarget {
  readonly calendar: IntegrationCalendarRow
  readonly integration: IntegrationRow
}

/**
 * The calendar a booking of host `hostId` is written to: the host's one write
 * calendar, if its integration is not disconnected. A video meeting `provider`
 * makes (Meet: `google`; Teams: `microsoft`) goes to the write calendar if it is
 * that provider's, else to the primary calendar of the host's oldest live
 * integration of that provider, the only place its link can be made; without
 * one, to the write calendar (no link). A host without a live write calendar
 * gets none (as the scheduling read's `writeCalendar` says: no job is queued).
 */
export async function findWriteTarget(
  db: Db,
  hostId: string,
  provider?: string,
): Promise<WriteTarget | undefined> {
  const calendar = await db
    .selectFrom('integrationCalendars as c')
    .innerJoin('integrations as i', 'i.id', 'c.integrationId')
    .selectAll('c')
    .where('c.hostId', '=', hostId)
    .where('i.status', '<>', 'disconnected')
    .where((eb) =>
      provider === undefined
        ? eb('c.write', '=', true)
        : eb.or([
            eb('c.write', '=', true),
            eb.and([eb('i.provider', '=', provider), eb('c.isPrimary', '=', true)]),
          ]),
    )
    // Only for a host that writes bookings at all (a live write calendar): the rule the
    // scheduling read applies when it decides whether a booking gets a write job.
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('integrationCalendars as w')
          .innerJoin('integrations as wi', 'wi.id', 'w.integrationId')
          .select('w.id')
          .where('w.hostId', '=', hostId)
          .where('w.write', '=', true)
          .where('wi.status', '<>', 'disconnected'),
      ),
    )
    .orderBy(sql`i.provider = ${provider ?? ''}`, 'desc')
    .orderBy('c.write', 'desc')
    .orderBy('i.createdAt')
    .orderBy('i.id')
    .limit(1)
    .executeTakeFirst()
  if (!calendar) return undefined
  const integration = await findIntegration(db, calendar.integrationId)
  return integration && { calendar, integration }
}

/** A calendar by its id (`integration_calendars.id`), with its integration (any status). */
export async function findCalendarTarget(
  db: Db,
  calendarId: string,
): Promise<WriteTarget | undefined> {
  const calendar = await db
    .selectFrom('integrationCalendars')
    .selectAll()
    .where('id', '=', calendarId)
    .executeTakeFirst()
  if (!calendar) return undefined
  const integration = await findIntegration(db, calendar.integrationId)
  return integration && { calendar, integration }
}
