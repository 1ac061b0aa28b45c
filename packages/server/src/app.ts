import { readFileSync } from 'node:fs'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { Redis } from 'ioredis'
import { MemorySlotCache, RedisSlotCache, type SlotCache } from './cache/slot-cache'
import { type Config, publicBaseUrl } from './config/config'
import { resolveSecretBox } from './config/encryption-key'
import { resolveSecrets } from './config/secrets'
import { createDb, type Db } from './db/database'
import { CalendarSync, type ProviderRegistry } from './integrations/calendar/calendar-sync'
import { createProviderRegistry } from './integrations/calendar/registry'
import type { CircuitBreakerOptions } from './integrations/calendar/resilience'
import type { SecretBox } from './integrations/calendar/secret-box'
import type { Mailer } from './integrations/email/mailer'
import type { ResolveHost } from './integrations/webhooks/ssrf-guard'
import type { ReminderOffsets } from './jobs/enqueue-booking-jobs'
import type { JobQueue, JobQueueOptions } from './jobs/job-queue'
import type { RegisterWorkersOptions } from './jobs/register-workers'
import { type JobsRuntime, startJobs } from './plugins/jobs'
import { type SlotkitPluginOptions, slotkitPlugin } from './slotkit-plugin'

/** Background jobs of {@link buildApp} (pg-boss, e-mail, reminders, webhooks). */
export interface AppJobsOptions {
  /** Run the workers in this process; default `config.runWorkers`. */
  readonly workers?: boolean
  /** Send e-mail through this instead of SMTP_URL / the outbox folder. */
  readonly mailer?: Mailer
  /** pg-boss schema (default `pgboss`), retry policies and polling interval. */
  readonly queue?: Partial<
    Pick<JobQueueOptions, 'schema' | 'retryPolicies' | 'pollIntervalMs' | 'cronIntervalSeconds'>
  >
  /** How long before the start each reminder is due; default 24 h and 1 h. */
  readonly reminderOffsets?: ReminderOffsets
  readonly workerOptions?: RegisterWorkersOptions
  /** DNS of the webhook SSRF check; default node:dns. */
  readonly resolveHost?: ResolveHost
  /**
   * Run the cron schedules (calendar polling every minute, channel renewal every
   * 15 minutes) from this process's workers; default true. Tests that share one
   * database turn them off so one test's poller never syncs another's integrations.
   */
  readonly schedules?: boolean
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The app's job queue (pg-boss), or null when jobs are off. */
    slotkitJobs: JobQueue | null
    /** The app's calendar integrations (sync engine, providers, token store). */
    slotkitCalendars: CalendarSync
  }
}

/** Parts a caller may supply instead of letting {@link buildApp} create them from config. */
export interface AppDeps {
  /** Database; default: a pool on `config.databaseUrl` (closed with the app). */
  readonly db?: Db
  /** Redis; default: a client on `config.redisUrl` when set (closed with the app). */
  readonly redis?: Redis
  /** Slot cache; default: Redis when there is Redis, else in process. */
  readonly cache?: SlotCache
  /** sha-256 (hex) of the admin token; default: from ADMIN_TOKEN or DATA_DIR. */
  readonly adminTokenHash?: string
  /**
   * Secret deriving invitee tokens (one key, or several newest first); default:
   * SECRET_KEY, else the key generated once in the database.
   */
  readonly secretKey?: string | readonly string[]
  /** Clock (epoch ms); default `Date.now`. */
  readonly now?: () => number
  /** Runs inside each booking transaction (create, cancel, reschedule): enqueue jobs here. */
  readonly onBookingEvent?: SlotkitPluginOptions['onBookingEvent']
  /** Pino logger options or instance override; default from `config.logLevel`. */
  readonly logger?: FastifyServerOptions['logger']
  /**
   * Background jobs; default on: pg-boss on `config.databaseUrl`, with workers
   * when `config.runWorkers`. `false`: nothing is enqueued.
   */
  readonly jobs?: AppJobsOptions | false
  /** See {@link SlotkitPluginOptions.onUndocumentedReply}: reports replies OpenAPI does not describe. */
  readonly onUndocumentedReply?: SlotkitPluginOptions['onUndocumentedReply']
  /**
   * Seals calendar tokens; default: from ENCRYPTION_KEY (`startServer` passes the
   * embedded setup's generated key). Without one, connecting answers 503.
   */
  readonly secretBox?: SecretBox
  /** Calendar integrations: providers (default from GOOGLE_*), push and circuit-breaker settings. */
  readonly calendars?: {
    readonly providers?: ProviderRegistry
    /** Which push addresses may be used; default https only. */
    readonly pushAllowed?: (address: URL) => boolean
    readonly breaker?: CircuitBreakerOptions
  }
}

