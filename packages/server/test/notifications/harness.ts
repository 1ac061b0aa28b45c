import { randomUUID } from 'node:crypto'
import type { Booking } from '@slotkit/core/api'
import type { FastifyInstance } from 'fastify'
import { type Kysely, sql } from 'kysely'
import { inject } from 'vitest'
import { createDb, type Db } from '../../src/db/database'
import { findBookingById } from '../../src/db/repositories/bookings.repository'
import type { Database } from '../../src/db/schema'
import type { Mailer } from '../../src/integrations/email/mailer'
import { createSmtpMailer } from '../../src/integrations/email/smtp-mailer'
import {
  type BookingVersion,
  enqueueBookingCancelled,
  enqueueBookingCreated,
  enqueueBookingRescheduled,
  type ReminderOffsets,
} from '../../src/jobs/enqueue-booking-jobs'
import { JobQueue, type JobQueueOptions } from '../../src/jobs/job-queue'
import type { NotificationDeps } from '../../src/jobs/notification-deps'
import { QUEUE_NAMES, type QueueName, type RetryPolicy } from '../../src/jobs/queues'
import { registerWorkers } from '../../src/jobs/register-workers'
import { SECRET_KEY } from '../helpers'
import { SmtpSink } from './smtp-sink'

/** Short retries for tests: 1 s base delay, doubled per attempt. */
export const FAST_RETRIES: Partial<Record<QueueName, Partial<RetryPolicy>>> = Object.fromEntries(
  QUEUE_NAMES.map((name) => [name, { retryDelaySeconds: 1, retryBackoff: true, retryLimit: 6 }]),
)

export const silentLog = {
  info() {},
  warn() {},
  error() {},
  debug() {},
}

/** A Kysely on the shared (migrated) test database. */
export async function openTestDb(): Promise<Kysely<Database>> {
  return createDb({ connectionString: inject('databaseUrl') })
}

/** A job queue in a schema of its own (dropped by `dropQueue`), so test files never share jobs. */
export async function createTestQueue(
  options: Partial<JobQueueOptions> & { schema?: string } = {},
): Promise<JobQueue> {
  const queue = new JobQueue({
    connectionString: inject('databaseUrl'),
    schema: options.schema ?? `pgboss_t${randomUUID().replace(/-/g, '').slice(0, 12)}`,
    retryPolicies: FAST_RETRIES,
    pollIntervalMs: 500,
    log: silentLog,
    ...options,
  })
  await queue.start()
  return queue
}

export async function dropQueue(db: Kysely<Database>, queue: JobQueue): Promise<void> {
  await queue.stop()
  await sql`DROP SCHEMA IF EXISTS ${sql.id(queue.schema)} CASCADE`.execute(db)
}

/** Handler dependencies over a real SMTP mailer. */
export function notificationDeps(
  db: Kysely<Database>,
  queue: JobQueue,
  mailer: Mailer,
  overrides: Partial<NotificationDeps> = {},
): NotificationDeps {
  return {
    db,
    queue,
    mailer,
    secretKeys: [SECRET_KEY],
    publicUrl: () => 'http://slotkit.test',
    now: () => Date.now(),
    allowPrivateWebhooks: true,
    log: silentLog,
    ...overrides,
  }
}

export function smtpMailer(url: string): Mailer {
  return createSmtpMailer({
    smtpUrl: url,
    from: 'Slotkit <bookings@slotkit.test>',
    timeoutMs: 2000,
  })
}

/** Jobs of `queue` named `name`, straight from pg-boss's table. */
export async function jobsOf(
  db: Kysely<Database>,
  queue: JobQueue,
  name: QueueName,
): Promise<{ id: string; state: string; startAfter: Date; data: Record<string, unknown> }[]> {
  const { rows } = await sql<{
    id: string
    state: string
    start_after: Date
    data: Record<string, unknown>
  }>`SELECT id, state, start_after, data FROM ${sql.id(queue.schema, 'job')} WHERE name = ${name} ORDER BY start_after`.execute(
    db.withoutPlugins(),
  )
  return rows.map((r) => ({ id: r.id, state: r.state, startAfter: r.start_after, data: r.data }))
}

/** Waits until `check` returns true (polls every 100 ms). */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`timed out waiting for ${what}`)
}

/** Creates a booking over HTTP and returns its wire shape. */
export async function book(
  app: FastifyInstance,
  meetingTypeId: string,
  startTime: string,
  extra: Record<string, unknown> = {},
): Promise<Record<string, unknown> & { id: string; version: number; start_time: string }> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/bookings',
    payload: {
      meeting_type_id: meetingTypeId,
      start_time: startTime,
      invitee_name: 'Ada Lovelace',
      invitee_email: `ada-${randomUUID().slice(0, 8)}@example.com`,
      invitee_timezone: 'Europe/London',
      ...extra,
    },
  })
  if (res.statusCode !== 201) throw new Error(`booking: ${res.statusCode} ${res.body}`)
  return res.json()
}

/**
 * Runs what the booking service's hook runs inside the booking transaction, on
 * a queue of the test's own (the test app enqueues on its own queue as well,
 * without workers), so a test controls the clock and the reminder offsets.
 */
export async function enqueueAfter(
  db: Kysely<Database>,
  queue: JobQueue,
  event: 'created' | 'cancelled' | 'rescheduled',
  wire: Record<string, unknown> & { id: string },
  options: { now?: number; reminderOffsets?: ReminderOffsets; before?: BookingVersion } = {},
): Promise<void> {
  const row = await findBookingById(db as Db, wire.id)
  if (!row) throw new Error('no such booking')
  const ctxBase = {
    queue,
    now: options.now ?? Date.now(),
    reminderOffsets: options.reminderOffsets,
  }
  await db.transaction().execute(async (trx) => {
    const ctx = { ...ctxBase, trx }
    const booking = wire as unknown as Booking
    if (event === 'created') await enqueueBookingCreated(ctx, row, booking)
    else if (event === 'cancelled')
      await enqueueBookingCancelled(
        ctx,
        options.before ?? { ...row, version: row.version - 1 },
        row,
        booking,
      )
    else {
      const old = await findBookingById(db as Db, row.rescheduledFrom ?? '')
      if (!old) throw new Error('not a rescheduled booking')
      await enqueueBookingRescheduled(ctx, { ...old, version: old.version - 1 }, row, booking)
    }
  })
}

/** A database, a job queue and workers sending e-mail over SMTP into a real sink on loopback. */
export interface MailPipeline {
  readonly db: Kysely<Database>
  readonly queue: JobQueue
  readonly sink: SmtpSink
  readonly mailer: Mailer
  stop(): Promise<void>
}

/** Starts {@link MailPipeline}: the set-up of every test that watches e-mails arrive. */
export async function startMailPipeline(): Promise<MailPipeline> {
  const db = await openTestDb()
  const sink = new SmtpSink()
  await sink.start()
  const queue = await createTestQueue()
  const mailer = smtpMailer(sink.url)
  registerWorkers(notificationDeps(db, queue, mailer))
  return {
    db,
    queue,
    sink,
    mailer,
    async stop() {
      await dropQueue(db, queue)
      await mailer.close()
      await sink.stop()
      await db.destroy()
    },
  }
}
