import { CompiledQuery, sql } from 'kysely'
import { jobInsertSql } from '../../jobs/job-queue'
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

/** What {@link insertBookingIfUnchanged} writes. */
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
  /** JSON text. */
  readonly answers: string
  readonly tokenHash: string
  readonly idempotencyKey: string | null
  readonly requestHash: string | null
  readonly createdAt: Date
}

const optimisticSql = new Map<string, string>()

/** The statement of {@link insertBookingIfUnchanged}, one text per pg-boss schema (prepared once per connection). */
function optimisticInsertSql(jobSchema: string | undefined): string {
  const key = jobSchema ?? ''
  let text = optimisticSql.get(key)
  if (text === undefined) {
    const jobs = jobSchema
      ? `, jobs AS (${jobInsertSql(jobSchema, {
          jobsParam: '$17',
          source: 'booking',
          // A booking.created webhook event is queued only if some webhook of the host listens.
          condition: `j.name <> 'webhook.dispatch' OR EXISTS (SELECT 1 FROM webhooks w
            WHERE w.user_id = booking.host_id AND w.is_active AND 'booking.created' = ANY (w.events))`,
        })})`
      : ''
    text = `WITH host AS (
        UPDATE users SET schedule_version = schedule_version + 1
         WHERE id = $1::uuid AND schedule_version = $2::bigint
        RETURNING id
      ), booking AS (
        INSERT INTO bookings (id, host_id, meeting_type_id, status, starts_at, ends_at,
          buffer_before_minutes, buffer_after_minutes, blocked, invitee_name, invitee_email,
          invitee_time_zone, answers, token_hash, idempotency_key, request_hash, created_at, updated_at)
        SELECT $3::uuid, host.id, $4::uuid, 'confirmed', $5::timestamptz, $6::timestamptz, $7::int, $8::int,
          tstzrange($5::timestamptz - make_interval(mins => $7::int), $6::timestamptz + make_interval(mins => $8::int), '[)'),
          $9::text, $10::text, $11::text, $12::jsonb, $13::text, $14::text, $15::text, $16::timestamptz, $16::timestamptz
          FROM host
        RETURNING *
      )${jobs}
      SELECT * FROM booking`
    optimisticSql.set(key, text)
  }
  return text
}

/**
 * The optimistic booking write (ADR 0008), one statement and its own transaction:
 * if the host's `schedule_version` is still `seenVersion` (the version the slot
 * was checked against), bumps it, inserts the booking and, with `jobs`, its jobs
 * (pg-boss rows, see `jobInsertSql`). The version bump takes the host row lock, so
 * a concurrent change either commits first (the version differs: nothing is
 * written, `undefined` is returned and the caller checks again) or waits for this
 * statement. The exclusion constraint still holds underneath (23P01 is thrown).
 */
export async function insertBookingIfUnchanged(
  db: Db,
  booking: OptimisticBooking,
  seenVersion: number,
  jobs?: { schema: string; records: string },
): Promise<BookingRow | undefined> {
  const params: unknown[] = [
    booking.hostId,
    seenVersion,
    booking.id,
    booking.meetingTypeId,
    booking.startsAt,
    booking.endsAt,
    booking.bufferBeforeMinutes,
    booking.bufferAfterMinutes,
    booking.inviteeName,
    booking.inviteeEmail,
    booking.inviteeTimeZone,
    booking.answers,
    booking.tokenHash,
    booking.idempotencyKey,
    booking.requestHash,
    booking.createdAt,
  ]
  if (jobs) params.push(jobs.records)
  const result = await db.executeQuery<BookingRow>(
    CompiledQuery.raw(optimisticInsertSql(jobs?.schema), params),
  )
  return result.rows[0]
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