/** The largest accepted request body (a whole availability with overrides fits easily). */
export const BODY_LIMIT_BYTES = 256 * 1024

function packageVersion(): string {
  try {
    return (
      JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
        version: string
      }
    ).version
  } catch {
    return '0.0.0'
  }
}

/** Query-string tokens (and an OAuth callback's code and state) never reach the logs. */
function redactUrl(url: string): string {
  return url.replace(/([?&](?:token|api_key|key|code|state)=)[^&#]*/gi, '$1[REDACTED]')
}

/** Logger settings: secrets are redacted wherever they could appear. */
export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  return {
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["idempotency-key"]',
        '*.api_key',
        '*.apiKey',
        '*.token',
        '*.adminToken',
        '*.secretKey',
        '*.password',
        '*.databaseUrl',
        '*.connectionString',
        '*.encryptionKey',
        '*.encryptionKeysPrevious',
        '*.googleClientSecret',
        '*.microsoftClientSecret',
        '*.clientState',
        '*.access_token',
        '*.refresh_token',
        '*.accessToken',
        '*.refreshToken',
        '*.credentials',
        '*.code_verifier',
        '*.codeVerifier',
        'req.headers["x-goog-channel-token"]',
      ],
      censor: '[REDACTED]',
    },
    serializers: {
      req(request: { method: string; url: string; ip?: string; hostname?: string }) {
        return { method: request.method, url: redactUrl(request.url), remoteAddress: request.ip }
      },
    },
  }
}

/**
 * Builds the Fastify app (plugins, routes, error handling) without listening.
 * Needs `config.databaseUrl` or `deps.db`; the schema must already be migrated
 * (`migrateToLatest`). Everything it creates is closed by `app.close()`.
 */
