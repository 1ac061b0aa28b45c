import type { BookingLocation, CalendarSyncState } from '@slotkit/core/api'
import { CompiledQuery, sql } from 'kysely'
import type { Db } from '../database'
import { isUuid } from '../ids'
import type { BookingRow, BookingsTable, NewBooking } from '../schema'

/** `tstzrange` literal of `[from, to)`. */
export function tstzrange(from: number, to: number): string {
  return `[${new Date(from).toISOString()},${new Date(to).toISOString()})`
}

export async function insertBooking(trx: Db, values: NewBooking): Promise<BookingRow> {
  return trx.insertInto('bookings').values(values).returningAll().executeTakeFirstOrThrow()
}

/**
 * The jobs a booking statement writes with its bookings, so that they commit
 * together (ADR 0007). Built outside the repository (`bookingJobsInsert` in
 * `jobs/`): this module knows only that they are rows of another table.
 */
export interface BookingJobsInsert {
  /**
   * The INSERT of the jobs, used as a data-modifying CTE of the booking
   * statement: it reads the bookings the statement inserted from the CTE
   * `names.bookings` (their columns as in `bookings`) and the job rows (the
   * bookings' {@link OptimisticBooking.jobs}, concatenated) from the JSON
   * parameter `names.jobs`. Called once per statement text.
   */
  sql(names: { readonly bookings: string; readonly jobs: string }): string
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
  /** Where the meeting happens, resolved for this booking (migration 0009). */
  readonly location: BookingLocation | null
  /** The join link known at once (a link location's). */
  readonly meetingUrl: string | null
  /** `pending` when its `calendar.write-event` job is among {@link jobs}. */
  readonly calendarSync: CalendarSyncState
  /** The host's `schedule_version` the slot was checked against. */
  readonly seenVersion: number
  /** Its job rows, as the {@link BookingJobsInsert} reads them; written only with the booking. */
  readonly jobs: readonly unknown[]
}

/** One booking as a row of the statement's JSON parameter `$1`. */
interface CandidateRow {
  id: string
  host_id: string
  seen: number
  meeting_type_id: string
  starts_at: string
  ends_at: string
  buffer_before: number
  buffer_after: number
  invitee_name: string
  invitee_email: string
  invitee_time_zone: string
  locale: string | null
  answers: Record<string, unknown>
  token_hash: string
  idempotency_key: string | null
  request_hash: string | null
  created_at: string
  location: BookingLocation | null
  meeting_url: string | null
  calendar_sync: CalendarSyncState
}

/** The PostgreSQL type of each field of {@link CandidateRow} (`json_to_recordset`'s column list). */
const CANDIDATE_TYPES = {
  id: 'uuid',
  host_id: 'uuid',
  seen: 'bigint',
  meeting_type_id: 'uuid',
  starts_at: 'timestamptz',
  ends_at: 'timestamptz',
  buffer_before: 'int',
  buffer_after: 'int',
  invitee_name: 'text',
  invitee_email: 'text',
  invitee_time_zone: 'text',
  locale: 'text',
  answers: 'jsonb',
  token_hash: 'text',
  idempotency_key: 'text',
  request_hash: 'text',
  created_at: 'timestamptz',
  location: 'jsonb',
  meeting_url: 'text',
  calendar_sync: 'text',
} as const satisfies Record<keyof CandidateRow, string>

function candidateRow(b: OptimisticBooking): CandidateRow {
  return {
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
    location: b.location,
    meeting_url: b.meetingUrl,
    calendar_sync: b.calendarSync,
  }
}

/**
 * The columns of `bookings` a new booking starts with at their defaults (version
 * 1, nothing cancelled or rescheduled, no calendar event yet, no failed write).
 */
export const NEW_BOOKING_DEFAULTS = [
  'version',
  'cancelReason',
  'cancelledAt',
  'rescheduledFrom',
  'rescheduledTo',
  'calendarEventId',
  'calendarId',
  'calendarSyncError',
  'calendarSyncAttempts',
] as const satisfies readonly (keyof BookingsTable)[]

/**
 * What the optimistic INSERT writes into each other column of `bookings`, from
 * the candidate `v`. `satisfies` makes a column added to {@link BookingsTable} a
 * compile error until it is written here or listed in
 * {@link NEW_BOOKING_DEFAULTS}; `test/optimistic-booking.test.ts` compares both
 * with the table's columns.
 */
