import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  type SlotsQuery,
  SlotsQuerySchema,
  type SlotsReply,
  SlotsReplySchema,
} from '@slotkit/core/api'
import type { JsonText } from '../../http/json-text'
import { listSlots } from '../../services/slot.service'
import type { RouteContext } from '../context'

/** Public slot search; replies come pre-serialized from the cache. */
export function slotsRoutes(ctx: RouteContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    // The reply is the JSON text of a SlotsReply (a string bypasses serialization,
    // so the cached text goes out as is); the generics say so, where inferring
    // from the schema would claim an object.
    app.get<{ Querystring: SlotsQuery; Reply: JsonText<SlotsReply> }>(
      '/api/availability/slots',
      {
        config: { ...ctx.publicRateLimit, auth: 'public' },
        schema: {
          tags: ['availability'],
          summary:
            'Bookable slots of a meeting type on a date (or a date range) in a time zone (public)',
          querystring: SlotsQuerySchema,
          errors: [
            'INVALID_TIME_ZONE',
            'INVALID_DATE',
            'INVALID_RANGE',
            'INVALID_DURATION',
            'NOT_FOUND',
          ],
          response: { 200: SlotsReplySchema },
        },
      },
      async (request, reply) => {
        const body = await listSlots(ctx.deps, request.query)
        return reply.type('application/json; charset=utf-8').send(body)
      },
    )
  }
}