export async function buildApp(config: Config, deps: AppDeps = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? loggerOptions(config.logLevel),
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: typeof config.trustProxy === 'boolean' ? config.trustProxy : [...config.trustProxy],
  }).withTypeProvider<TypeBoxTypeProvider>()
  if (config.trustProxy === true) {
    // Once per app, at start: with every hop trusted, any client that can reach
    // the server directly chooses its own address (X-Forwarded-For).
    app.log.warn(
      "TRUST_PROXY=true trusts X-Forwarded-For from every peer: a client that reaches this server directly can pick its own address and escape the per-address rate limits; list your proxies' addresses instead (TRUST_PROXY=10.0.0.5,10.0.1.0/24)",
    )
  }

  let db = deps.db
  if (!db) {
    if (!config.databaseUrl) throw new Error('buildApp needs config.databaseUrl or deps.db')
    const created = createDb({ connectionString: config.databaseUrl })
    db = created
    app.addHook('onClose', async () => created.destroy())
  }
  let redis = deps.redis
  if (!redis && config.redisUrl) {
    const created = new Redis(config.redisUrl, {
      lazyConnect: true,
      maxRetriesPerRequest: 2,
      enableAutoPipelining: true,
    })
    created.on('error', (error) => app.log.warn({ err: error }, 'redis error'))
    await created.connect()
    redis = created
    app.addHook('onClose', async () => {
      await created.quit().catch(() => created.disconnect())
    })
  }
  const cache = deps.cache ?? (redis ? new RedisSlotCache(redis) : new MemorySlotCache())

  let adminTokenHash = deps.adminTokenHash
  let secretKey = deps.secretKey
  if (!adminTokenHash || !secretKey) {
    if (!adminTokenHash && !config.adminToken && config.redisUrl) {
      // REDIS_URL means several processes; each would generate its own admin token
      // in its own DATA_DIR. (The invitee-link key is shared through the database.)
      app.log.warn(
        'ADMIN_TOKEN is unset while REDIS_URL is set: give every server process the same ADMIN_TOKEN',
      )
    }
    // The generated key lives in the database, so every process sharing it agrees.
    const secrets = await resolveSecrets(config, { db, log: (message) => app.log.info(message) })
    adminTokenHash ??= secrets.adminTokenHash
    secretKey ??= secrets.secretKey
  }

  let listeningPort: number | undefined
  app.addHook('onListen', async () => {
    const address = app.server.address()
    if (address && typeof address === 'object') listeningPort = address.port
  })

  const publicUrl = () => publicBaseUrl(config, listeningPort)
  const now = deps.now ?? Date.now
  const calendarSync = new CalendarSync({
    db,
    cache,
    log: app.log,
    now,
    providers:
      deps.calendars?.providers ??
      createProviderRegistry(config, {
        now,
        resolveHost: deps.jobs ? deps.jobs.resolveHost : undefined,
      }),
    box: deps.secretBox ?? (await resolveSecretBox(config, { embedded: false })),
    publicUrl,
    pushAllowed: deps.calendars?.pushAllowed,
    breaker: deps.calendars?.breaker,
  })
  let jobs: JobsRuntime | undefined
  if (deps.jobs !== false && config.databaseUrl) {
    const options = deps.jobs ?? {}
    jobs = await startJobs({
      connectionString: config.databaseUrl,
      dataDir: config.dataDir,
      smtpUrl: config.smtpUrl,
      mailFrom: config.mailFrom,
      allowPrivateWebhooks: config.webhookAllowPrivate,
      secretKey,
      publicUrl,
      log: app.log,
      workers: options.workers ?? config.runWorkers,
      mailer: options.mailer,
      queue: options.queue,
      workerOptions: options.workerOptions,
      resolveHost: options.resolveHost,
      calendarSync,
      schedules: options.schedules,
    })
    const running = jobs
    // After in-flight requests (which may enqueue): workers finish their jobs, then stop.
    app.addHook('onClose', async () => running.close())
  } else if (deps.jobs !== false) {
    app.log.warn('no config.databaseUrl: background jobs (e-mail, reminders, webhooks) are off')
  }
  app.decorate('slotkitJobs', jobs?.queue ?? null)
  app.decorate('slotkitCalendars', calendarSync)
  // Before the jobs and the pools close (onClose runs last-added first): on-demand
  // syncs still running in the background finish.
  app.addHook('onClose', async () => calendarSync.close())

  await app.register(slotkitPlugin, {
    db,
    cache,
    redis,
    adminTokenHash,
    secretKey,
    publicUrl,
    rateLimitPerMinute: config.rateLimitPerMinute,
    mailLimits: {
      perRecipientPerHour: config.mailPerRecipientPerHour,
      perClientPerHour: config.mailPerClientPerHour,
    },
    authFailuresPerMinute: config.authFailuresPerMinute,
    corsOrigins: config.corsOrigins,
    now: deps.now,
    onBookingEvent: deps.onBookingEvent,
    jobs: jobs?.queue,
    reminderOffsets: deps.jobs ? deps.jobs.reminderOffsets : undefined,
    webhookAllowPrivate: config.webhookAllowPrivate,
    resolveHost: deps.jobs ? deps.jobs.resolveHost : undefined,
    onUndocumentedReply: deps.onUndocumentedReply,
    calendarSync,
    version: packageVersion(),
  })
  return app
}
