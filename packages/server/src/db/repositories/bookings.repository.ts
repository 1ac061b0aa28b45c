import { CompiledQuery, sql } from 'kysely'
import { type JobRecord, jobInsertSql } from '../../jobs/job-queue'
import type { Db } from '../database'
import { isUuid } from '../ids'
import type { BookingRow, NewBooking } from '../schema'

/** `tstzrange` literal of `[from, to)`. */
export function tstzrange(from: number, to: number): string {
  return `[${new Date(from).toISOString()},${new Date(to).toISOString()})`
}

export async function insertBooking(trx: Db, values: NewBooking): Promise<BookingRow> {
  return trx.insertInto('bookings').values(values).returningAll().executeTakeFirstOrThrow()
}

/** A booking {@link insertBookingsIfUnchanged} writes, and the host version its check read. */
export interface OptimisticBooking {
  readonly id: string
  readonly hostId: string
  readonly meetingTypeId: string
  readonly startsAt: Date
  readonly endsAt: Date
  readonly bufferBeforeMinutes: number
  readonly bufferAfterMinutes: number
  readonly inviteeName: string
  readonly inviteeEmail: string
  readonly inviteeTimeZone: string
  /** The invitee's language (BCP 47); none when the request had none. */
  readonly locale?: string | null | undefined
  readonly answers: Record<string, unknown>
  readonly tokenHash: string
  readonly idempotencyKey: string | null
  readonly requestHash: string | null
  readonly createdAt: Date
  /** The host's `schedule_version` the slot was checked against. */
  readonly seenVersion: number
  /** Its jobs (see `jobInsertSql`), written only with the booking. */
  readonly jobs: readonly JobRecord[]
}

const optimisticSql = new Map<string, string>()

/** The statement of {@link insertBookingsIfUnchanged}, one text per pg-boss schema (prepared once per connection). */
function optimisticInsertSql(jobSchema: string | undefined): string {
  const key = jobSchema ?? ''
  let text = optimisticSql.get(key)
  if (text === undefined) {
    const jobs = jobSchema
      ? `, jobs AS (${jobInsertSql(jobSchema, {
          jobsParam: '$2',
          source: 'booking',
          // A booking.created webhook event is queued only if some webhook of the host listens.
          condition: `j.owner = booking.id AND (j.name <> 'webhook.dispatch' OR EXISTS (SELECT 1 FROM webhooks w
            WHERE w.user_id = booking.host_id AND w.is_active AND 'booking.created' = ANY (w.events)))`,
        })})`
      : ''
    text = `WITH v AS (
        -- One booking per host and statement (a second one could not see the first):
        -- should a caller send two, the one left out is simply checked again.
        SELECT DISTINCT ON (host_id) * FROM json_to_recordset($1::json) AS v (id uuid, host_id uuid,
          seen bigint, meeting_type_id uuid, starts_at timestamptz, ends_at timestamptz,
          buffer_before int, buffer_after int, invitee_name text, invitee_email text,
          invitee_time_zone text, locale text, answers jsonb, token_hash text,
          idempotency_key text, request_hash text, created_at timestamptz)
         ORDER BY host_id, id
      ), locked AS (
        -- A host row someone else holds is skipped, not waited for: it is being
        -- changed, so that booking lost its race anyway, and one busy host must not
        -- hold up the bookings of every other host in the batch.
        SELECT u.id FROM users u JOIN v ON v.host_id = u.id AND u.schedule_version = v.seen
         ORDER BY u.id
           FOR NO KEY UPDATE OF u SKIP LOCKED
      ), bumped AS (
        UPDATE users u SET schedule_version = u.schedule_version + 1
          FROM locked WHERE u.id = locked.id
        RETURNING u.id
      ), booking AS (
        INSERT INTO bookings (id, host_id, meeting_type_id, status, starts_at, ends_at,
          buffer_before_minutes, buffer_after_minutes, blocked, invitee_name, invitee_email,
          invitee_time_zone, locale, answers, token_hash, idempotency_key, request_hash, created_at,
          updated_at)
        SELECT v.id, v.host_id, v.meeting_type_id, 'confirmed', v.starts_at, v.ends_at,
          v.buffer_before, v.buffer_after,
          tstzrange(v.starts_at - make_interval(mins => v.buffer_before), v.ends_at + make_interval(mins => v.buffer_after), '[)'),
          v.invitee_name, v.invitee_email, v.invitee_time_zone, v.locale, v.answers, v.token_hash,
          v.idempotency_key, v.request_hash, v.created_at, v.created_at
          FROM v JOIN bumped ON bumped.id = v.host_id
        -- A conflict here (the exclusion constraint, a reused key) means the check is
        -- out of date: that booking is left out, and its request checks again.
        ON CONFLICT DO NOTHING
        RETURNING *
      )${jobs}
      SELECT * FROM booking`
    optimisticSql.set(key, text)
  }
  return text
}

