import { type Db, sqlState } from '../db/database'
import {
  type BookingJobsInsert,
  insertBookingsIfUnchanged,
  type OptimisticBooking,
} from '../db/repositories/bookings.repository'
import type { BookingRow } from '../db/schema'

interface Pending {
  readonly booking: OptimisticBooking
  resolve(row: BookingRow | undefined): void
  reject(error: unknown): void
}

/** Options of {@link BookingWriter}. */
export interface BookingWriterOptions {
  /** How the bookings' jobs are written (`bookingJobsInsert`); none: no jobs are written. */
  readonly jobs?: BookingJobsInsert
  /** Most bookings in one statement; default 64. */
  readonly maxBatch?: number
  /** Statements in flight at once; default 2. */
  readonly maxInFlight?: number
}

/**
 * Writes optimistic bookings (ADR 0008) in batches: each statement carries every
 * booking that arrived while the previous statements were running (one per
 * host), so under load many bookings share one round trip, one plan execution
 * and one commit, and with no load a booking goes out at once (no timer, no
 * added latency). The batch statement skips host rows someone else holds
 * locked (those bookings check again), so one busy host never holds up the
 * others. If a batch fails on one booking's data (a constraint, a bad value),
 * each of its bookings is written alone, so the error reaches only the request
 * that caused it.
 */
export class BookingWriter {
  readonly #db: Db
  readonly #jobs: BookingJobsInsert | undefined
  readonly #maxBatch: number
  readonly #maxInFlight: number
  readonly #queue: Pending[] = []
  readonly #hostsInFlight = new Set<string>()
  #inFlight = 0
  /** Bookings given to {@link write} and statements sent (a failed batch's retries count), for tests and metrics. */
  readonly stats = { bookings: 0, statements: 0 }

  constructor(db: Db, options: BookingWriterOptions = {}) {
    this.#db = db
    this.#jobs = options.jobs
    this.#maxBatch = options.maxBatch ?? 64
    this.#maxInFlight = options.maxInFlight ?? 2
  }

  /**
   * Writes `booking` if its host's `schedule_version` is still `seenVersion`:
   * the row, or `undefined` when the host changed (or the booking now conflicts)
   * and the slot must be checked again.
   */
  write(booking: OptimisticBooking): Promise<BookingRow | undefined> {
    this.stats.bookings++
    return new Promise((resolve, reject) => {
      this.#queue.push({ booking, resolve, reject })
      this.#pump()
    })
  }

  #pump(): void {
    while (this.#inFlight < this.#maxInFlight && this.#queue.length > 0) {
      const batch = this.#takeBatch()
      // Only bookings of hosts being written wait: they go when those statements end.
      if (batch.length === 0) return
      this.#inFlight++
      void this.#run(batch).finally(() => {
        this.#inFlight--
        this.#pump()
      })
    }
  }

  /**
   * The oldest waiting bookings, one per host, none of a host an in-flight
   * statement is writing (that one will change the host's version, so it can
   * only lose); the others keep their place.
   */
  #takeBatch(): Pending[] {
    const batch: Pending[] = []
    const hosts = new Set<string>(this.#hostsInFlight)
    const rest: Pending[] = []
    for (const pending of this.#queue) {
      if (batch.length < this.#maxBatch && !hosts.has(pending.booking.hostId)) {
        hosts.add(pending.booking.hostId)
        batch.push(pending)
      } else {
        rest.push(pending)
      }
    }
    this.#queue.length = 0
    this.#queue.push(...rest)
    return batch
  }

  async #run(batch: Pending[]): Promise<void> {
    for (const pending of batch) this.#hostsInFlight.add(pending.booking.hostId)
    try {
      await this.#send(batch)
    } finally {
      for (const pending of batch) this.#hostsInFlight.delete(pending.booking.hostId)
    }
  }

  async #send(batch: Pending[]): Promise<void> {
    this.stats.statements++
    try {
      const rows = await insertBookingsIfUnchanged(
        this.#db,
        batch.map((p) => p.booking),
        this.#jobs,
      )
      const byId = new Map(rows.map((row) => [row.id, row]))
      for (const pending of batch) pending.resolve(byId.get(pending.booking.id))
    } catch (error) {
      // Data errors (SQLSTATE classes 22 and 23) come from one booking's values:
      // write each alone, so only that request fails. Anything else (a lost
      // connection, the database down) may have come after the commit, so every
      // request of the batch gets the error, and a retry with its Idempotency-Key
      // finds its booking if it was written.
      const state = sqlState(error)
      if (batch.length === 1 || !(state?.startsWith('22') || state?.startsWith('23'))) {
        for (const pending of batch) pending.reject(error)
        return
      }
      for (const pending of batch) await this.#send([pending])
    }
  }
}
