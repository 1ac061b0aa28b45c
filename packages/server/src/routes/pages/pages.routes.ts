import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { findBookingById } from '../../db/repositories/bookings.repository'
import { listMeetingTypes } from '../../db/repositories/meeting-types.repository'
import { findUserByEmail } from '../../db/repositories/users.repository'
import { DEMO_HOST_EMAIL } from '../../db/seed-demo'
import { type Language, languageFor, preferredLocale } from '../../i18n/messages'
import { isBookingToken } from '../../services/tokens'
import type { RouteContext } from '../context'
import { escapeHtml, page } from './html'
import {
  loadWidgetBundle,
  loadWidgetLegal,
  loadWidgetLocale,
  WIDGET_BUNDLE_PATH,
  WIDGET_LEGAL_PATH,
  WIDGET_LOCALES_PATH,
  widgetPage,
  widgetTag,
  withWidgetScript,
} from './widget-bundle'

const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) })
const LocaleFileParams = Type.Object({ file: Type.String({ maxLength: 32 }) })
const ManageParams = IdParams
const TokenQuery = Type.Object({ token: Type.Optional(Type.String({ maxLength: 512 })) })

/**
 * HTML pages: the start page, the booking page of a meeting type, and the
 * invitee's cancel and reschedule pages that cancel_url / reschedule_url point
 * to. The last three are `<schedule-widget>` (@slotkit/widget) on a plain page,
 * served with the widget's self-contained bundle at {@link WIDGET_BUNDLE_PATH}.
 */
export function pagesRoutes(ctx: RouteContext): FastifyPluginAsyncTypebox {
  /**
   * The language of an invitee's cancel or reschedule page: the one stored with
   * the booking when the link's token opens it (what the invitee booked in),
   * else their browser's (`Accept-Language`), else English. A database that
   * does not answer costs the page its language, not the page.
   */
  async function inviteeLanguage(
    id: string,
    token: string | undefined,
    acceptLanguage: string | undefined,
  ): Promise<Language> {
    let stored: string | null | undefined
    if (token) {
      try {
        const row = await findBookingById(ctx.deps.db, id)
        if (row && isBookingToken(ctx.deps.secretKeys, row.id, row.tokenHash, token))
          stored = row.locale
      } catch (error) {
        ctx.deps.log.warn({ err: error }, 'booking page: the booking could not be read')
      }
    }
    return languageFor(stored ?? preferredLocale(acceptLanguage))
  }

  return async (app) => {
    const html = { schema: { hide: true } } as const

    app.get('/', html, async (request, reply) => {
      const demo = await findUserByEmail(ctx.deps.db, DEMO_HOST_EMAIL)
      const types = demo
        ? (await listMeetingTypes(ctx.deps.db, demo.id)).filter((t) => t.isActive)
        : []
      const links = types
        .map(
          (t) =>
            `<a href="/book/${t.id}">${escapeHtml(t.name)}</a> <span class="muted">(${t.durationMinutes} min)</span>`,
        )
        .join(', ')
      // The demo's default meeting type (30 min, or the first) is booked right here.
      const featured = types.find((t) => t.durationMinutes === 30) ?? types[0]
      // The page is English (it is the operator's); the widget on it speaks the visitor's language.
      const visitor = preferredLocale(request.headers['accept-language'])
      const body = `<h1>Slotkit is running</h1>
<p>An embeddable, self-hostable scheduling server.</p>
<h2>Demo booking flow</h2>
${
  featured
    ? `<p>Book a meeting with ${escapeHtml(demo?.name ?? '')} below, or open a meeting type on its own page: ${links}.</p>
${widgetTag({ 'meeting-type': featured.id, ...(visitor ? { lang: visitor } : {}) })}`
    : '<p class="muted">No demo host in this database.</p>'
}
<h2>API</h2>
<ul><li><a href="/docs">API documentation (Swagger UI)</a></li><li><a href="/api/openapi.json">OpenAPI 3 document</a></li>
<li><a href="/healthz">/healthz</a> · <a href="/readyz">/readyz</a></li></ul>`
      return reply.type('text/html; charset=utf-8').send(withWidgetScript(page('Slotkit', body)))
    })

    app.get(WIDGET_BUNDLE_PATH, html, async (_request, reply) => {
      const bundle = loadWidgetBundle()
      if (!bundle) {
        return reply
          .code(404)
          .type('text/javascript; charset=utf-8')
          .send(
            '// The widget bundle is not built: run `npm run build` (or `npm start`) in the Slotkit checkout.\n',
          )
      }
      return reply
        .type('text/javascript; charset=utf-8')
        .header('cache-control', 'public, max-age=300')
        .send(bundle)
    })

    app.get(WIDGET_LEGAL_PATH, html, async (_request, reply) => {
      const notices = loadWidgetLegal()
      if (!notices) return reply.code(404).type('text/plain; charset=utf-8').send('Not built.\n')
      return reply
        .type('text/plain; charset=utf-8')
        .header('cache-control', 'public, max-age=300')
        .send(notices)
    })

    // The bundle's languages, imported from next to it when a widget needs one.
    // Cached like the bundle: a new release replaces both.
    app.get(
      WIDGET_LOCALES_PATH,
      { ...html, schema: { ...html.schema, params: LocaleFileParams } },
      async (request, reply) => {
        const module = loadWidgetLocale(request.params.file)
        if (!module) {
          return reply
            .code(404)
            .type('text/javascript; charset=utf-8')
            .send('// No such language module of <schedule-widget>.\n')
        }
        return reply
          .type('text/javascript; charset=utf-8')
          .header('cache-control', 'public, max-age=300')
          .send(module)
      },
    )

    app.get(
      '/book/:id',
      { ...html, schema: { ...html.schema, params: IdParams } },
      async (request, reply) =>
        reply
          .type('text/html; charset=utf-8')
          .send(
            widgetPage(
              'pageBook',
              { 'meeting-type': request.params.id },
              languageFor(preferredLocale(request.headers['accept-language'])),
            ),
          ),
    )

    app.get(
      '/bookings/:id/cancel',
      { ...html, schema: { ...html.schema, params: ManageParams, querystring: TokenQuery } },
      async (request, reply) => {
        const { id } = request.params
        const token = request.query.token
        const language = await inviteeLanguage(id, token, request.headers['accept-language'])
        return reply
          .type('text/html; charset=utf-8')
          .send(
            widgetPage(
              'pageCancel',
              { mode: 'cancel', 'booking-id': id, token: token ?? '' },
              language,
            ),
          )
      },
    )

    app.get(
      '/bookings/:id/reschedule',
      { ...html, schema: { ...html.schema, params: ManageParams, querystring: TokenQuery } },
      async (request, reply) => {
        const { id } = request.params
        const token = request.query.token
        const language = await inviteeLanguage(id, token, request.headers['accept-language'])
        return reply
          .type('text/html; charset=utf-8')
          .send(
            widgetPage(
              'pageReschedule',
              { mode: 'reschedule', 'booking-id': id, token: token ?? '' },
              language,
            ),
          )
      },
    )
  }
}
