import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import {
  AuthorizeIntegrationBodySchema,
  AuthorizeIntegrationReplySchema,
  ConnectCaldavBodySchema,
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
import type { ChannelLifecycleEvent } from '../../integrations/calendar/provider'
import { type Principal, requireOwner, requireUser } from '../../plugins/auth'
import {
  authorizeIntegration,
  completeIntegration,
  connectCaldav,
  getIntegrationRow,
  type IntegrationServiceDeps,
  listIntegrations,
  patchIntegration,
  removeIntegration,
  startIntegration,
  syncIntegrationNow,
} from '../../services/integration.service'
import type { RouteContext } from '../context'
import { escapeHtml, page } from '../pages/html'
import { notificationRateLimits, UnknownChannels } from './notification-limits'

const CallbackQuerySchema = Type.Object(
  {
    code: Type.Optional(Type.String({ maxLength: 4096 })),
    state: Type.Optional(Type.String({ maxLength: 512 })),
    error: Type.Optional(Type.String({ maxLength: 512 })),
    scope: Type.Optional(Type.String({ maxLength: 4096 })),
  },
  { title: 'OAuth callback query' },
)

const StartQuerySchema = Type.Object(
  { state: Type.Optional(Type.String({ maxLength: 512 })) },
  { title: 'OAuth start query' },
)

/**
 * The OAuth providers a host connects through a consent page: the route paths,
 * and what their documentation says.
 */
const OAUTH_PROVIDERS = [
  {
    id: 'google',
    name: 'Google Calendar',
    consent:
      'the Google consent page (offline access, consent prompt, PKCE S256, a random single-use state bound to the host, valid 10 minutes)',
    variable: 'GOOGLE_CLIENT_ID',
  },
  {
    id: 'microsoft',
    name: 'Outlook Calendar',
    consent:
      'the Microsoft sign-in and consent page of MICROSOFT_TENANT (offline_access Calendars.ReadWrite User.Read, account picker, PKCE S256, a random single-use state bound to the host, valid 10 minutes); Microsoft 365 work or school accounts and Outlook.com accounts',
    variable: 'MICROSOFT_CLIENT_ID',
  },
] as const

const GraphNotificationQuerySchema = Type.Object(
  {
    // Graph's tokens are about 100 characters; the limit keeps a reflected body small.
    validationToken: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  },
  { title: 'Graph notification query' },
)

const GraphNotificationSchema = Type.Object(
  {
    subscriptionId: Type.String({ minLength: 1, maxLength: 128 }),
    clientState: Type.Optional(Type.Union([Type.String({ maxLength: 256 }), Type.Null()])),
    changeType: Type.Optional(Type.String({ maxLength: 64 })),
    lifecycleEvent: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { title: 'Graph notification' },
)

const GraphNotificationBodySchema = Type.Object(
  {
    value: Type.Optional(Type.Array(GraphNotificationSchema, { maxItems: 1000 })),
  },
  { title: 'Graph notifications' },
)

const LIFECYCLE_EVENTS: ReadonlySet<string> = new Set<ChannelLifecycleEvent>([
  'reauthorizationRequired',
  'subscriptionRemoved',
  'missed',
])

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
function hostOf(principal: Principal | null, userId: string | undefined): string {
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

/** The page of a start or callback that failed: why, and its error code. */
function notConnectedPage(error: ApiError): string {
  return callbackPage(
    'Not connected',
    `<p class="error" data-error="${error.code}">${escapeHtml(error.message)}</p>\n<p class="muted">Error code: ${error.code}</p>`,
  )
}

/**
 * A host's calendar integrations: connect Google or Microsoft (authorize →
 * consent → callback) or a CalDAV account (server URL, user name, password),
 * list, choose calendars, sync now, remove; and the providers' push
 * notifications.
 */
export function integrationsRoutes(
  ctx: RouteContext,
  calendarSync: CalendarSync,
): FastifyPluginAsyncTypebox {
  const deps: IntegrationServiceDeps = { ...ctx.deps, calendarSync }
  // Routes declared `auth: 'key'`: any key got past the guard (401 before 404, so an
  // anonymous caller learns nothing about ids); the integration's host is checked here.
  const owned = (request: FastifyRequest, id: string) =>
    requireOwner(
      request.slotkitPrincipal,
      () => getIntegrationRow(deps, id),
      (row) => row.hostId,
    )
  const limits = notificationRateLimits('rateLimit' in ctx.publicRateLimit)
  const unknownChannels = new UnknownChannels(ctx.deps.now)
  return async (app) => {
    for (const provider of OAUTH_PROVIDERS) {
      app.post(
        `/api/integrations/${provider.id}/authorize`,
        {
          // A POST without a body is an empty one.
          preValidation: async (request) => {
            const mutable = request as { body: unknown }
            mutable.body ??= {}
          },
          config: { auth: 'key' },
          schema: {
            tags: ['integrations'],
            summary: `Start connecting a host's ${provider.name}: the page to open in the host's browser`,
            description: `Answers \`authorization_url\`: Slotkit's start page (\`PUBLIC_URL/api/integrations/${provider.id}/start?state=…\`), which names the host and links on to ${provider.consent}. A return_url that is no http(s) URL is 400 VALIDATION_FAILED (\`details.field: "return_url"\`). The provider sends the browser back to \`PUBLIC_URL/api/integrations/${provider.id}/callback\`. 501 INTEGRATION_NOT_CONFIGURED without ${provider.variable}; 503 ENCRYPTION_KEY_MISSING without a key to seal tokens with.`,
            body: AuthorizeIntegrationBodySchema,
            errors: [
              'FORBIDDEN',
              'NOT_FOUND',
              'INTEGRATION_NOT_CONFIGURED',
              'ENCRYPTION_KEY_MISSING',
            ],
            response: { 200: AuthorizeIntegrationReplySchema },
          },
        },
        async (request) => {
          const hostId = hostOf(request.slotkitPrincipal, request.body.user_id)
          return authorizeIntegration(deps, provider.id, hostId, request.body.return_url)
        },
      )

      app.get(
        `/api/integrations/${provider.id}/start`,
        {
          config: { ...ctx.publicRateLimit, auth: 'public' },
          schema: {
            tags: ['integrations'],
            summary: `The page authorization_url opens: whose Slotkit account the ${provider.name} will feed (public)`,
            description: `Names the host the state is bound to ("Connect your ${provider.name} to <name> <email> on Slotkit") with a Continue link to ${provider.consent}. The state is not used here (the callback uses it). An unknown, used or expired state gets the callback's 400 page.`,
            querystring: StartQuerySchema,
            produces: ['text/html'],
            // Answered as an HTML page with the code's status, not as JSON.
            errors: ['OAUTH_STATE_INVALID', 'INTEGRATION_NOT_CONFIGURED', 'ENCRYPTION_KEY_MISSING'],
          },
        },
        async (request, reply) => {
          // The address carries the state: no Referer with it, no cached copy, and no
          // framing (a page that frames this one could trick a click on Continue).
          reply
            .header('referrer-policy', 'no-referrer')
            .header('cache-control', 'no-store')
            .header('x-frame-options', 'DENY')
            .header('content-security-policy', "frame-ancestors 'none'")
            .type('text/html; charset=utf-8')
          try {
            const start = await startIntegration(deps, provider.id, request.query.state)
            return reply.send(
              callbackPage(
                `Connect your ${start.providerName}`,
                `<p>Connect your ${escapeHtml(start.providerName)} to <strong>${escapeHtml(start.hostName)}</strong> <span class="muted">${escapeHtml(start.hostEmail)}</span> on Slotkit.</p>
<p class="muted">Its busy times will block ${escapeHtml(start.hostName)}'s booking slots, and bookings will be written to it. If you are not ${escapeHtml(start.hostName)} or did not ask for this, close this window.</p>
<p><a class="continue" href="${escapeHtml(start.consentUrl)}" rel="noreferrer">Continue to ${escapeHtml(start.providerName)}</a></p>`,
              ),
            )
          } catch (error) {
            if (!isApiError(error)) throw error
            return reply.code(statusOf(error.code)).send(notConnectedPage(error))
          }
        },
      )

      app.get(
        `/api/integrations/${provider.id}/callback`,
        {
          config: { ...ctx.publicRateLimit, auth: 'public' },
          schema: {
            tags: ['integrations'],
            summary: `Where ${provider.name} sends the browser back (public)`,
            description:
              'Stores the connected account, then redirects to the return_url given to authorize (with `?integration_id=…`) or shows a "Connected" page. A forged, reused or expired state, or `?error=access_denied`, gets a 400 HTML page and stores nothing.',
            querystring: CallbackQuerySchema,
            produces: ['text/html'],
            // Answered as an HTML page with the code's status, not as JSON.
            errors: [
              'OAUTH_STATE_INVALID',
              'OAUTH_ACCESS_DENIED',
              'INTEGRATION_NOT_CONFIGURED',
              'ENCRYPTION_KEY_MISSING',
              'PROVIDER_ERROR',
            ],
          },
        },
        async (request, reply) => {
          try {
            const done = await completeIntegration(deps, provider.id, request.query)
            // authorize refuses a return_url no parser takes; one stored before that
            // check existed gets the "Connected" page rather than a 500.
            const target = done.returnUrl ? URL.parse(done.returnUrl) : null
            if (target) {
              target.searchParams.set('integration_id', done.integrationId)
              return reply.redirect(target.toString(), 302)
            }
            return reply
              .type('text/html; charset=utf-8')
              .send(
                callbackPage(
                  'Connected',
                  `<p class="ok">${escapeHtml(provider.name)} ${escapeHtml(done.accountEmail)} is connected: its busy times now block your booking slots.</p>\n<p class="muted">You can close this window.</p>`,
                ),
              )
          } catch (error) {
            if (!isApiError(error)) throw error
            return reply
              .code(statusOf(error.code))
              .type('text/html; charset=utf-8')
              .send(notConnectedPage(error))
          }
        },
      )
    }

    app.post(
      '/api/integrations/caldav',
      {
        // Each attempt makes this server call another one: limited like public routes.
        config: { ...ctx.publicRateLimit, auth: 'key' },
        schema: {
          tags: ['integrations'],
          summary: 'Connect a CalDAV account (iCloud, Fastmail, Nextcloud…) with a password',
          description:
            'Discovers the account (`.well-known/caldav`, principal, calendar home) and its calendars before anything is stored; then stores the password encrypted (AES-256-GCM, like OAuth tokens; never returned) and queues the first sync. 201 for a new integration, 200 when the same account (server and user name) was connected before: its password is replaced and it is active again. A wrong password is 400 CREDENTIALS_REJECTED (`details.field: "password"`); a server that cannot be reached, or is no CalDAV server, 400 CALENDAR_SERVER_UNREACHABLE (`details.field: "server_url"`); loopback, private-network and plain-http servers are 400 VALIDATION_FAILED unless WEBHOOK_ALLOW_PRIVATE=true. CalDAV has no push: its busy times are polled every 10 minutes and refreshed on demand.',
          body: ConnectCaldavBodySchema,
          errors: [
            'FORBIDDEN',
            'NOT_FOUND',
            'CREDENTIALS_REJECTED',
            'CALENDAR_SERVER_UNREACHABLE',
            'PROVIDER_ERROR',
            'ENCRYPTION_KEY_MISSING',
            'RATE_LIMITED',
          ],
          response: { 200: IntegrationSchema, 201: IntegrationSchema },
        },
      },
      async (request, reply) => {
        const hostId = hostOf(request.slotkitPrincipal, request.body.user_id)
        const { integration, created } = await connectCaldav(deps, hostId, request.body)
        reply.code(created ? 201 : 200)
        return integration
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
          config: { ...limits.google, auth: 'public' },
          schema: {
            tags: ['integrations'],
            summary:
              'Google Calendar push notifications (public; verified by channel id and token)',
            description:
              'Google POSTs an empty body with X-Goog-* headers when a watched calendar changes. The channel token is checked in constant time, a sync of that calendar is queued (one per calendar however many notifications arrive), and the reply is immediate. An unknown channel id is 404, answered from memory for 30 s after the first lookup. Rate limited per channel id (300 a minute), never per address: Google sends from shared addresses.',
            headers: NotificationHeadersSchema,
            errors: ['UNAUTHORIZED', 'NOT_FOUND', 'RATE_LIMITED'],
            response: { 204: Type.Null() },
          },
        },
        async (request, reply) => {
          const channelId = request.headers['x-goog-channel-id']
          if (unknownChannels.has('google', channelId)) {
            throw new ApiError('NOT_FOUND', 'Unknown push channel')
          }
          const result = await calendarSync.notify('google', {
            channelId,
            token: request.headers['x-goog-channel-token'],
            state: request.headers['x-goog-resource-state'],
          })
          if (result === 'unknown') {
            unknownChannels.add('google', channelId)
            throw new ApiError('NOT_FOUND', 'Unknown push channel')
          }
          if (result === 'forbidden') {
            throw new ApiError('UNAUTHORIZED', 'The channel token does not match this channel')
          }
          reply.code(204)
          return null
        },
      )
    })

    // Graph posts JSON notifications, and a text/plain validation request while a
    // subscription is being created. The server refuses text/plain everywhere else;
    // this route alone accepts it (and ignores its body).
    await app.register(async (untyped) => {
      const scope = untyped.withTypeProvider<TypeBoxTypeProvider>()
      scope.addContentTypeParser(
        'text/plain',
        { parseAs: 'string', bodyLimit: 64 * 1024 },
        (_req, _body, done) => done(null, undefined),
      )
      scope.post(
        '/api/integrations/microsoft/notifications',
        {
          // The validation request has no JSON body: an absent body is an empty one.
          preValidation: async (request) => {
            const mutable = request as { body: unknown }
            mutable.body ??= {}
          },
          config: { ...limits.microsoft, auth: 'public' },
          schema: {
            tags: ['integrations'],
            summary:
              'Microsoft Graph change and lifecycle notifications (public; verified by subscription id and clientState)',
            description:
              'With `?validationToken=` (Graph checking the endpoint while it creates a subscription): answers 200 `text/plain` with the decoded token, at once, touching nothing. Otherwise a JSON body `{value: [{subscriptionId, clientState, changeType | lifecycleEvent, …}]}`: each clientState is checked in constant time against its subscription; a change queues a sync of that calendar, a lifecycle event (`reauthorizationRequired`, `subscriptionRemoved`, `missed`) a full sync and a renewed or new subscription; the reply (202) comes before any sync runs. A wrong clientState is logged and answered 401; unknown subscription ids are 404, answered from memory for 30 s after the first lookup. Rate limited for all subscriptions together (30,000 a minute), never per address; validation requests are exempt.',
            querystring: GraphNotificationQuerySchema,
            body: GraphNotificationBodySchema,
            produces: ['text/plain', 'application/json'],
            errors: ['UNAUTHORIZED', 'NOT_FOUND', 'RATE_LIMITED'],
            response: {
              200: Type.String({ description: 'The decoded validationToken (text/plain).' }),
              202: Type.Null(),
            },
          },
        },
        async (request, reply) => {
          const token = request.query.validationToken
          if (token !== undefined) {
            return reply
              .code(200)
              .type('text/plain; charset=utf-8')
              .header('x-content-type-options', 'nosniff')
              .send(token)
          }
          const items = request.body.value
          if (items === undefined) {
            throw new ApiError(
              'VALIDATION_FAILED',
              'value: is required (or validationToken in the query)',
              { field: 'value' },
            )
          }
          // One POST may carry many notifications, often several for one subscription:
          // each subscription and kind is handled once (one sync per calendar anyway).
          const distinct = new Map<string, (typeof items)[number]>()
          for (const item of items) {
            const kind = item.lifecycleEvent ?? 'change'
            distinct.set(`${item.subscriptionId}\u0000${kind}\u0000${item.clientState ?? ''}`, item)
          }
          const forbidden: string[] = []
          let known = 0
          for (const item of distinct.values()) {
            if (unknownChannels.has('microsoft', item.subscriptionId)) continue
            const message = { channelId: item.subscriptionId, token: item.clientState ?? undefined }
            const lifecycleEvent = item.lifecycleEvent
            const result =
              lifecycleEvent === undefined
                ? await calendarSync.notify('microsoft', {
                    ...message,
                    state: item.changeType ?? 'updated',
                  })
                : LIFECYCLE_EVENTS.has(lifecycleEvent)
                  ? await calendarSync.lifecycle('microsoft', {
                      ...message,
                      event: lifecycleEvent as ChannelLifecycleEvent,
                    })
                  : 'ignored'
            if (result === 'forbidden') forbidden.push(item.subscriptionId)
            else if (result === 'unknown') unknownChannels.add('microsoft', item.subscriptionId)
            else known += 1
          }
          if (forbidden.length > 0) {
            request.log.warn(
              { provider: 'microsoft', subscriptionIds: forbidden.slice(0, 10) },
              'Graph notification refused: its clientState does not match its subscription',
            )
            throw new ApiError('UNAUTHORIZED', 'The clientState does not match its subscription')
          }
          if (known === 0) throw new ApiError('NOT_FOUND', 'Unknown subscription')
          reply.code(202)
          return null
        },
      )
    })

    app.get(
      '/api/integrations',
      {
        config: { auth: 'key' },
        schema: {
          tags: ['integrations'],
          summary: "A host's connected calendar accounts and their calendars (never tokens)",
          querystring: ListIntegrationsQuerySchema,
          errors: ['FORBIDDEN'],
          response: { 200: IntegrationListSchema },
        },
      },
      async (request) => {
        const hostId = hostOf(request.slotkitPrincipal, request.query.user_id)
        return listIntegrations(deps, hostId)
      },
    )

    app.patch(
      '/api/integrations/:id',
      {
        config: { auth: 'key' },
        schema: {
          tags: ['integrations'],
          summary: 'Choose the calendars that block time and the one bookings go to',
          params: IdParamsSchema,
          body: PatchIntegrationBodySchema,
          errors: ['FORBIDDEN', 'NOT_FOUND'],
          response: { 200: IntegrationSchema },
        },
      },
      async (request) =>
        patchIntegration(deps, await owned(request, request.params.id), request.body),
    )

    app.delete(
      '/api/integrations/:id',
      {
        config: { auth: 'key' },
        schema: {
          tags: ['integrations'],
          summary: 'Disconnect an account: channels stopped, token revoked, busy times removed',
          params: IdParamsSchema,
          errors: ['FORBIDDEN', 'NOT_FOUND'],
          response: { 204: Type.Null() },
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
        config: { auth: 'key' },
        schema: {
          tags: ['integrations'],
          summary: 'Sync now and answer with what the sync did',
          description:
            'Backoff after failures and the provider circuit breaker still apply: the result is then `deferred` with `next_attempt_at`.',
          params: IdParamsSchema,
          errors: ['FORBIDDEN', 'NOT_FOUND', 'ENCRYPTION_KEY_MISSING'],
          response: { 200: SyncResultSchema },
        },
      },
      async (request) => syncIntegrationNow(deps, await owned(request, request.params.id)),
    )
  }
}
