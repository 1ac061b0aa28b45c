import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  CreateWebhookBodySchema,
  CreateWebhookReplySchema,
  IdParamsSchema,
  PatchWebhookBodySchema,
  UuidSchema,
  WebhookDeliveryListSchema,
  WebhookListSchema,
  WebhookSchema,
} from '@slotkit/core/api'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { WEBHOOK_LIMITS } from '../../integrations/webhooks/webhook-limits'
import { requireOwner } from '../../plugins/auth'
import {
  createWebhook,
  getWebhookRow,
  listUserWebhooks,
  listWebhookDeliveries,
  patchWebhook,
  removeWebhook,
  type WebhookServiceDeps,
} from '../../services/webhook.service'
import type { RouteContext } from '../context'

const ListWebhooksQuerySchema = Type.Object(
  { user_id: UuidSchema },
  { title: 'List webhooks query' },
)

const ListDeliveriesQuerySchema = Type.Object(
  {
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
  },
  { title: 'List deliveries query' },
)

/** Outbound webhooks of a host: subscribe, list, change, delete, and the delivery log. */
export function webhooksRoutes(
  ctx: RouteContext,
  options: Omit<WebhookServiceDeps, 'db'>,
): FastifyPluginAsyncTypebox {
  const deps: WebhookServiceDeps = { db: ctx.deps.db, ...options }
  // The routes of one webhook are declared auth: 'key' (401 before 404: an anonymous
  // caller learns nothing about ids); the webhook's host is known once it is loaded.
  const owned = (request: FastifyRequest, id: string) =>
    requireOwner(
      request.slotkitPrincipal,
      () => getWebhookRow(deps, id),
      (row) => row.userId,
    )
  return async (app) => {
    app.post(
      '/api/webhooks',
      {
        config: { auth: { user: 'body.user_id' } },
        schema: {
          tags: ['webhooks'],
          summary: 'Subscribe a URL to booking events (admin, or the key of user_id)',
          description: `Deliveries are POSTed as JSON and signed: \`Slotkit-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">\` with the secret in this reply (shown once). Loopback and private-network URLs are refused unless WEBHOOK_ALLOW_PRIVATE=true. A host has at most ${WEBHOOK_LIMITS.perHost} webhooks (409 QUOTA_EXCEEDED).`,
          body: CreateWebhookBodySchema,
          errors: ['FORBIDDEN', 'NOT_FOUND', 'QUOTA_EXCEEDED'],
          response: { 201: CreateWebhookReplySchema },
        },
      },
      async (request, reply) => {
        reply.code(201)
        return createWebhook(deps, request.body)
      },
    )

    app.get(
      '/api/webhooks',
      {
        config: { auth: { user: 'query.user_id' } },
        schema: {
          tags: ['webhooks'],
          summary: "A host's webhooks (never their secrets)",
          querystring: ListWebhooksQuerySchema,
          errors: ['FORBIDDEN'],
          response: { 200: WebhookListSchema },
        },
      },
      async (request) => {
        return listUserWebhooks(deps, request.query.user_id)
      },
    )

    app.patch(
      '/api/webhooks/:id',
      {
        config: { auth: 'key' },
        schema: {
          tags: ['webhooks'],
          summary: 'Change the URL or events of a webhook, or pause it',
          params: IdParamsSchema,
          body: PatchWebhookBodySchema,
          errors: ['FORBIDDEN', 'NOT_FOUND'],
          response: { 200: WebhookSchema },
        },
      },
      async (request) => patchWebhook(deps, await owned(request, request.params.id), request.body),
    )

    app.delete(
      '/api/webhooks/:id',
      {
        config: { auth: 'key' },
        schema: {
          tags: ['webhooks'],
          summary: 'Delete a webhook and its delivery log',
          params: IdParamsSchema,
          errors: ['FORBIDDEN', 'NOT_FOUND'],
          response: { 204: Type.Null() },
        },
      },
      async (request, reply) => {
        await removeWebhook(deps, await owned(request, request.params.id))
        reply.code(204)
        return null
      },
    )

    app.get(
      '/api/webhooks/:id/deliveries',
      {
        config: { auth: 'key' },
        schema: {
          tags: ['webhooks'],
          summary: 'The delivery log of a webhook, newest first',
          params: IdParamsSchema,
          querystring: ListDeliveriesQuerySchema,
          errors: ['FORBIDDEN', 'NOT_FOUND'],
          response: { 200: WebhookDeliveryListSchema },
        },
      },
      async (request) =>
        listWebhookDeliveries(deps, await owned(request, request.params.id), request.query),
    )
  }
}
