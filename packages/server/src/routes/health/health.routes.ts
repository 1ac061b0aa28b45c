import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ApiError } from '../../http/api-error'
import type { RouteContext } from '../context'

/** Liveness and readiness. */
export function healthRoutes(ctx: RouteContext): FastifyPluginAsyncTypebox {
  const Status = Type.Object({ status: Type.String() })
  return async (app) => {
    app.get(
      '/healthz',
      {
        config: { auth: 'public' },
        schema: { tags: ['health'], summary: 'The process is up', response: { 200: Status } },
      },
      async () => ({
        status: 'ok',
      }),
    )
    app.get(
      '/readyz',
      {
        config: { auth: 'public' },
        schema: { tags: ['health'], summary: 'The database answers', response: { 200: Status } },
      },
      async () => {
        if (!(await ctx.ready()))
          throw new ApiError('SERVICE_UNAVAILABLE', 'The database does not answer')
        return { status: 'ready' }
      },
    )
  }
}
