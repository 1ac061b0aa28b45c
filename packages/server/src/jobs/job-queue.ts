import { createHash } from 'node:crypto'
import { JOB_STATES, type JobState } from '@slotkit/core/api'
import { CompiledQuery, type Kysely } from 'kysely'
import PgBoss from 'pg-boss'
import {
  DEFAULT_RETRY_POLICIES,
  type JobPayloads,
  QUEUE_NAMES,
  QUEUE_POLICIES,
  type QueueName,
  type RetryPolicy,
} from './queues'

/** The pg-boss job states (the admin API's, from core). */
export { JOB_STATES, type JobState }

/** What a handler gets: the payload and where the job is in its retries. */
export interface QueuedJob<TPayload> {
  readonly id: string
  readonly name: QueueName
  readonly data: TPayload
  /** 0 on the first attempt. */
  readonly retryCount: number
  readonly retryLimit: number
}

/** A job handler: resolve = done, throw = failed (retried with backoff until the limit). */
export type JobHandler<TPayload> = (job: QueuedJob<TPayload>) => Promise<void>

/** Options of {@link JobQueue}. */
export interface JobQueueOptions {
  readonly connectionString: string
  /** PostgreSQL schema of pg-boss's tables; default `pgboss`. */
  readonly schema?: string
  /** Connections of pg-boss's own pool; default 4. */
  readonly maxConnections?: number
  /** Overrides of {@link DEFAULT_RETRY_POLICIES} (tests use short delays). */
  readonly retryPolicies?: Partial<Record<QueueName, Partial<RetryPolicy>>>
  /** How often an idle worker looks for due jobs; default 1000 ms (pg-boss's minimum is 500). */
  readonly pollIntervalMs?: number
  /** Run pg-boss maintenance (expiry, archiving) from this instance; default true. */
  readonly supervise?: boolean
  /** Run pg-boss's cron schedules (see {@link JobQueue.schedule}) from this instance; default false. */
  readonly schedule?: boolean
  /** How often due schedules are looked for and sent, seconds (1–45); default pg-boss's (30 and 5). */
  readonly cronIntervalSeconds?: number
  readonly log?: {
    error(obj: object, msg: string): void
    warn(obj: object, msg: string): void
  }
}

/** Options of one job. */
export interface SendJobOptions {
  /** Not before this instant (reminders). */
  readonly startAfter?: Date
  /** A fixed id (UUID): sending the same id twice creates one job ({@link stableJobId}). */
  readonly id?: string
  /**
   * On a `short` queue: at most one queued job per key; sending another while
   * one waits creates nothing (null).
   */
  readonly singletonKey?: string
  /** Not before this many seconds from now, on the database's clock (not in {@link NewJob}s). */
  readonly delaySeconds?: number
}

/** One job of {@link JobQueue.insertInTransaction}. */
export type NewJob = {
  [TName in QueueName]: { readonly name: TName; readonly data: JobPayloads[TName] } & SendJobOptions
}[QueueName]

/** Options of {@link JobQueue.work}. */
export interface WorkOptions {
  /** Jobs fetched (and run in parallel) at once; default 10. */
  readonly batchSize?: number
}

/** A job as listed by the admin API. */
export interface JobSummary {
  readonly id: string
  readonly name: string
  readonly state: JobState
  readonly data: unknown
  readonly retryCount: number
  readonly retryLimit: number
  readonly createdOn: Date
  readonly startAfter: Date
  readonly completedOn: Date | null
  readonly output: unknown
}

/**
 * A UUID derived from `key` (sha-256, version 8 layout), for jobs that must be
 * addressable later without storing their id, e.g. a booking's reminders, which
 * cancel and reschedule cancel by recomputing the id.
 */
