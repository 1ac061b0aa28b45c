import type { FastifyBaseLogger } from 'fastify'
import type { SlotCache } from '../cache/slot-cache'
import type { Db } from '../db/database'
import type { BookingRow } from '../db/schema'

/** What services need, passed explicitly (no module-level singletons). */
export interface ServiceDeps {
  readonly db: Db
  readonly cache: SlotCache
  /** The current instant (epoch ms); tests pass a fixed clock. */
  readonly now: () => number
  /** Derives invitee tokens. */
  readonly secretKey: string
  /** Base URL of links (no trailing slash). */
  readonly publicUrl: () => string
  readonly log: FastifyBaseLogger
  /**
   * Called inside the transaction that made the change, after the row is written:
   * enqueue jobs here (pg-boss `send` with this transaction as `db`) so they commit
   * or roll back together with the booking.
   */
  readonly onBookingEvent?: (trx: Db, event: BookingEvent) => Promise<void>
}

/** A committed-with-its-transaction change of a booking. */
export type BookingEvent =
  | { readonly type: 'booking.created'; readonly booking: BookingRow }
  | { readonly type: 'booking.cancelled'; readonly booking: BookingRow }
  | {
      readonly type: 'booking.rescheduled'
      readonly booking: BookingRow
      readonly previous: BookingRow
    }
