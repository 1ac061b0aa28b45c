import type { Db } from '../db/database'
import {
  loadSchedulingData,
  loadSchedulingDataMany,
  type SchedulingData,
  type SchedulingQuery,
} from '../db/repositories/scheduling.repository'

interface Pending {
  readonly query: SchedulingQuery
  resolve(data: SchedulingData): void
  reject(error: unknown): void
}

/**
 * Batches the reads of the optimistic booking path (ADR 0008) the way
 * `BookingWriter` batches its writes: every read that arrives while a statement
 * runs goes into the next one, so under load many bookings share one round trip
 * and one plan execution, and with no load a read goes out at once. A batch that
 * fails is read again query by query, so an error reaches only its own request.
 */
export class SchedulingReader {
  readonly #db: Db
  readonly #maxBatch: number
  readonly #maxInFlight: number
  readonly #queue: Pending[] = []
  #inFlight = 0
  /** Reads asked for and statements sent, for tests and metrics. */
  readonly stats = { reads: 0, statements: 0 }

  constructor(db: Db, options: { maxBatch?: number; maxInFlight?: number } = {}) {
    this.#db = db
    this.#maxBatch = options.maxBatch ?? 64
    this.#maxInFlight = options.maxInFlight ?? 2
  }

  read(query: SchedulingQuery): Promise<SchedulingData> {
    this.stats.reads++
    return new Promise((resolve, reject) => {
      this.#queue.push({ query, resolve, reject })
      this.#pump()
    })
  }

  #pump(): void {
    while (this.#inFlight < this.#maxInFlight && this.#queue.length > 0) {
      const batch = this.#queue.splice(0, this.#maxBatch)
      this.#inFlight++
      void this.#run(batch).finally(() => {
        this.#inFlight--
        this.#pump()
      })
    }
  }

  async #run(batch: Pending[]): Promise<void> {
    this.stats.statements++
    try {
      if (batch.length === 1) {
        const only = batch[0] as Pending
        only.resolve(await loadSchedulingData(this.#db, only.query))
        return
      }
      const rows = await loadSchedulingDataMany(
        this.#db,
        batch.map((p) => p.query),
      )
      batch.forEach((pending, i) => {
        pending.resolve(rows[i] as SchedulingData)
      })
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(error)
        return
      }
      for (const pending of batch) await this.#run([pending])
    }
  }
}
