import type { BookingList, ListBookingsQuery } from '@slotkit/core/api'
import { listBookings } from '../../db/repositories/bookings.repository'
import { ApiError } from '../../http/api-error'
import { decodeCursor, pageOf } from '../cursor'
import type { ServiceDeps } from '../deps'
import { parseInstant } from '../validate'
import { toPublicBooking } from './wire'

/** `GET /api/bookings?user_id&from&to`: one page in start order, with an opaque cursor. */
export async function listHostBookings(
  deps: ServiceDeps,
  query: ListBookingsQuery,
): Promise<BookingList> {
  const from = query.from !== undefined ? parseInstant(query.from, 'from') : undefined
  const to = query.to !== undefined ? parseInstant(query.to, 'to') : undefined
  if (from !== undefined && to !== undefined && to < from)
    throw new ApiError('INVALID_RANGE', 'to: must not be before from', { field: 'to' })
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor)
  const limit = query.limit ?? 50
  const rows = await listBookings(deps.db, {
    hostId: query.user_id,
    from,
    to,
    status: query.status,
    after: after && { startsAt: after.at, id: after.id },
    limit: limit + 1,
  })
  const page = pageOf(rows, limit, (row) => ({ at: row.startsAt.getTime(), id: row.id }))
  return { bookings: page.rows.map(toPublicBooking), next_cursor: page.nextCursor }
}
