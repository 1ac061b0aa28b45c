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
 * Claims the right to sync integration `id` until `until`: only when it is not
 * disconnected, no other sync holds an unexpired claim, and (unless
 * `ignoreBackoff`) its backoff has passed. Returns the row, or undefined.
 */
export async function claimSync(
  db: Db,
  id: string,
  options: { now: Date; until: Date; ignoreBackoff: boolean },
): Promise<IntegrationRow | undefined> {
  let query = db
    .updateTable('integrations')
    .set({ syncLeaseUntil: options.until })
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

/** Gives a sync claim back. */
export async function releaseSync(db: Db, id: string): Promise<void> {
  await db.updateTable('integrations').set({ syncLeaseUntil: null }).where('id', '=', id).execute()
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
  WITH input AS (
    SELECT * FROM json_to_recordset($5::json)
      AS r (external_id text, starts_ms float8, ends_ms float8, all_day_start date, all_day_end date)
  ), written AS (
    INSERT INTO external_busy (host_id, source, external_id, starts_at, ends_at, integration_id,
                               calendar_id, all_day_start, all_day_end)
    SELECT $1::uuid, $2::text, i.external_id, to_timestamp(i.starts_ms / 1000), to_timestamp(i.ends_ms / 1000),
           $3::uuid, $4::uuid, i.all_day_start, i.all_day_end
      FROM input i
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
