import type { Requester, RequestOptions } from '../request'
import { id } from '../request'
import type { JobList, ListJobsQuery, RetryJobReply } from '../types'

/** `client.admin`: operator calls (the server's admin token as `apiKey`). */
export interface AdminResource {
  /**
   * Job counts per state and the jobs in one state, failed ones by default
   * (`GET /api/admin/jobs`): e-mails, reminders and webhook deliveries that ran out
   * of retries stay there, nothing is dropped silently.
   *
   * @example
   * ```ts
   * const { counts, jobs } = await admin.admin.listJobs({ state: 'failed' })
   * ```
   */
  listJobs(query?: ListJobsQuery, options?: RequestOptions): Promise<JobList>
  /** Runs a failed job once more (`POST /api/admin/jobs/:id/retry`). */
  retryJob(jobId: string, options?: RequestOptions): Promise<RetryJobReply>
}

/** Builds {@link AdminResource} over a requester. */
export function createAdmin(request: Requester): AdminResource {
  return {
    listJobs: (query, options) =>
      request('GET', '/api/admin/jobs', { query, retry: true, options }),
    retryJob: (jobId, options) =>
      request('POST', `/api/admin/jobs/${id(jobId)}/retry`, { options }),
  }
}
