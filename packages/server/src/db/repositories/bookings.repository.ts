import { sql } from 'kysely'
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
