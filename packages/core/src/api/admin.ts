import { type Static, Type } from 'typebox'

/** The states of a background job (pg-boss's). */
export const JOB_STATES = [
  'created',
  'retry',
  'active',
  'completed',
  'cancelled',
  'failed',
] as const

/** One of {@link JOB_STATES}. */
export type JobState = (typeof JOB_STATES)[number]

/** A job state. */
export const JobStateSchema = Type.Enum(JOB_STATES, { title: 'Job state' })

/** Query of admin `GET /api/admin/jobs`: one state's jobs (default `failed`). */
export const ListJobsQuerySchema = Type.Object(
  {
    state: Type.Optional(JobStateSchema),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  },
  { title: 'List jobs query' },
)

/** Query of admin `GET /api/admin/jobs`. */
export type ListJobsQuery = Static<typeof ListJobsQuerySchema>

/** A background job (e-mail, reminder, webhook delivery) as an operator sees it. */
export const JobSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String({ description: 'The queue, e.g. booking.send-email.' }),
    state: JobStateSchema,
    data: Type.Unknown({ description: 'The payload.' }),
    retry_count: Type.Integer(),
    retry_limit: Type.Integer(),
    created_at: Type.String({ description: 'RFC 3339, UTC.' }),
    start_after: Type.String({ description: 'RFC 3339, UTC.' }),
    completed_at: Type.Union([Type.String(), Type.Null()]),
    output: Type.Unknown({ description: 'The last error of a failed job.' }),
  },
  { title: 'Job' },
)

/** A background job. */
export type Job = Static<typeof JobSchema>

/** Job counts per state. */
export const JobCountsSchema = Type.Object(
  Object.fromEntries(JOB_STATES.map((state) => [state, Type.Integer()])) as Record<
    JobState,
    ReturnType<typeof Type.Integer>
  >,
  { title: 'Job counts' },
)

/** Job counts per state. */
export type JobCounts = Static<typeof JobCountsSchema>

/** Reply of admin `GET /api/admin/jobs`. */
export const JobListSchema = Type.Object(
  {
    counts: JobCountsSchema,
    jobs: Type.Array(JobSchema),
    suppressed_emails: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
      description:
        'Invitee e-mails the mail limits (per recipient, per client address) left out: since this process started, or in every process sharing its Redis; null when Redis cannot be read.',
    }),
  },
  { title: 'Jobs' },
)

/** Reply of admin `GET /api/admin/jobs`. */
export type JobList = Static<typeof JobListSchema>

/** Reply of admin `POST /api/admin/jobs/:id/retry`. */
export const RetryJobReplySchema = Type.Object(
  { id: Type.String(), state: Type.Literal('retry') },
  { title: 'Retried job' },
)

/** Reply of admin `POST /api/admin/jobs/:id/retry`. */
export type RetryJobReply = Static<typeof RetryJobReplySchema>
