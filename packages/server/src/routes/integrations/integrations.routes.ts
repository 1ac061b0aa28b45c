import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import {
  AuthorizeIntegrationBodySchema,
  AuthorizeIntegrationReplySchema,
  IdParamsSchema,
  IntegrationListSchema,
  IntegrationSchema,
  ListIntegrationsQuerySchema,
  PatchIntegrationBodySchema,
  SyncResultSchema,
} from '@slotkit/core/api'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { ApiError, isApiError } from '../../http/api-error'
import { statusOf } from '../../http/error-status'
import type { CalendarSync } from '../../integrations/calendar/calendar-sync'
import { type Principal, requireUser } from '../../plugins/auth'
import {
  authorizeIntegration,
  completeIntegration,
  getIntegrationRow,
  type IntegrationServiceDeps,
  listIntegrations,
  patchIntegration,
  removeIntegration,
  syncIntegrationNow,
} from '../../services/integration.service'
import type { RouteContext } from '../context'
import { bearer, errorResponses } from '../errors.schema'
import { escapeHtml, page } from '../pages/html'

const CallbackQuerySchema = Type.Object(
  {
    code: Type.Optional(Type.String({ maxLength: 4096 })),
    state: Type.Optional(Type.String({ maxLength: 512 })),
    error: Type.Optional(Type.String({ maxLength: 512 })),
    scope: Type.Optional(Type.String({ maxLength: 4096 })),
  },
  { title: 'OAuth callback query' },
)

const NotificationHeadersSchema = Type.Object(
  {
    'x-goog-channel-id': Type.String({ minLength: 1, maxLength: 64 }),
    'x-goog-channel-token': Type.Optional(Type.String({ maxLength: 256 })),
    'x-goog-resource-state': Type.String({ minLength: 1, maxLength: 32 }),
    'x-goog-resource-id': Type.Optional(Type.String({ maxLength: 256 })),
    'x-goog-message-number': Type.Optional(Type.String({ maxLength: 32 })),
  },
  { title: 'Google push notification headers' },
)

/** The host a request acts for: `userId` when given (the admin must give one), else the key's owner. */
function hostOf(principal: Principal | undefined, userId: string | undefined): string {
  if (principal?.kind === 'admin') {
    if (!userId) {
      throw new ApiError('VALIDATION_FAILED', 'user_id: is required with the admin token', {
        field: 'user_id',
      })
    }
    return userId
  }
  const host = userId ?? (principal?.kind === 'user' ? principal.userId : '')
  requireUser(principal, host)
  return host
}

/** The small page the browser lands on after a callback: "Connected", or why not. */
function callbackPage(title: string, body: string): string {
  return page(`${title} · Slotkit`, `<h1>${escapeHtml(title)}</h1>\n${body}`)
}

/**
 * A host's calendar integrations: connect Google (authorize → consent → callback),
 * list, choose calendars, sync now, remove; and Google's push notifications.
 */
