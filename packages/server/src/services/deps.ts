import type { FastifyBaseLogger } from 'fastify'
import type { SlotCache } from '../cache/slot-cache'
import type { Db } from '../db/database'
import type { BookingRow } from '../db/schema'
import type { NewJob } from '../jobs/job-queue'
import type { BookingWriter } from './booking-writer'
import type { SchedulingReader } from './scheduling-reader'

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
  /**
   * Batches the optimistic booking writes of this process (ADR 0008); without it
   * each booking writes its own statement.
   */
  readonly bookingWriter?: BookingWriter
  /** Batches the optimistic booking path's reads the same way; without it each reads alone. */
  readonly schedulingReader?: SchedulingReader
  /**
   * Calendar integrations: the slots endpoint asks it to refresh a host whose
   * busy times are older than 10 minutes (waiting at most 1.5 s).
   */
  readonly calendars?: { refreshStaleHost(hostId: string): Promise<boolean> }
  /**
   * The jobs of a new booking, written by the booking's own INSERT statement on
   * the optimistic path (ADR 0008), in pg-boss `schema`. Set together with the
   * default `onBookingEvent` (which queues the same jobs on the locked path);
   * with a custom `onBookingEvent` and no `bookingJobs`, every booking takes
   * the locked path so the hook runs in its transaction.
   */
  readonly bookingJobs?: {
    readonly schema: string
    /** False until the job queue has started: bookings are refused (503) meanwhile. */
    ready(): boolean
    /** `webhooks`: whether a webhook of the host listens for `booking.created`. */
    created(booking: BookingRow, options: { webhooks: boolean }): NewJob[]
  }
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
