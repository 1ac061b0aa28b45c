import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { IdParamsSchema } from '@slotkit/core/api'
import { Type } from 'typebox'
import { isUuid } from '../../db/ids'
import { notFound } from '../../http/api-error'
import { JOB_STATES, type JobQueue } from '../../jobs/job-queue'
import { requireAdmin } from '../../plugins/auth'
import type { RouteContext } from '../context'
import { bearer, errorResponses } from '../errors.schema'

const JobStateSchema = Type.Enum(JOB_STATES, { title: 'Job state' })

const ListJobsQuerySchema = Type.Object(
  {
    state: Type.Optional(JobStateSchema),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  },
  { title: 'List jobs query' },
)

const JobSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String({ description: 'The queue, e.g. booking.send-email.' }),
    state: JobStateSchema,
    data: Type.Unknown({ description: 'The payload.' }),
    retry_count: Type.Integer(),
    retry_limit: Type.Integer(),
    created_at: Type.String({ format: 'date-time' }),
    start_after: Type.String({ format: 'date-time' }),
    completed_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    output: Type.Unknown({ description: 'The last error of a failed job.' }),
  },
  { title: 'Job' },
)

const CountsSchema = Type.Object(
  Object.fromEntries(JOB_STATES.map((s) => [s, Type.Integer()])) as Record<
    (typeof JOB_STATES)[number],
    ReturnType<typeof Type.Integer>
  >,
  { title: 'Job counts' },
)

const JobListSchema = Type.Object(
  { counts: CountsSchema, jobs: Type.Array(JobSchema) },
  { title: 'Jobs' },
)

/** The admin view of background jobs: counts, failed jobs, retry. */
export function adminJobsRoutes(ctx: RouteContext, queue: JobQueue): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/admin/jobs',
      {
        schema: {
          tags: ['admin'],
          summary: 'Job counts per state and the jobs in one state (default: failed)',
          security: bearer,
          querystring: ListJobsQuerySchema,
          response: { 200: JobListSchema, ...errorResponses(400, 401, 403) },
        },
      },
      async (request) => {
        requireAdmin(await ctx.auth.principalOf(request))
        const [counts, jobs] = await Promise.all([
          queue.countByState(),
          queue.listJobs(request.query.state ?? 'failed', request.query.limit ?? 100),
        ])
        return {
          counts,
          jobs: jobs.map((j) => ({
            id: j.id,
            name: j.name,
            state: j.state,
            data: j.data,
            retry_count: j.retryCount,
            retry_limit: j.retryLimit,
            created_at: j.createdOn.toISOString(),
            start_after: j.startAfter.toISOString(),
            completed_at: j.completedOn ? j.completedOn.toISOString() : null,
            output: j.output ?? null,
          })),
        }
      },
    )

    app.post(
      '/api/admin/jobs/:id/retry',
      {
        schema: {
          tags: ['admin'],
          summary: 'Run a failed job once more',
          security: bearer,
          params: IdParamsSchema,
          response: {
            200: Type.Object({ id: Type.String(), state: Type.Literal('retry') }),
            ...errorResponses(400, 401, 403, 404),
          },
        },
      },
      async (request) => {
        requireAdmin(await ctx.auth.principalOf(request))
        const { id } = request.params
        if (!isUuid(id) || !(await queue.retryFailed(id))) throw notFound('Failed job')
        return { id, state: 'retry' as const }
      },
    )
  }
}