/**
 * The optimistic booking write (ADR 0008), one statement and its own transaction
 * for any number of bookings of distinct hosts: for each host whose
 * `schedule_version` is still the one its booking's check read and whose row
 * nobody else holds locked, bumps the version, inserts the booking and, with
 * `jobSchema`, its jobs (pg-boss rows, see `jobInsertSql`). A host changed in
 * between is skipped, as is a booking that now conflicts; the rows written are
 * returned, and the callers of the others check again.
 */
export async function insertBookingsIfUnchanged(
  db: Db,
  bookings: readonly OptimisticBooking[],
  jobSchema?: string,
): Promise<BookingRow[]> {
  const rows = JSON.stringify(
    bookings.map((b) => ({
      id: b.id,
      host_id: b.hostId,
      seen: b.seenVersion,
      meeting_type_id: b.meetingTypeId,
      starts_at: b.startsAt.toISOString(),
      ends_at: b.endsAt.toISOString(),
      buffer_before: b.bufferBeforeMinutes,
      buffer_after: b.bufferAfterMinutes,
      invitee_name: b.inviteeName,
      invitee_email: b.inviteeEmail,
      invitee_time_zone: b.inviteeTimeZone,
      locale: b.locale ?? null,
      answers: b.answers,
      token_hash: b.tokenHash,
      idempotency_key: b.idempotencyKey,
      request_hash: b.requestHash,
      created_at: b.createdAt.toISOString(),
    })),
  )
  const params: unknown[] = [rows]
  if (jobSchema) params.push(JSON.stringify(bookings.flatMap((b) => b.jobs)))
  const result = await db.executeQuery<BookingRow>(
    CompiledQuery.raw(optimisticInsertSql(jobSchema), params),
  )
  return result.rows
}

export async function findBookingById(db: Db, id: string): Promise<BookingRow | undefined> {
  if (!isUuid(id)) return undefined
  return db.selectFrom('bookings').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function findBookingByIdempotencyKey(
  db: Db,
  hostId: string,
  key: string,
): Promise<BookingRow | undefined> {
  return db
    .selectFrom('bookings')
    .selectAll()
    .where('hostId', '=', hostId)
    .where('idempotencyKey', '=', key)
    .executeTakeFirst()
}

/** Layer 3 of DESIGN.md: cancels only if nobody changed the booking since `version`. */
export async function cancelBookingVersioned(
  db: Db,
  hostId: string,
  id: string,
  version: number,
  reason: string | null,
): Promise<BookingRow | undefined> {
  return db
    .updateTable('bookings')
    .set({
      status: 'cancelled',
      version: sql`version + 1`,
      cancelReason: reason,
      cancelledAt: sql`now()`,
      updatedAt: sql`now()`,
    })
    .where('id', '=', id)
    .where('hostId', '=', hostId)
    .where('version', '=', version)
    .where('status', '=', 'confirmed')
    .returningAll()
    .executeTakeFirst()
}

/**
 * Stores a new invitee token hash for a booking whose token came from a secret key
 * that is no longer configured. Not versioned: the token is derived from the id and
 * the newest key, so concurrent callers write the same value.
 */
export async function replaceTokenHash(
  db: Db,
  hostId: string,
  id: string,
  tokenHash: string,
): Promise<void> {
  await db
    .updateTable('bookings')
    .set({ tokenHash })
    .where('id', '=', id)
    .where('hostId', '=', hostId)
    .execute()
}

/** Marks a booking replaced by `newId`, only at `version` (zero rows = concurrent change). */
export async function markRescheduledVersioned(
  trx: Db,
  hostId: string,
  id: string,
  version: number,
  newId: string,
): Promise<BookingRow | undefined> {
  return trx
    .updateTable('bookings')
    .set({
      status: 'rescheduled',
      version: sql`version + 1`,
      rescheduledTo: newId,
      updatedAt: sql`now()`,
    })
    .where('id', '=', id)
    .where('hostId', '=', hostId)
    .where('version', '=', version)
    .where('status', '=', 'confirmed')
    .returningAll()
    .executeTakeFirst()
}

export interface ListBookingsFilter {
  hostId: string
  from?: number
  to?: number
  status?: 'confirmed' | 'cancelled' | 'rescheduled'
  after?: { startsAt: number; id: string }
  limit: number
}

/** A page of a host's bookings in (starts_at, id) order; index bookings_host_starts_idx. */
export async function listBookings(db: Db, filter: ListBookingsFilter): Promise<BookingRow[]> {
  let query = db.selectFrom('bookings').selectAll().where('hostId', '=', filter.hostId)
  if (filter.from !== undefined) query = query.where('startsAt', '>=', new Date(filter.from))
  if (filter.to !== undefined) query = query.where('startsAt', '<', new Date(filter.to))
  if (filter.status) query = query.where('status', '=', filter.status)
  if (filter.after) {
    const after = filter.after
    query = query.where(
      sql<boolean>`(starts_at, id) > (${new Date(after.startsAt)}, ${after.id}::uuid)`,
    )
  }
  return query.orderBy('startsAt').orderBy('id').limit(filter.limit).execute()
}
