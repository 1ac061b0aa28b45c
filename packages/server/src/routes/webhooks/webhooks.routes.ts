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
import { Type } from 'typebox'
import { WEBHOOK_LIMITS } from '../../integrations/webhooks/webhook-limits'
import { requireUser } from '../../plugins/auth'
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
import { bearer } from '../errors.schema'

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
  const owned = async (request: Parameters<RouteContext['auth']['principalOf']>[0], id: string) => {
    const principal = await ctx.auth.principalOf(request)
    // 401 before 404: an anonymous caller learns nothing about ids.
    requireUser(principal, principal?.kind === 'user' ? principal.userId : '')
    const row = await getWebhookRow(deps, id)
    requireUser(principal, row.userId)
    return row
  }
  return async (app) => {
    app.post(
      '/api/webhooks',
      {
        schema: {
          tags: ['webhooks'],
          summary: 'Subscribe a URL to booking events (admin, or the key of user_id)',
          description: `Deliveries are POSTed as JSON and signed: \`Slotkit-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">\` with the secret in this reply (shown once). Loopback and private-network URLs are refused unless WEBHOOK_ALLOW_PRIVATE=true. A host has at most ${WEBHOOK_LIMITS.perHost} webhooks (409 QUOTA_EXCEEDED).`,
          security: bearer,
          body: CreateWebhookBodySchema,
          errors: ['FORBIDDEN', 'NOT_FOUND', 'QUOTA_EXCEEDED'],
          response: { 201: CreateWebhookReplySchema },
        },
      },
      async (request, reply) => {
        requireUser(await ctx.auth.principalOf(request), request.body.user_id)
        reply.code(201)
        return createWebhook(deps, request.body)
      },
    )

    app.get(
      '/api/webhooks',
      {
        schema: {
          tags: ['webhooks'],
          summary: "A host's webhooks (never their secrets)",
          security: bearer,
          querystring: ListWebhooksQuerySchema,
          errors: ['FORBIDDEN'],
          response: { 200: WebhookListSchema },
        },
      },
      async (request) => {
        requireUser(await ctx.auth.principalOf(request), request.query.user_id)
        return listUserWebhooks(deps, request.query.user_id)
      },
    )

    app.patch(
      '/api/webhooks/:id',
      {
        schema: {
          tags: ['webhooks'],
          summary: 'Change the URL or events of a webhook, or pause it',
          security: bearer,
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
        schema: {
          tags: ['webhooks'],
          summary: 'Delete a webhook and its delivery log',
          security: bearer,
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
        schema: {
          tags: ['webhooks'],
          summary: 'The delivery log of a webhook, newest first',
          security: bearer,
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
