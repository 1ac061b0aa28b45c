import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import {
  IdParamsSchema,
  JobListSchema,
  ListJobsQuerySchema,
  RetryJobReplySchema,
} from '@slotkit/core/api'
import { isUuid } from '../../db/ids'
import { notFound } from '../../http/api-error'
import type { JobQueue } from '../../jobs/job-queue'
import type { RouteContext } from '../context'

/** The admin view of background jobs: counts, failed jobs, retry. */
export function adminJobsRoutes(ctx: RouteContext, queue: JobQueue): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/admin/jobs',
      {
        config: { auth: 'admin' },
        schema: {
          tags: ['admin'],
          summary:
            'Job counts per state, the jobs in one state (default: failed) and the invitee e-mails the mail limits left out',
          querystring: ListJobsQuerySchema,
          errors: ['FORBIDDEN'],
          response: { 200: JobListSchema },
        },
      },
      async (request) => {
        const limiter = ctx.deps.mailLimiter
        const [counts, jobs, suppressed] = await Promise.all([
          queue.countByState(),
          queue.listJobs(request.query.state ?? 'failed', request.query.limit ?? 100),
          // null when Redis cannot say right now: the job counts are still worth having.
          limiter ? limiter.suppressed().catch(() => null) : 0,
        ])
        return {
          counts,
          suppressed_emails: suppressed,
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
        config: { auth: 'admin' },
        schema: {
          tags: ['admin'],
          summary: 'Run a failed job once more',
          params: IdParamsSchema,
          errors: ['FORBIDDEN', 'NOT_FOUND'],
          response: { 200: RetryJobReplySchema },
        },
      },
      async (request) => {
        const { id } = request.params
        if (!isUuid(id) || !(await queue.retryFailed(id))) throw notFound('Failed job')
        return { id, state: 'retry' as const }
      },
    )
  }
}