export function stableJobId(key: string): string {
  const h = createHash('sha256').update(key).digest('hex')
  const variant = ((Number.parseInt(h[16] ?? '0', 16) & 0x3) | 0x8).toString(16)
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/

/**
 * `INSERT INTO <schema>.job ...` for jobs given as a JSON array of
 * {@link jobRecords} in the parameter `jobsParam` (e.g. `$2`), to be used as a
 * CTE of a larger statement so the jobs commit with that statement's rows.
 * `source` is a table expression the job rows are joined with (the CTE of the
 * rows the jobs belong to), `condition` the join condition and filter (SQL over
 * `j.name`, `j.owner` and the source's columns): no source row, no jobs.
 *
 * It writes the same columns as pg-boss 10's own `insert` (plans.js
 * `insertJobs`) for the options Slotkit uses (id, name, data, startAfter), with
 * the queue's policy, retry and retention settings; `test/optimistic-booking.test.ts` inserts
 * the same jobs both ways and compares the rows, so a pg-boss upgrade that
 * changes its table is caught.
 */
export function jobInsertSql(
  schema: string,
  options: { jobsParam: string; source: string; condition?: string },
): string {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid pg-boss schema "${schema}"`)
  return `INSERT INTO ${schema}.job (id, name, data, priority, start_after, dead_letter, expire_in,
        keep_until, retry_limit, retry_delay, retry_backoff, policy)
      SELECT coalesce(j.id, gen_random_uuid()), j.name, j.data, 0, coalesce(j.start_after, now()),
        q.dead_letter,
        CASE WHEN q.expire_seconds IS NOT NULL THEN q.expire_seconds * interval '1s'
             ELSE interval '15 minutes' END,
        coalesce(j.start_after, now()) + CAST(coalesce((q.retention_minutes * 60)::text, '14 days') AS interval),
        coalesce(q.retry_limit, 2),
        CASE WHEN coalesce(q.retry_backoff, false) THEN greatest(q.retry_delay, 1)
             ELSE coalesce(q.retry_delay, 0) END,
        coalesce(q.retry_backoff, false),
        q.policy
      FROM ${options.source}
      CROSS JOIN json_to_recordset(${options.jobsParam}::json)
        AS j (id uuid, name text, data jsonb, start_after timestamptz, owner uuid)
      JOIN ${schema}.queue q ON q.name = j.name
      ${options.condition ? `WHERE ${options.condition}` : ''}
      ON CONFLICT DO NOTHING`
}

/** One row of {@link jobInsertSql}'s JSON parameter; `owner` is `j.owner` there (e.g. the booking's id). */
export interface JobRecord {
  readonly id: string | null
  readonly name: string
  readonly data: unknown
  readonly start_after: string | null
  readonly owner: string | null
}

/** The rows of {@link jobInsertSql}'s JSON parameter for `jobs` of `owner`. */
export function jobRecords(jobs: readonly NewJob[], owner: string | null = null): JobRecord[] {
  return jobs.map((job) => ({
    id: job.id ?? null,
    name: job.name,
    data: job.data,
    start_after: job.startAfter?.toISOString() ?? null,
    owner,
  }))
}

/** pg-boss's `db` option over a Kysely transaction, so a job commits or rolls back with it. */
// biome-ignore lint/suspicious/noExplicitAny: any schema's transaction will do
export function bossDbOf(trx: Kysely<any>): PgBoss.Db {
  // withoutPlugins: pg-boss reads its own column names (no camelCase mapping).
  const raw = trx.withoutPlugins()
  return {
    executeSql: async (text: string, values: unknown[]) => {
      const result = await raw.executeQuery(CompiledQuery.raw(text, values))
      return { rows: result.rows as unknown[] }
    },
  } as PgBoss.Db
}

interface Worker {
  readonly name: QueueName
  stopping: boolean
  wake: () => void
  done: Promise<void>
}

/**
 * The server's job queue: pg-boss 10 on the application's PostgreSQL (own
 * schema). Jobs are sent inside the caller's transaction
 * ({@link JobQueue.sendInTransaction}), so a booking and its jobs commit
 * together. Workers fetch with `FOR UPDATE SKIP LOCKED`, so several processes
 * never run the same job at once; handlers are still written to be idempotent
 * (a job can run again after a crash or an expiry).
 */
export class JobQueue {
  /** The pg-boss instance (replaced when a start fails: pg-boss cannot start twice). */
  boss: PgBoss
  readonly schema: string
  private readonly policies: Record<QueueName, RetryPolicy>
  private readonly pollIntervalMs: number
  private readonly workers: Worker[] = []
  private started = false
  private starting: Promise<unknown> | undefined

  constructor(private readonly options: JobQueueOptions) {
    this.schema = options.schema ?? 'pgboss'
    if (!SCHEMA_NAME.test(this.schema)) throw new Error(`invalid pg-boss schema "${this.schema}"`)
    this.pollIntervalMs = Math.max(500, options.pollIntervalMs ?? 1000)
    this.policies = Object.fromEntries(
      QUEUE_NAMES.map((name) => [
        name,
        { ...DEFAULT_RETRY_POLICIES[name], ...options.retryPolicies?.[name] },
      ]),
    ) as Record<QueueName, RetryPolicy>
    this.boss = this.createBoss()
  }

  private createBoss(): PgBoss {
    const boss = new PgBoss({
      connectionString: this.options.connectionString,
      schema: this.schema,
      max: this.options.maxConnections ?? 4,
      application_name: 'slotkit-jobs',
      supervise: this.options.supervise ?? true,
      schedule: this.options.schedule ?? false,
      ...(this.options.cronIntervalSeconds
        ? {
            cronMonitorIntervalSeconds: this.options.cronIntervalSeconds,
            cronWorkerIntervalSeconds: this.options.cronIntervalSeconds,
          }
        : {}),
      migrate: true,
    })
    boss.on('error', (error) => this.options.log?.error({ err: error }, 'job queue error'))
    return boss
  }

  /** Installs or migrates pg-boss's schema (advisory-locked) and creates the queues. */
  async start(): Promise<void> {
    if (this.started) return
    this.starting ??= this.boss.start().catch(async (error: unknown) => {
      this.starting = undefined
      const failed = this.boss
      this.boss = this.createBoss()
      await failed.stop({ graceful: false, wait: false, close: true }).catch(() => {})
      throw error
    })
    await this.starting
    for (const name of QUEUE_NAMES) {
      const policy = this.policies[name]
      const queue = {
        name,
        policy: QUEUE_POLICIES[name],
        retryLimit: policy.retryLimit,
        retryDelay: policy.retryDelaySeconds,
        retryBackoff: policy.retryBackoff,
        expireInSeconds: policy.expireInSeconds,
      }
      // Two processes starting together may both create: the loser updates.
      if (await this.boss.getQueue(name)) await this.boss.updateQueue(name, queue)
      else await this.boss.createQueue(name, queue).catch(() => this.boss.updateQueue(name, queue))
    }
    this.started = true
  }

  /** True once {@link start} has created every queue: jobs can be written. */
  get running(): boolean {
    return this.started
  }

  /** The effective retry policy of a queue. */
  retryPolicy(name: QueueName): RetryPolicy {
    return this.policies[name]
  }

  /** Stops the workers (in-flight jobs finish), then pg-boss and its pool. */
  async stop(): Promise<void> {
    for (const worker of this.workers) {
      worker.stopping = true
      worker.wake()
    }
    await Promise.all(this.workers.map((w) => w.done))
    this.workers.length = 0
    // A stop during start (say a server closed right after it began listening):
    // wait for pg-boss's own start, then stop it too, or its pool outlives us.
    const starting = this.starting
    if (starting) await starting.catch(() => {})
    if (this.starting) {
      await this.boss.stop({ graceful: true, wait: true, close: true })
      this.starting = undefined
      this.boss = this.createBoss()
    }
    this.started = false
  }

  /**
   * Sends a job inside `trx` (a Kysely transaction): it exists only if `trx`
   * commits. Returns the job id, or null when a job with `options.id` exists.
   */
  async sendInTransaction<TName extends QueueName>(
    // biome-ignore lint/suspicious/noExplicitAny: any schema's transaction will do
    trx: Kysely<any>,
    name: TName,
    payload: JobPayloads[TName],
    options: SendJobOptions = {},
  ): Promise<string | null> {
    if (!this.started) throw new Error(`job queue is not running: ${name} not queued`)
    const { delaySeconds, ...rest } = options
    const id = await this.boss.send(name, payload as object, {
      ...rest,
      ...(delaySeconds !== undefined && delaySeconds > 0 ? { startAfter: delaySeconds } : {}),
      db: bossDbOf(trx),
    })
    // pg-boss answers null for a duplicate id or singleton key (fine) and for a
    // missing queue (not fine).
    if (id === null && options.id === undefined && options.singletonKey === undefined) {
      throw new Error(`${name}: job not queued`)
    }
    return id
  }

  /**
   * Sends several jobs inside `trx` in one statement (a booking's e-mail,
   * reminders and webhook event cost one round trip). Jobs whose `id` exists
   * already are skipped.
   */
  async insertInTransaction(
    // biome-ignore lint/suspicious/noExplicitAny: any schema's transaction will do
    trx: Kysely<any>,
    jobs: readonly NewJob[],
  ): Promise<void> {
    if (jobs.length === 0) return
    if (!this.started) throw new Error('job queue is not running: jobs not queued')
    await this.boss.insert(
      jobs.map((job) => ({
        name: job.name,
        data: job.data as object,
        ...(job.id ? { id: job.id } : {}),
        ...(job.startAfter ? { startAfter: job.startAfter } : {}),
      })),
      { db: bossDbOf(trx) },
    )
  }

  /** Sends a job outside any transaction. */
  async send<TName extends QueueName>(
    name: TName,
    payload: JobPayloads[TName],
    options: SendJobOptions = {},
  ): Promise<string | null> {
    if (!this.started) throw new Error(`job queue is not running: ${name} not queued`)
    const { delaySeconds, ...rest } = options
    return this.boss.send(name, payload as object, {
      ...rest,
      ...(delaySeconds !== undefined && delaySeconds > 0 ? { startAfter: delaySeconds } : {}),
    })
  }

  /**
   * Runs `name` on a cron schedule (UTC; pg-boss sends each due job once across
   * processes). Needs a queue started with `schedule: true` somewhere to fire.
   */
  async schedule(name: QueueName, cron: string): Promise<void> {
    if (!this.started) throw new Error(`job queue is not running: ${name} not scheduled`)
    await this.boss.schedule(name, cron, {}, { tz: 'UTC' })
  }

  /** Cancels jobs that have not run yet (e.g. a booking's reminders), inside `trx`. */
  async cancelInTransaction(
    // biome-ignore lint/suspicious/noExplicitAny: any schema's transaction will do
    trx: Kysely<any>,
    name: QueueName,
    ids: string[],
  ): Promise<void> {
    if (ids.length === 0) return
    await this.boss.cancel(name, ids, { db: bossDbOf(trx) })
  }

  /**
   * Runs `handler` for jobs of `name` until {@link stop}: fetches up to
   * `batchSize` due jobs, runs them in parallel, completes or fails each one.
   * While jobs keep coming it fetches again at once; when the queue is empty it
   * waits `pollIntervalMs` (or until {@link notify}).
   */
  work<TName extends QueueName>(
    name: TName,
    handler: JobHandler<JobPayloads[TName]>,
    options: WorkOptions = {},
  ): void {
    const batchSize = options.batchSize ?? 10
    let wakeUp: (() => void) | undefined
    // A wake-up while the worker is busy skips its next sleep instead of being lost.
    let woken = false
    const worker: Worker = {
      name,
      stopping: false,
      wake: () => {
        woken = true
        wakeUp?.()
      },
      done: Promise.resolve(),
    }
    const sleep = (ms: number) =>
      new Promise<void>((resolve) => {
        if (woken) {
          woken = false
          resolve()
          return
        }
        const timer = setTimeout(done, ms)
        function done() {
          clearTimeout(timer)
          wakeUp = undefined
          woken = false
          resolve()
        }
        wakeUp = done
      })
    const runOne = async (job: PgBoss.JobWithMetadata<JobPayloads[TName]>) => {
      try {
        await handler({
          id: job.id,
          name,
          data: job.data,
          retryCount: job.retryCount,
          retryLimit: job.retryLimit,
        })
        return { id: job.id, ok: true as const }
      } catch (error) {
        return { id: job.id, ok: false as const, error }
      }
    }
    const loop = async () => {
      while (!worker.stopping) {
        let fetched = 0
        try {
          const jobs = await this.boss.fetch<JobPayloads[TName]>(name, {
            batchSize,
            includeMetadata: true,
          })
          fetched = jobs.length
          if (fetched > 0) {
            const results = await Promise.all(jobs.map(runOne))
            const completed = results.filter((r) => r.ok).map((r) => r.id)
            if (completed.length > 0) await this.boss.complete(name, completed)
            for (const r of results) {
              if (r.ok) continue
              const message = r.error instanceof Error ? r.error.message : String(r.error)
              this.options.log?.warn({ err: r.error, job: r.id, queue: name }, 'job failed')
              await this.boss.fail(name, r.id, { message })
            }
          }
        } catch (error) {
          this.options.log?.error({ err: error, queue: name }, 'job worker error')
        }
        if (!worker.stopping && fetched < batchSize) await sleep(this.pollIntervalMs)
      }
    }
    worker.done = loop()
    this.workers.push(worker)
  }

  /** Wakes this process's idle workers of `name` (after a commit that sent jobs). */
  notify(name: QueueName): void {
    for (const worker of this.workers) if (worker.name === name) worker.wake()
  }

  /** Jobs in `state`, newest first (the admin list of failed jobs). */
  async listJobs(state: JobState, limit = 100): Promise<JobSummary[]> {
    const { rows } = await this.boss.getDb().executeSql(
      `SELECT id, name, state, data, retry_count, retry_limit, created_on, start_after,
              completed_on, output
         FROM ${this.schema}.job
        WHERE state = $1 AND name = ANY($2::text[])
        ORDER BY coalesce(completed_on, created_on) DESC, id
        LIMIT $3`,
      [state, [...QUEUE_NAMES], limit],
    )
    return (rows as Record<string, unknown>[]).map((r) => ({
      id: r.id as string,
      name: r.name as string,
      state: r.state as JobState,
      data: r.data,
      retryCount: r.retry_count as number,
      retryLimit: r.retry_limit as number,
      createdOn: r.created_on as Date,
      startAfter: r.start_after as Date,
      completedOn: (r.completed_on as Date | null) ?? null,
      output: r.output,
    }))
  }

  /** Jobs per state across the server's queues. */
  async countByState(): Promise<Record<JobState, number>> {
    const { rows } = await this.boss.getDb().executeSql(
      `SELECT state, count(*)::int AS n FROM ${this.schema}.job
        WHERE name = ANY($1::text[]) GROUP BY state`,
      [[...QUEUE_NAMES]],
    )
    const counts = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as Record<JobState, number>
    for (const r of rows as { state: JobState; n: number }[]) counts[r.state] = r.n
    return counts
  }

  /**
   * Puts a failed job back in line for one more attempt (pg-boss raises its
   * retry limit by one). Returns false when no failed job has this id.
   */
  async retryFailed(id: string): Promise<boolean> {
    const { rows } = await this.boss
      .getDb()
      .executeSql(`SELECT name FROM ${this.schema}.job WHERE id = $1 AND state = 'failed'`, [id])
    const name = (rows[0] as { name?: string } | undefined)?.name
    if (!name) return false
    await this.boss.retry(name, id)
    return true
  }
}
