import type { Requester, RequestOptions } from '../request'
import { id } from '../request'
import type {
  CreateWebhookBody,
  CreateWebhookReply,
  PatchWebhookBody,
  Webhook,
  WebhookDeliveryList,
  WebhookList,
} from '../types'

/** `client.webhooks`: signed HTTP callbacks on booking events (host key). */
export interface WebhooksResource {
  /**
   * Subscribes `url` to booking events of a host (`POST /api/webhooks`). The
   * reply holds the signing secret, shown this once.
   *
   * @example
   * ```ts
   * const { id, secret } = await client.webhooks.create({
   *   user_id: userId, url: 'https://example.com/hooks/slotkit',
   *   events: ['booking.created', 'booking.cancelled'],
   * })
   * ```
   */
  create(body: CreateWebhookBody, options?: RequestOptions): Promise<CreateWebhookReply>
  /** Lists a host's webhooks (`GET /api/webhooks?user_id=`). */
  list(query: { user_id: string }, options?: RequestOptions): Promise<WebhookList>
  /** Changes a webhook's URL, events or active flag (`PATCH /api/webhooks/:id`). */
  update(webhookId: string, body: PatchWebhookBody, options?: RequestOptions): Promise<Webhook>
  /** Deletes a webhook (`DELETE /api/webhooks/:id`). */
  delete(webhookId: string, options?: RequestOptions): Promise<void>
  /**
   * One page of a webhook's delivery log, newest first
   * (`GET /api/webhooks/:id/deliveries`); pass `next_cursor` as `cursor`.
   */
  listDeliveries(
    webhookId: string,
    query?: { cursor?: string; limit?: number },
    options?: RequestOptions,
  ): Promise<WebhookDeliveryList>
}

/** Builds {@link WebhooksResource} over a requester. */
export function createWebhooks(request: Requester): WebhooksResource {
  const path = (webhookId: string) => `/api/webhooks/${id(webhookId)}`
  return {
    create: (body, options) => request('POST', '/api/webhooks', { body, options }),
    list: (query, options) => request('GET', '/api/webhooks', { query, retry: true, options }),
    update: (webhookId, body, options) => request('PATCH', path(webhookId), { body, options }),
    delete: (webhookId, options) => request('DELETE', path(webhookId), { options }),
    listDeliveries: (webhookId, query, options) =>
      request('GET', `${path(webhookId)}/deliveries`, { query, retry: true, options }),
  }
}