export const OPTIMISTIC_INSERT_VALUES = {
  id: 'v.id',
  hostId: 'v.host_id',
  meetingTypeId: 'v.meeting_type_id',
  status: "'confirmed'",
  startsAt: 'v.starts_at',
  endsAt: 'v.ends_at',
  bufferBeforeMinutes: 'v.buffer_before',
  bufferAfterMinutes: 'v.buffer_after',
  blocked:
    "tstzrange(v.starts_at - make_interval(mins => v.buffer_before), v.ends_at + make_interval(mins => v.buffer_after), '[)')",
  inviteeName: 'v.invitee_name',
  inviteeEmail: 'v.invitee_email',
  inviteeTimeZone: 'v.invitee_time_zone',
  locale: 'v.locale',
  answers: 'v.answers',
  tokenHash: 'v.token_hash',
  idempotencyKey: 'v.idempotency_key',
  requestHash: 'v.request_hash',
  createdAt: 'v.created_at',
  updatedAt: 'v.created_at',
  location: 'v.location',
  meetingUrl: 'v.meeting_url',
  calendarSync: 'v.calendar_sync',
} as const satisfies Record<
  Exclude<keyof BookingsTable, (typeof NEW_BOOKING_DEFAULTS)[number]>,
  string
>

/** `startsAt` → `starts_at`: the column name the CamelCasePlugin maps a key to. */
function columnName(key: string): string {
  return key.replace(/[A-Z]/g, (upper) => `_${upper.toLowerCase()}`)
}

/** The statement without jobs, and with each {@link BookingJobsInsert} used so far. */
let optimisticSqlWithoutJobs: string | undefined
const optimisticSqlWithJobs = new WeakMap<BookingJobsInsert, string>()

/** The statement of {@link insertBookingsIfUnchanged}, built once per jobs insert (prepared once per connection). */
function optimisticInsertSql(jobs: BookingJobsInsert | undefined): string {
  const known = jobs ? optimisticSqlWithJobs.get(jobs) : optimisticSqlWithoutJobs
  if (known !== undefined) return known
  const candidateColumns = Object.entries(CANDIDATE_TYPES)
    .map(([name, type]) => `${name} ${type}`)
    .join(', ')
  const inserted = Object.entries(OPTIMISTIC_INSERT_VALUES)
  const text = `WITH v AS (
        -- One booking per host and statement (a second one could not see the first):
        -- should a caller send two, the one left out is simply checked again.
        SELECT DISTINCT ON (host_id) * FROM json_to_recordset($1::json) AS v (${candidateColumns})
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
        INSERT INTO bookings (${inserted.map(([key]) => columnName(key)).join(', ')})
        SELECT ${inserted.map(([, value]) => value).join(', ')}
          FROM v JOIN bumped ON bumped.id = v.host_id
        -- A conflict here (the exclusion constraint, a reused key) means the check is
        -- out of date: that booking is left out, and its request checks again.
        ON CONFLICT DO NOTHING
        RETURNING *
      )${jobs ? `, jobs AS (${jobs.sql({ bookings: 'booking', jobs: '$2' })})` : ''}
      SELECT * FROM booking`
  if (jobs) optimisticSqlWithJobs.set(jobs, text)
  else optimisticSqlWithoutJobs = text
  return text
}

/**
 * The optimistic booking write (ADR 0008), one statement and its own transaction
 * for any number of bookings of distinct hosts: for each host whose
 * `schedule_version` is still the one its booking's check read and whose row
 * nobody else holds locked, bumps the version, inserts the booking and, with
 * `jobs`, its job rows. A host changed in between is skipped, as is a booking
 * that now conflicts; the rows written are returned, and the callers of the
 * others check again.
 */
export async function insertBookingsIfUnchanged(
  db: Db,
  bookings: readonly OptimisticBooking[],
  jobs?: BookingJobsInsert,
): Promise<BookingRow[]> {
  const params: unknown[] = [JSON.stringify(bookings.map(candidateRow))]
  if (jobs) params.push(JSON.stringify(bookings.flatMap((b) => b.jobs)))
  const result = await db.executeQuery<BookingRow>(
    CompiledQuery.raw(optimisticInsertSql(jobs), params),
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

/**
 * Layer 3 of the booking invariant (docs/architecture.md): cancels only if
 * nobody changed the booking since `version`. With `writeBack` (the calendar
 * jobs run), a booking that was written to the host's calendar, or was to be,
 * becomes `calendar_sync = 'pending'` again: its event is to be deleted.
 */
export async function cancelBookingVersioned(
  db: Db,
  hostId: string,
  id: string,
  version: number,
  reason: string | null,
  writeBack = false,
): Promise<BookingRow | undefined> {
  return db
    .updateTable('bookings')
    .set({
      status: 'cancelled',
      version: sql`version + 1`,
      cancelReason: reason,
      cancelledAt: sql`now()`,
      updatedAt: sql`now()`,
      ...(writeBack
        ? {
            calendarSync: sql<CalendarSyncState>`CASE WHEN calendar_sync <> 'not_applicable' OR calendar_event_id IS NOT NULL THEN 'pending' ELSE calendar_sync END`,
            calendarSyncError: sql<
              string | null
            >`CASE WHEN calendar_sync <> 'not_applicable' OR calendar_event_id IS NOT NULL THEN NULL ELSE calendar_sync_error END`,
            calendarSyncAttempts: sql<number>`CASE WHEN calendar_sync <> 'not_applicable' OR calendar_event_id IS NOT NULL THEN 0 ELSE calendar_sync_attempts END`,
          }
        : {}),
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
