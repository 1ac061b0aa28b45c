import { randomBytes } from 'node:crypto'
import { formatUtc } from '@slotkit/core'
import type {
  CreateWebhookBody,
  CreateWebhookReply,
  PatchWebhookBody,
  Webhook,
  WebhookDelivery,
  WebhookDeliveryList,
  WebhookEvent,
} from '@slotkit/core/api'
import type { Db } from '../db/database'
import { isUuid } from '../db/ids'
import type { WebhookDeliveryRow, WebhookRow } from '../db/notifications.schema'
import { findUserById } from '../db/repositories/users.repository'
import {
  deleteWebhook,
  findWebhookById,
  insertWebhookWithin,
  listDeliveries,
  listWebhooks,
  updateWebhook,
} from '../db/repositories/webhooks.repository'
import { ApiError, invalidField, notFound } from '../http/api-error'
import {
  assertWebhookUrlShape,
  type ResolveHost,
  resolveWebhookTarget,
  WebhookTargetRefused,
} from '../integrations/webhooks/ssrf-guard'
import { WEBHOOK_LIMITS } from '../integrations/webhooks/webhook-limits'
import { decodeCursor, pageOf } from './cursor'

/** What the webhook use cases need. */
export interface WebhookServiceDeps {
  readonly db: Db
  /** WEBHOOK_ALLOW_PRIVATE. */
  readonly allowPrivate: boolean
  readonly resolveHost?: ResolveHost
}

function toWireWebhook(row: WebhookRow): Webhook {
  return {
    id: row.id,
    user_id: row.userId,
    url: row.url,
    events: row.events as WebhookEvent[],
    is_active: row.isActive,
    created_at: formatUtc(row.createdAt.getTime()),
  }
}

function toWireDelivery(row: WebhookDeliveryRow): WebhookDelivery {
  const at = (d: Date | null) => (d ? formatUtc(d.getTime()) : null)
  return {
    id: row.id,
    webhook_id: row.webhookId,
    event: row.event as WebhookEvent,
    booking_id: row.bookingId,
    status: row.status,
    attempts: row.attempts,
    response_status: row.responseStatus,
    error: row.error,
    created_at: formatUtc(row.createdAt.getTime()),
    last_attempt_at: at(row.lastAttemptAt),
    next_attempt_at: at(row.nextAttemptAt),
  }
}

/**
 * Checks a target URL when it is registered: http(s) only, and (unless private
 * targets are allowed) a host that is or resolves to a non-public address is
 * refused. A host that does not resolve right now is accepted: each delivery
 * checks again (DNS can change), and that check is the one that protects.
 */
async function checkTarget(deps: WebhookServiceDeps, raw: string): Promise<void> {
  try {
    const url = assertWebhookUrlShape(raw)
    await resolveWebhookTarget(url, { allowPrivate: deps.allowPrivate, resolve: deps.resolveHost })
  } catch (error) {
    if (error instanceof WebhookTargetRefused) throw invalidField('url', error.message)
  }
}

/**
 * `POST /api/webhooks`: the subscription and its signing secret (shown once);
 * 409 QUOTA_EXCEEDED when the host already has `WEBHOOK_LIMITS.perHost`.
 */
export async function createWebhook(
  deps: WebhookServiceDeps,
  body: CreateWebhookBody,
): Promise<CreateWebhookReply> {
  if (!(await findUserById(deps.db, body.user_id))) throw notFound('User')
  await checkTarget(deps, body.url)
  const secret = `whsec_${randomBytes(24).toString('base64url')}`
  const max = WEBHOOK_LIMITS.perHost
  const row = await insertWebhookWithin(
    deps.db,
    { userId: body.user_id, url: body.url, events: [...new Set(body.events)], secret },
    max,
  )
  if (!row) {
    throw new ApiError(
      'QUOTA_EXCEEDED',
      `user_id: a host may have at most ${max} webhooks, and this one has ${max}; delete one first`,
      { field: 'user_id', limit: max },
    )
  }
  return { ...toWireWebhook(row), secret }
}

/** `GET /api/webhooks?user_id=`. */
export async function listUserWebhooks(
  deps: WebhookServiceDeps,
  userId: string,
): Promise<{ webhooks: Webhook[] }> {
  return { webhooks: (await listWebhooks(deps.db, userId)).map(toWireWebhook) }
}

/** Loads a webhook for an authorization check, or 404. */
export async function getWebhookRow(deps: WebhookServiceDeps, id: string): Promise<WebhookRow> {
  const row = isUuid(id) ? await findWebhookById(deps.db, id) : undefined
  if (!row) throw notFound('Webhook')
  return row
}

/** `PATCH /api/webhooks/:id`. */
export async function patchWebhook(
  deps: WebhookServiceDeps,
  row: WebhookRow,
  body: PatchWebhookBody,
): Promise<Webhook> {
  if (body.url !== undefined) await checkTarget(deps, body.url)
  const updated = await updateWebhook(deps.db, row.id, {
    url: body.url,
    events: body.events && [...new Set(body.events)],
    isActive: body.is_active,
  })
  if (!updated) throw notFound('Webhook')
  return toWireWebhook(updated)
}

/** `DELETE /api/webhooks/:id`: the subscription and its delivery log. */
export async function removeWebhook(deps: WebhookServiceDeps, row: WebhookRow): Promise<void> {
  if (!(await deleteWebhook(deps.db, row.id))) throw notFound('Webhook')
}

/** `GET /api/webhooks/:id/deliveries`: newest first, with an opaque cursor. */
export async function listWebhookDeliveries(
  deps: WebhookServiceDeps,
  row: WebhookRow,
  query: { cursor?: string; limit?: number },
): Promise<WebhookDeliveryList> {
  const before = query.cursor === undefined ? undefined : decodeCursor(query.cursor)
  const limit = query.limit ?? 50
  const rows = await listDeliveries(deps.db, row.id, {
    limit: limit + 1,
    before: before && { createdAt: new Date(before.at), id: before.id },
  })
  // created_at is stored to the millisecond (migration 0002), so the cursor holds it exactly.
  const page = pageOf(rows, limit, (delivery) => ({
    at: delivery.createdAt.getTime(),
    id: delivery.id,
  }))
  return { deliveries: page.rows.map(toWireDelivery), next_cursor: page.nextCursor }
}