export function integrationsRoutes(
  ctx: RouteContext,
  calendarSync: CalendarSync,
): FastifyPluginAsyncTypebox {
  const deps: IntegrationServiceDeps = { ...ctx.deps, calendarSync }
  const owned = async (request: FastifyRequest, id: string) => {
    const principal = await ctx.auth.principalOf(request)
    // 401 before 404: an anonymous caller learns nothing about ids.
    requireUser(principal, principal?.kind === 'user' ? principal.userId : '')
    const row = await getIntegrationRow(deps, id)
    requireUser(principal, row.hostId)
    return row
  }
  return async (app) => {
    app.post(
      '/api/integrations/google/authorize',
      {
        // A POST without a body is an empty one.
        preValidation: async (request) => {
          const mutable = request as { body: unknown }
          mutable.body ??= {}
        },
        schema: {
          tags: ['integrations'],
          summary: "Start connecting a host's Google Calendar: the consent page to open",
          description:
            'Answers the Google consent page (offline access, consent prompt, PKCE S256, a random single-use state bound to the host, valid 10 minutes). Google sends the browser back to `PUBLIC_URL/api/integrations/google/callback`. 501 INTEGRATION_NOT_CONFIGURED without GOOGLE_CLIENT_ID; 503 ENCRYPTION_KEY_MISSING without a key to seal tokens with.',
          security: bearer,
          body: AuthorizeIntegrationBodySchema,
          response: {
            200: AuthorizeIntegrationReplySchema,
            ...errorResponses(400, 401, 403, 404, 501, 503),
          },
        },
      },
      async (request) => {
        const hostId = hostOf(await ctx.auth.principalOf(request), request.body.user_id)
        return authorizeIntegration(deps, 'google', hostId, request.body.return_url)
      },
    )

    app.get(
      '/api/integrations/google/callback',
      {
        config: ctx.publicRateLimit,
        schema: {
          tags: ['integrations'],
          summary: 'Where Google sends the browser back (public)',
          description:
            'Stores the connected account, then redirects to the return_url given to authorize (with `?integration_id=…`) or shows a "Connected" page. A forged, reused or expired state, or `?error=access_denied`, gets a 400 HTML page and stores nothing.',
          querystring: CallbackQuerySchema,
          produces: ['text/html'],
        },
      },
      async (request, reply) => {
        try {
          const done = await completeIntegration(deps, 'google', request.query)
          if (done.returnUrl) {
            const target = new URL(done.returnUrl)
            target.searchParams.set('integration_id', done.integrationId)
            return reply.redirect(target.toString(), 302)
          }
          return reply
            .type('text/html; charset=utf-8')
            .send(
              callbackPage(
                'Connected',
                `<p class="ok">Google Calendar ${escapeHtml(done.accountEmail)} is connected: its busy times now block your booking slots.</p>\n<p class="muted">You can close this window.</p>`,
              ),
            )
        } catch (error) {
          if (!isApiError(error)) throw error
          return reply
            .code(statusOf(error.code))
            .type('text/html; charset=utf-8')
            .send(
              callbackPage(
                'Not connected',
                `<p class="error" data-error="${error.code}">${escapeHtml(error.message)}</p>\n<p class="muted">Error code: ${error.code}</p>`,
              ),
            )
        }
      },
    )

    // Google's notifications are empty POSTs that may say Content-Type: application/json,
    // which Fastify's JSON parser rejects: this route alone takes any body and ignores it.
    await app.register(async (untyped) => {
      const scope = untyped.withTypeProvider<TypeBoxTypeProvider>()
      scope.removeAllContentTypeParsers()
      scope.addContentTypeParser(
        '*',
        { parseAs: 'buffer', bodyLimit: 64 * 1024 },
        (_req, _body, done) => done(null, undefined),
      )
      scope.post(
        '/api/integrations/google/notifications',
        {
          schema: {
            tags: ['integrations'],
            summary:
              'Google Calendar push notifications (public; verified by channel id and token)',
            description:
              'Google POSTs an empty body with X-Goog-* headers when a watched calendar changes. The channel token is checked in constant time, a sync of that calendar is queued (one per calendar however many notifications arrive), and the reply is immediate.',
            headers: NotificationHeadersSchema,
            response: { 204: Type.Null(), ...errorResponses(400, 401, 404) },
          },
        },
        async (request, reply) => {
          const result = await calendarSync.notify('google', {
            channelId: request.headers['x-goog-channel-id'],
            token: request.headers['x-goog-channel-token'],
            state: request.headers['x-goog-resource-state'],
          })
          if (result === 'unknown') throw new ApiError('NOT_FOUND', 'Unknown push channel')
          if (result === 'forbidden') {
            throw new ApiError('UNAUTHORIZED', 'The channel token does not match this channel')
          }
          reply.code(204)
          return null
        },
      )
    })

    app.get(
      '/api/integrations',
      {
        schema: {
          tags: ['integrations'],
          summary: "A host's connected calendar accounts and their calendars (never tokens)",
          security: bearer,
          querystring: ListIntegrationsQuerySchema,
          response: { 200: IntegrationListSchema, ...errorResponses(400, 401, 403) },
        },
      },
      async (request) => {
        const hostId = hostOf(await ctx.auth.principalOf(request), request.query.user_id)
        return listIntegrations(deps, hostId)
      },
    )

    app.patch(
      '/api/integrations/:id',
      {
        schema: {
          tags: ['integrations'],
          summary: 'Choose the calendars that block time and the one bookings go to',
          security: bearer,
          params: IdParamsSchema,
          body: PatchIntegrationBodySchema,
          response: { 200: IntegrationSchema, ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (request) =>
        patchIntegration(deps, await owned(request, request.params.id), request.body),
    )

    app.delete(
      '/api/integrations/:id',
      {
        schema: {
          tags: ['integrations'],
          summary: 'Disconnect an account: channels stopped, token revoked, busy times removed',
          security: bearer,
          params: IdParamsSchema,
          response: { 204: Type.Null(), ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (request, reply) => {
        await removeIntegration(deps, await owned(request, request.params.id))
        reply.code(204)
        return null
      },
    )

    app.post(
      '/api/integrations/:id/sync',
      {
        schema: {
          tags: ['integrations'],
          summary: 'Sync now and answer with what the sync did',
          description:
            'Backoff after failures and the provider circuit breaker still apply: the result is then `deferred` with `next_attempt_at`.',
          security: bearer,
          params: IdParamsSchema,
          response: { 200: SyncResultSchema, ...errorResponses(400, 401, 403, 404) },
        },
      },
      async (request) => syncIntegrationNow(deps, await owned(request, request.params.id)),
    )
  }
}
