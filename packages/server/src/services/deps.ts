import type { FastifyBaseLogger } from 'fastify'
import type { MailLimiter } from '../cache/mail-limiter'
import type { SlotCache } from '../cache/slot-cache'
import type { Db } from '../db/database'
import type { BookingJobsInsert } from '../db/repositories/bookings.repository'
import type { IntegrationSyncState } from '../db/repositories/scheduling.repository'
import type { BookingRow } from '../db/schema'
import type { NewJob } from '../jobs/job-queue'
import type { BookingWriter } from './booking-writer'
import type { SchedulingReader } from './scheduling-reader'
import type { SecretKeys } from './tokens'

/** How changes to API keys reach the authenticator's caches (`plugins/auth.ts`). */
export interface ApiKeyCacheControl {
  /** A key was created: forget that its hash was looked up in vain. */
  keyCreated(keyHash: string): void
  /**
   * Keys were revoked (committed): no process may accept them from its cache any
   * more. Never throws: the revocation stands, and a failure to tell the other
   * processes (Redis unreachable) is logged; they then stop trusting their cached
   * keys when the bump is retried or, at the latest, when the entries expire (30 s).
   */
  keysRevoked(): Promise<void>
}

/** What services need, passed explicitly (no module-level singletons). */
export interface ServiceDeps {
  readonly db: Db
  readonly cache: SlotCache
  /** The current instant (epoch ms); tests pass a fixed clock. */
  readonly now: () => number
  /** Derive invitee tokens: new ones with the first, links of older bookings with any. */
  readonly secretKeys: SecretKeys
  /** Base URL of links (no trailing slash). */
  readonly publicUrl: () => string
  readonly log: FastifyBaseLogger
  /** The authenticator's caches, told about created and revoked API keys. */
  readonly apiKeyCache?: ApiKeyCacheControl
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
   * Calendar integrations: the slots endpoint reads the sync state of a host's
   * integrations (unless the host had none a moment ago) and asks it to refresh
   * those older than 10 minutes (waiting at most 1.5 s).
   */
  readonly calendars?: {
    wantsSyncState(hostId: string): boolean
    refreshStaleHost(
      hostId: string,
      integrations: readonly IntegrationSyncState[],
    ): Promise<boolean>
  }
  /**
   * The jobs of a new booking, written by the booking's own INSERT statement on
   * the optimistic path (ADR 0008), as `insert` writes them. Set together with the
   * default `onBookingEvent` (which queues the same jobs on the locked path);
   * with a custom `onBookingEvent` and no `bookingJobs`, every booking takes
   * the locked path so the hook runs in its transaction.
   */
  readonly bookingJobs?: {
    readonly insert: BookingJobsInsert
    /** False until the job queue has started: bookings are refused (503) meanwhile. */
    ready(): boolean
    /**
     * `webhooks`: whether a webhook of the host listens for `booking.created`;
     * `inviteeMail`: false when the mail limits left the invitee's e-mails out.
     */
    created(booking: BookingRow, options: { webhooks: boolean; inviteeMail: boolean }): NewJob[]
  }
  /**
   * Budgets of invitee e-mails caused through the public API (per recipient and
   * per client address); without it every invitee e-mail goes out.
   */
  readonly mailLimiter?: MailLimiter
}

/**
 * A committed-with-its-transaction change of a booking. `inviteeMail: false`:
 * the mail limits left the invitee's e-mail of this change out (the host is
 * still told); absent or true, the invitee gets it.
 */
export type BookingEvent = (
  | { readonly type: 'booking.created'; readonly booking: BookingRow }
  | { readonly type: 'booking.cancelled'; readonly booking: BookingRow }
  | {
      readonly type: 'booking.rescheduled'
      readonly booking: BookingRow
      readonly previous: BookingRow
    }
) & { readonly inviteeMail?: boolean }
