import type { Booking } from '@slotkit/core/api'
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import type { Db } from '../../src/db/database'
import { bearer, type Host } from '../helpers'
import { until } from './harness'

/** `GET /api/bookings/:id` as the host. */
export async function bookingAsHost(
  app: FastifyInstance,
  host: Host,
  id: string,
): Promise<Booking> {
  const res = await app.inject({ url: `/api/bookings/${id}`, headers: bearer(host.apiKey) })
  if (res.statusCode !== 200) throw new Error(`get booking: ${res.statusCode} ${res.body}`)
  return res.json()
}

/** Waits until the booking's `calendar_sync` satisfies `check`; returns the booking then. */
export async function untilSync(
  app: FastifyInstance,
  host: Host,
  id: string,
  check: (sync: Booking['calendar_sync']) => boolean,
  what: string,
): Promise<Booking> {
  let booking: Booking | undefined
  await until(async () => {
    booking = await bookingAsHost(app, host, id)
    return check(booking.calendar_sync)
  }, what)
  return booking!
}

/** A queue's jobs, straight from pg-boss's table, oldest first. */
export async function queueJobs(
  db: Db,
  schema: string,
  name: string,
): Promise<
  {
    id: string
    state: string
    data: Record<string, unknown>
    delaySeconds: number
  }[]
> {
  const { rows } = await sql<{
    id: string
    state: string
    data: Record<string, unknown>
    delay_seconds: number
  }>`SELECT id, state, data,
            extract(epoch FROM start_after - created_on)::float8 AS delay_seconds
       FROM ${sql.id(schema, 'job')} WHERE name = ${name} ORDER BY created_on, id`.execute(
    db.withoutPlugins(),
  )
  return rows.map((r) => ({
    id: r.id,
    state: r.state,
    data: r.data,
    delaySeconds: r.delay_seconds,
  }))
}

/**
 * Makes the queue's waiting jobs due now: what the passing of their backoff
 * would do, without a test waiting minutes (pg-boss's delays run on the
 * database's clock).
 */
export async function makeDue(db: Db, schema: string, name: string): Promise<number> {
  const result = await sql`UPDATE ${sql.id(schema, 'job')} SET start_after = now()
     WHERE name = ${name} AND state IN ('created', 'retry') AND start_after > now()`.execute(
    db.withoutPlugins(),
  )
  return Number(result.numAffectedRows ?? 0)
}
