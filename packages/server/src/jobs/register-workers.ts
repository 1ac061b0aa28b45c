import { CalendarWriter } from '../integrations/calendar/calendar-writer'
import {
  handleCalendarPoll,
  handleCalendarRelease,
  handleCalendarSync,
  handleRenewChannels,
  handleSendIntegrationEmail,
} from './calendar-jobs'
import type { NotificationDeps } from './notification-deps'
import {
  CALENDAR_POLL,
  CALENDAR_RELEASE,
  CALENDAR_RENEW_CHANNELS,
  CALENDAR_SYNC,
  CALENDAR_WRITE_EVENT,
  DELIVER_WEBHOOK,
  DISPATCH_WEBHOOKS,
  SEND_EMAIL,
  SEND_INTEGRATION_EMAIL,
  SEND_REMINDER,
} from './queues'
import { handleSendEmail, handleSendReminder } from './send-booking-email'
import { handleDeliverWebhook, handleDispatchWebhooks } from './webhook-jobs'

/** Options of {@link registerWorkers}. */
export interface RegisterWorkersOptions {
  /** E-mail jobs run in parallel per worker process; default 10. */
  readonly emailBatchSize?: number
  /** Webhook deliveries in parallel; default 10. */
  readonly webhookBatchSize?: number
  /** Calendar syncs in parallel; default 5 (each holds a database connection while it writes). */
  readonly calendarBatchSize?: number
}

/**
 * Starts this process's workers for every queue on `deps.queue` (already
 * started). `npm start` does this in the server process; `slotkit-server worker`
 * in a process of its own. Stop them with `deps.queue.stop()`.
 */
export function registerWorkers(
  deps: NotificationDeps,
  options: RegisterWorkersOptions = {},
): void {
  const emailBatch = options.emailBatchSize ?? 10
  deps.queue.work(SEND_EMAIL, (job) => handleSendEmail(deps, job), { batchSize: emailBatch })
  deps.queue.work(SEND_REMINDER, (job) => handleSendReminder(deps, job), {
    batchSize: emailBatch,
  })
  deps.queue.work(DISPATCH_WEBHOOKS, (job) => handleDispatchWebhooks(deps, job), {
    batchSize: 10,
  })
  deps.queue.work(DELIVER_WEBHOOK, (job) => handleDeliverWebhook(deps, job), {
    batchSize: options.webhookBatchSize ?? 10,
  })
  const calendarSync = deps.calendarSync
  if (calendarSync) {
    deps.queue.work(CALENDAR_SYNC, (job) => handleCalendarSync(calendarSync, job), {
      batchSize: options.calendarBatchSize ?? 5,
    })
    deps.queue.work(CALENDAR_POLL, () => handleCalendarPoll(calendarSync), { batchSize: 1 })
    deps.queue.work(CALENDAR_RENEW_CHANNELS, () => handleRenewChannels(calendarSync), {
      batchSize: 1,
    })
    deps.queue.work(
      CALENDAR_RELEASE,
      (job) => handleCalendarRelease({ calendarSync, log: deps.log }, job),
      { batchSize: 5 },
    )
    const providerName = (id: string) => calendarSync.provider(id)?.name ?? id
    deps.queue.work(
      SEND_INTEGRATION_EMAIL,
      (job) => handleSendIntegrationEmail(deps, providerName, job),
      { batchSize: options.emailBatchSize ?? 10 },
    )
    const writer = new CalendarWriter({
      db: deps.db,
      sync: calendarSync,
      secretKeys: deps.secretKeys,
      publicUrl: deps.publicUrl,
      log: deps.log,
      locale: deps.locale,
    })
    deps.queue.work(
      CALENDAR_WRITE_EVENT,
      async (job) => {
        await writer.run(job.data)
      },
      { batchSize: options.calendarBatchSize ?? 5 },
    )
  }
}
