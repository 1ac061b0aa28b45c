import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { SlotsQuerySchema, type SlotsReply, SlotsReplySchema } from '@slotkit/core/api'
import { listSlots } from '../../services/slot.service'
import type { RouteContext } from '../context'

/** Public slot search; replies come pre-serialized from the cache. */
export function slotsRoutes(ctx: RouteContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/availability/slots',
      {
        config: ctx.publicRateLimit,
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
        // A string payload bypasses response serialization: the cached JSON goes out as is.
        return reply.type('application/json; charset=utf-8').send(body as unknown as SlotsReply)
      },
    )
  }
}
