import type { NotificationDeps } from './notification-deps'
import { DELIVER_WEBHOOK, DISPATCH_WEBHOOKS, SEND_EMAIL, SEND_REMINDER } from './queues'
import { handleSendEmail, handleSendReminder } from './send-booking-email'
import { handleDeliverWebhook, handleDispatchWebhooks } from './webhook-jobs'

/** Options of {@link registerWorkers}. */
export interface RegisterWorkersOptions {
  /** E-mail jobs run in parallel per worker process; default 10. */
  readonly emailBatchSize?: number
  /** Webhook deliveries in parallel; default 10. */
  readonly webhookBatchSize?: number
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
}
