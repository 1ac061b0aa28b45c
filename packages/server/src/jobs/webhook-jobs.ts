import {
  findDeliveryForSending,
  findSubscribedWebhooks,
  insertDeliveries,
  recordDeliveryAttempt,
} from '../db/repositories/webhooks.repository'
import { postWebhook } from '../integrations/webhooks/post-webhook'
import { WebhookTargetRefused } from '../integrations/webhooks/ssrf-guard'
import { WEBHOOK_LIMITS } from '../integrations/webhooks/webhook-limits'
import type { QueuedJob } from './job-queue'
import type { NotificationDeps } from './notification-deps'
import { DELIVER_WEBHOOK, type DeliverWebhookPayload, type DispatchWebhooksPayload } from './queues'

/**
 * The JSON body of a delivery: the event and its subject as it was then
 * (`data.booking` for booking events, `data.integration` for `integration.disconnected`).
 */
export function webhookBody(payload: DispatchWebhooksPayload): string {
  return JSON.stringify({
    id: payload.eventId,
    type: payload.event,
    created_at: payload.occurredAt,
    data: payload.integration ? { integration: payload.integration } : { booking: payload.booking },
  })
}

/**
 * Handler of `webhook.dispatch`: one delivery row and one `webhook.deliver` job
 * per subscribed webhook (at most `WEBHOOK_LIMITS.deliveriesPerEvent`, the
 * oldest), in one transaction. Deliveries are unique per
 * (webhook, event), so running twice creates nothing new.
 */
export async function handleDispatchWebhooks(
  deps: NotificationDeps,
  job: QueuedJob<DispatchWebhooksPayload>,
): Promise<void> {
  const payload = job.data
  const cap = WEBHOOK_LIMITS.deliveriesPerEvent
  // One more than the cap, to notice (and say) that some webhooks were left out.
  const subscribed = await findSubscribedWebhooks(deps.db, payload.hostId, payload.event, cap + 1)
  if (subscribed.length === 0) return
  if (subscribed.length > cap) {
    deps.log.warn(
      { hostId: payload.hostId, eventId: payload.eventId, cap },
      'more webhooks subscribed than deliveries per event allow: the newest are skipped',
    )
  }
  const hooks = subscribed.slice(0, cap)
  const body = webhookBody(payload)
  const created = await deps.db.transaction().execute(async (trx) => {
    const ids = await insertDeliveries(
      trx,
      hooks.map((hook) => ({
        webhookId: hook.id,
        hostId: payload.hostId,
        eventId: payload.eventId,
        event: payload.event,
        bookingId: payload.bookingId ?? null,
        body,
      })),
    )
    for (const deliveryId of ids) {
      await deps.queue.sendInTransaction(trx, DELIVER_WEBHOOK, { deliveryId })
    }
    return ids.length
  })
  if (created > 0) deps.queue.notify(DELIVER_WEBHOOK)
}

function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message
}

/**
 * Handler of `webhook.deliver`: signs and POSTs the stored body, logs the
 * attempt, and throws on a non-2xx reply or a network error so pg-boss retries
 * with backoff. A refused target (SSRF guard) fails at once, without retries.
 */
export async function handleDeliverWebhook(
  deps: NotificationDeps,
  job: QueuedJob<DeliverWebhookPayload>,
): Promise<void> {
  const delivery = await findDeliveryForSending(deps.db, job.data.deliveryId)
  if (delivery?.status !== 'pending') return
  const at = new Date(deps.now())
  if (!delivery.isActive) {
    await recordDeliveryAttempt(deps.db, delivery.id, {
      status: 'failed',
      responseStatus: null,
      error: 'webhook is disabled',
      at,
      nextAttemptAt: null,
    })
    return
  }
  let responseStatus: number | null = null
  let error: string | null = null
  try {
    const result = await postWebhook({
      url: delivery.url,
      secret: delivery.secret,
      body: delivery.body,
      event: delivery.event,
      deliveryId: delivery.id,
      now: deps.now(),
      allowPrivate: deps.allowPrivateWebhooks,
      resolve: deps.resolveHost,
    })
    responseStatus = result.status
    if (result.status < 200 || result.status > 299) error = `receiver answered ${result.status}`
  } catch (caught) {
    if (caught instanceof WebhookTargetRefused) {
      await recordDeliveryAttempt(deps.db, delivery.id, {
        status: 'failed',
        responseStatus: null,
        error: `refused: ${caught.message}`,
        at,
        nextAttemptAt: null,
      })
      deps.log.warn({ webhookId: delivery.webhookId, err: caught }, 'webhook target refused')
      return
    }
    error = describeError(caught)
  }
  const isLastAttempt = job.retryCount >= job.retryLimit
  const policy = deps.queue.retryPolicy(DELIVER_WEBHOOK)
  // pg-boss waits delay × 2^retryCount to twice that (jitter): show the earliest.
  const nextAttemptAt =
    error === null || isLastAttempt
      ? null
      : new Date(
          at.getTime() +
            policy.retryDelaySeconds *
              1000 *
              (policy.retryBackoff ? 2 ** Math.min(16, job.retryCount) : 1),
        )
  await recordDeliveryAttempt(deps.db, delivery.id, {
    status: error === null ? 'succeeded' : isLastAttempt ? 'failed' : 'pending',
    responseStatus,
    error,
    at,
    nextAttemptAt,
  })
  if (error !== null) throw new Error(`webhook delivery ${delivery.id}: ${error}`)
}
