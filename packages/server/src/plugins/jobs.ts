import type { Booking } from '@slotkit/core/api'
import { createDb, type Db } from '../db/database'
import type { BookingRow } from '../db/schema'
import type { CalendarSync } from '../integrations/calendar/calendar-sync'
import { createMailer } from '../integrations/email/create-mailer'
import type { Mailer } from '../integrations/email/mailer'
import type { ResolveHost } from '../integrations/webhooks/ssrf-guard'
import {
  enqueueBookingCancelled,
  enqueueBookingCreated,
  enqueueBookingRescheduled,
  type ReminderOffsets,
} from '../jobs/enqueue-booking-jobs'
import { JobQueue, type JobQueueOptions } from '../jobs/job-queue'
import type { JobLogger, NotificationDeps } from '../jobs/notification-deps'
import { CALENDAR_POLL, CALENDAR_RENEW_CHANNELS } from '../jobs/queues'
import { type RegisterWorkersOptions, registerWorkers } from '../jobs/register-workers'
import type { BookingEvent } from '../services/deps'
import { toSecretKeys } from '../services/tokens'

/** Options of {@link startJobs}. */
export interface StartJobsOptions {
  /**
   * The application database. pg-boss and the workers each get a small pool of
   * their own on it, so a slow SMTP server (a send holds its notification_log
   * transaction open) can never take the connections HTTP requests need.
   */
  readonly connectionString: string
  readonly dataDir: string
  readonly smtpUrl: string | undefined
  readonly mailFrom: string | undefined
  readonly allowPrivateWebhooks: boolean
  /** Derive the invitee links of e-mails: one key, or several newest first (see `slotkitPlugin`). */
  readonly secretKey: string | readonly string[]
  readonly publicUrl: () => string
  readonly log: JobLogger
  /** Run workers in this process (`npm start`); false = enqueue only. */
  readonly workers: boolean
  /** Tests and embedding: a mailer instead of SMTP_URL / the outbox. */
  readonly mailer?: Mailer
  /** pg-boss schema, retry policies and polling (tests use short ones). */
  readonly queue?: Partial<
    Pick<JobQueueOptions, 'schema' | 'retryPolicies' | 'pollIntervalMs' | 'cronIntervalSeconds'>
  >
  readonly workerOptions?: RegisterWorkersOptions
  readonly resolveHost?: ResolveHost
  /**
   * Calendar integrations: syncs are queued on this queue, and with `workers`
   * this process runs the calendar jobs and the pg-boss schedules (polling every
   * minute, channel renewal every 15 minutes).
   */
  readonly calendarSync?: CalendarSync
  /** Run the cron schedules with the workers; default true. */
  readonly schedules?: boolean
}

/** The running job system of one process. */
export interface JobsRuntime {
  readonly queue: JobQueue
  readonly mailer: Mailer
  /** Stops workers (in-flight jobs finish), pg-boss and the mailer. */
  close(): Promise<void>
}

/**
 * Starts pg-boss on the application's database (schema `pgboss`), and this
 * process's workers when `workers` is set. Owned by `buildApp` (closed with the
 * app) and by `slotkit-server worker`.
 */
export async function startJobs(options: StartJobsOptions): Promise<JobsRuntime> {
  const secretKeys = toSecretKeys(options.secretKey)
  const queue = new JobQueue({
    connectionString: options.connectionString,
    log: options.log,
    // Cron schedules fire from processes that run workers (pg-boss sends each once).
    schedule: options.workers && options.calendarSync !== undefined && options.schedules !== false,
    ...options.queue,
  })
  options.calendarSync?.attachQueue(queue)
  const mailer =
    options.mailer ??
    createMailer({
      smtpUrl: options.smtpUrl,
      mailFrom: options.mailFrom,
      dataDir: options.dataDir,
      log: options.log,
    })
  let workerDb: Db | undefined
  const startWorkers = () => {
    if (!options.workers) return
    workerDb = createDb({ connectionString: options.connectionString, max: 12 })
    const deps: NotificationDeps = {
      db: workerDb,
      queue,
      mailer,
      secretKeys,
      publicUrl: options.publicUrl,
      now: Date.now,
      allowPrivateWebhooks: options.allowPrivateWebhooks,
      log: options.log,
      resolveHost: options.resolveHost,
      calendarSync: options.calendarSync,
    }
    registerWorkers(deps, options.workerOptions)
  }
  const schedule = async () => {
    if (!options.workers || !options.calendarSync || options.schedules === false) return
    await queue.schedule(CALENDAR_POLL, '* * * * *')
    await queue.schedule(CALENDAR_RENEW_CHANNELS, '*/15 * * * *')
  }
  let retryTimer: NodeJS.Timeout | undefined
  let closed = false
  const tryStart = async (): Promise<void> => {
    try {
      await queue.start()
      startWorkers()
      await schedule()
    } catch (error) {
      if (closed) return
      // The database is unreachable (it answers 503 meanwhile): keep trying, as
      // the pool does. Until then a booking is refused (503) rather than commit
      // without jobs.
      options.log.error({ err: error }, 'job queue could not start; retrying in 5 s')
      retryTimer = setTimeout(() => void tryStart(), 5000)
      retryTimer.unref()
    }
  }
  await tryStart()
  return {
    queue,
    mailer,
    async close() {
      closed = true
      clearTimeout(retryTimer)
      await queue.stop()
      await mailer.close()
      await workerDb?.destroy()
    },
  }
}

/** Options of {@link createBookingEventHandler}. */
export interface BookingEventHandlerOptions {
  /** The booking clock: reminders already due at booking time are not scheduled. */
  readonly now: () => number
  /** The wire shape of a booking (webhook payloads). */
  readonly toWire: (row: BookingRow) => Booking
  /** How long before the start each reminder is due; default 24 h and 1 h. */
  readonly reminderOffsets?: ReminderOffsets
}

/**
 * The booking service's `onBookingEvent` hook: enqueues the e-mails, reminders
 * and webhooks of a booking change inside the booking's own transaction.
 */
export function createBookingEventHandler(
  queue: JobQueue,
  options: BookingEventHandlerOptions,
): (trx: Db, event: BookingEvent) => Promise<void> {
  return async (trx, event) => {
    const ctx = { queue, trx, now: options.now(), reminderOffsets: options.reminderOffsets }
    const wire = options.toWire(event.booking)
    const mail = { inviteeMail: event.inviteeMail }
    switch (event.type) {
      case 'booking.created':
        return enqueueBookingCreated(ctx, event.booking, wire, mail)
      case 'booking.cancelled':
        // The cancel bumped the version by one: the reminders belong to the one before.
        return enqueueBookingCancelled(
          ctx,
          { ...event.booking, version: event.booking.version - 1 },
          event.booking,
          wire,
          mail,
        )
      case 'booking.rescheduled':
        return enqueueBookingRescheduled(
          ctx,
          { ...event.previous, version: event.previous.version - 1 },
          event.booking,
          wire,
          mail,
        )
    }
  }
}
