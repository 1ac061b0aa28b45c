import cors from '@fastify/cors'
import rateLimit from '@fastify/rate-limit'
import {
  type FastifyPluginAsyncTypebox,
  TypeBoxValidatorCompiler,
} from '@fastify/type-provider-typebox'
import type { Redis } from 'ioredis'
import { sql } from 'kysely'
import { rateLimitKeyPrefix } from './cache/keys'
import {
  type MailLimiter,
  type MailLimits,
  MemoryMailLimiter,
  RedisMailLimiter,
} from './cache/mail-limiter'
import type { SlotCache } from './cache/slot-cache'
import type { Db } from './db/database'
import type { BookingRow } from './db/schema'
import { rateLimitKey } from './http/client-key'
import { installErrorHandling } from './http/error-handler'
import { documentErrorReplies, type UndocumentedReply } from './http/error-responses'
import { CalendarSync } from './integrations/calendar/calendar-sync'
import type { ResolveHost } from './integrations/webhooks/ssrf-guard'
import {
  bookingCreatedJobs,
  bookingJobsInsert,
  type ReminderOffsets,
} from './jobs/enqueue-booking-jobs'
import type { JobQueue } from './jobs/job-queue'
import { authPlugin, createAuthenticator } from './plugins/auth'
import { registerDocs } from './plugins/docs'
import { createBookingEventHandler } from './plugins/jobs'
import { adminJobsRoutes } from './routes/admin/jobs.routes'
import { slotsRoutes } from './routes/availability/slots.routes'
import { bookingsRoutes } from './routes/bookings/bookings.routes'
import type { RouteContext } from './routes/context'
import { healthRoutes } from './routes/health/health.routes'
import { integrationsRoutes } from './routes/integrations/integrations.routes'
import { meetingTypesRoutes } from './routes/meeting-types/meeting-types.routes'
import { pagesRoutes } from './routes/pages/pages.routes'
import { usersRoutes } from './routes/users/users.routes'
import { webhooksRoutes } from './routes/webhooks/webhooks.routes'
import { BookingWriter } from './services/booking-writer'
import { toPublicBooking } from './services/bookings/wire'
import type { BookingEvent, ServiceDeps } from './services/deps'
import { SchedulingReader } from './services/scheduling-reader'
import { toSecretKeys } from './services/tokens'

/** Options of {@link slotkitPlugin}. */
export interface SlotkitPluginOptions {
  readonly db: Db
  readonly cache: SlotCache
  /** sha-256 (hex) of the admin token. */
  readonly adminTokenHash: string
  /**
   * Secret deriving invitee tokens: one key, or several newest first (a list, or
   * SECRET_KEY's comma-separated string). New links use the first; links made with
   * any of them keep working, so keys can rotate (README, "Rotating SECRET_KEY").
   */
  readonly secretKey: string | readonly string[]
  /** Base URL for links, e.g. `https://book.example.com` (no trailing slash); a function when known only after listen. */
  readonly publicUrl: string | (() => string)
  /** Requests per minute per IP on public endpoints; 0 = off. */
  readonly rateLimitPerMinute?: number
  /**
   * Budgets of the invitee e-mails the public API may cause, per recipient
   * address and per client address (IPv6 by /64), per hour; over a budget the
   * booking still succeeds and the invitee's e-mail is left out (the host's
   * goes). Default: off. Shared through `redis` when given.
   */
  readonly mailLimits?: MailLimits
  /**
   * Failed authentications (unknown key or admin token) per client address (IPv6: per
   * /64) per minute before a key from it that is not known to be valid gets 429 (the
   * admin token and valid keys seen before still work); default 20, 0 = off.
   */
  readonly authFailuresPerMinute?: number
  /**
   * Origins whose pages may call the API from a browser: `'*'` (default) or a list.
   * An empty list registers no CORS handling (same-origin pages only).
   */
  readonly corsOrigins?: '*' | readonly string[]
  /** Redis for the shared rate-limit store, failed-authentication counts and API-key generation (default: in process). */
  readonly redis?: Redis
  /** Serve OpenAPI at /api/openapi.json and Swagger UI at /docs (default true). */
  readonly docs?: boolean
  /** Serve the HTML pages (/, the demo booking flow, cancel/reschedule pages; default true). */
  readonly pages?: boolean
  /** The clock (epoch ms); default `Date.now`. */
  readonly now?: () => number
  /**
   * Runs inside each booking transaction (create, cancel, reschedule); default:
   * enqueue the booking's e-mails, reminders and webhooks on `jobs`.
   */
  readonly onBookingEvent?: (trx: Db, event: BookingEvent) => Promise<void>
  /**
   * The started job queue (pg-boss): bookings enqueue their notifications on it,
   * and `GET /api/admin/jobs` lists its jobs. Without it nothing is enqueued.
   */
  readonly jobs?: JobQueue
  /** How long before the start each reminder is due; default 24 h and 1 h. */
  readonly reminderOffsets?: ReminderOffsets
  /** WEBHOOK_ALLOW_PRIVATE: accept loopback and private-network webhook URLs. */
  readonly webhookAllowPrivate?: boolean
  /** DNS of the webhook URL check; default node:dns. */
  readonly resolveHost?: ResolveHost
  /**
   * Called for every reply of an API route whose status (or error code) the
   * route's OpenAPI responses do not list: for tests and staging, to keep the
   * document honest. Default: replies are not checked.
   */
  readonly onUndocumentedReply?: (reply: UndocumentedReply) => void
  /**
   * Calendar integrations (providers, sealed tokens, sync); `buildApp` makes one
   * from config. Without it the integration routes answer 501 for every
   * provider and slots never wait for a sync.
   */
  readonly calendarSync?: CalendarSync
  readonly version?: string
}

/**
 * The whole Slotkit API as one encapsulated Fastify plugin, for embedding into an
 * existing app (`app.register(slotkitPlugin, {...})`). It sets its own error and
 * 404 handlers inside its scope. `buildApp` uses it too.
 */
export const slotkitPlugin: FastifyPluginAsyncTypebox<SlotkitPluginOptions> = async (
  app,
  options,
) => {
  installErrorHandling(app)
  const auth = createAuthenticator({
    db: options.db,
    adminTokenHash: options.adminTokenHash,
    redis: options.redis,
    failuresPerMinute: options.authFailuresPerMinute,
    log: app.log,
  })
  // Before any route, and before the error documentation: every route declares who
  // may call it (config.auth), which gives it its guard and its OpenAPI security,
  // and the security decides whether 401 is among its documented errors.
  await app.register(authPlugin, { authenticator: auth })
  // Before any route: each route's error responses are built from its declared
  // codes and the code → status table, and (in tests) its replies checked.
  documentErrorReplies(app, { onUndocumentedReply: options.onUndocumentedReply })
  // TypeBox validates: query, params and headers are converted ("30" → 30), bodies
  // never are (ajv's coercion would turn a checkbox answer `true` into "true").
  app.setValidatorCompiler(TypeBoxValidatorCompiler)
  // JSON only: a text/plain body is 415, not a string that fails validation.
  app.removeContentTypeParser('text/plain')
  const publicUrl =
    typeof options.publicUrl === 'function' ? options.publicUrl : () => options.publicUrl as string
  // <schedule-widget> dropped into any site calls this API from that site's origin.
  // No cookie or other ambient credential exists here (host keys travel in the
  // Authorization header, invitee tokens in the URL), so allowing every origin lets
  // a browser do only what a direct request could do anyway.
  const corsOrigins = options.corsOrigins ?? '*'
  if (corsOrigins === '*' || corsOrigins.length > 0) {
    await app.register(cors, {
      origin: corsOrigins === '*' ? '*' : [...corsOrigins],
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['content-type', 'authorization', 'idempotency-key'],
      exposedHeaders: [
        'retry-after',
        'x-ratelimit-limit',
        'x-ratelimit-remaining',
        'idempotent-replayed',
      ],
      credentials: false,
      maxAge: 600,
    })
  }
  const limit = options.rateLimitPerMinute ?? 0
  if (limit > 0) {
    await app.register(rateLimit, {
      global: false,
      ...(options.redis ? { redis: options.redis, nameSpace: rateLimitKeyPrefix() } : {}),
      // IPv6 clients by their /64: one subscriber holds a whole /64 (see rateLimitKey).
      keyGenerator: (request) => rateLimitKey(request.ip),
      // A Redis outage must not take the public endpoints down with it.
      skipOnError: true,
      errorResponseBuilder: (_request, context) => ({
        statusCode: 429,
        error: 'RATE_LIMITED',
        message: `Too many requests: at most ${context.max} per minute from one address; retry in ${Math.ceil(context.ttl / 1000)} s`,
      }),
    })
  }
  const now = options.now ?? Date.now
  const jobs = options.jobs
  const calendarSync =
    options.calendarSync ??
    new CalendarSync({
      db: options.db,
      cache: options.cache,
      log: app.log,
      now,
      providers: new Map(),
      box: undefined,
      publicUrl,
    })
  if (!options.calendarSync) calendarSync.attachQueue(jobs)
  const baseDeps: ServiceDeps = {
    db: options.db,
    cache: options.cache,
    now,
    secretKeys: toSecretKeys(options.secretKey),
    publicUrl,
    log: app.log,
    apiKeyCache: auth,
    calendars: calendarSync,
  }
  // Webhook payloads never carry the invitee's links.
  const toWire = (row: BookingRow) => toPublicBooking(row)
  const onBookingEvent =
    options.onBookingEvent ??
    (jobs
      ? createBookingEventHandler(jobs, { now, toWire, reminderOffsets: options.reminderOffsets })
      : undefined)
  // The same jobs, for new bookings written in one statement (ADR 0008); a custom
  // hook instead makes every booking take the locked path, inside a transaction.
  const bookingJobs: ServiceDeps['bookingJobs'] =
    jobs && !options.onBookingEvent
      ? {
          insert: bookingJobsInsert(jobs.schema),
          ready: () => jobs.running,
          created: (row, { webhooks, inviteeMail }) =>
            bookingCreatedJobs(
              { now: now(), reminderOffsets: options.reminderOffsets },
              row,
              webhooks ? toWire(row) : undefined,
              { inviteeMail },
            ),
        }
      : undefined
  const mailLimits = options.mailLimits
  const mailLimiter: MailLimiter | undefined =
    mailLimits &&
    (mailLimits.perRecipientPerHour > 0 || mailLimits.perClientPerHour > 0) &&
    onBookingEvent
      ? options.redis
        ? new RedisMailLimiter(options.redis, mailLimits, {
            onError: (error) =>
              app.log.warn({ err: error }, 'mail limit check failed; the e-mail is sent'),
          })
        : new MemoryMailLimiter(mailLimits, now)
      : undefined
  const ctx: RouteContext = {
    deps: {
      ...baseDeps,
      onBookingEvent,
      bookingJobs,
      mailLimiter,
      bookingWriter: new BookingWriter(options.db, { jobs: bookingJobs?.insert }),
      schedulingReader: new SchedulingReader(options.db),
    },
    publicRateLimit: limit > 0 ? { rateLimit: { max: limit, timeWindow: 60_000 } } : {},
    ready: async () => {
      try {
        await sql`SELECT 1`.execute(options.db)
        return true
      } catch {
        return false
      }
    },
  }
  if (options.docs ?? true) await registerDocs(app, options.version ?? '0.0.0')
  await app.register(healthRoutes(ctx))
  await app.register(usersRoutes(ctx))
  await app.register(meetingTypesRoutes(ctx))
  await app.register(slotsRoutes(ctx))
  await app.register(bookingsRoutes(ctx))
  await app.register(
    webhooksRoutes(ctx, {
      allowPrivate: options.webhookAllowPrivate ?? false,
      resolveHost: options.resolveHost,
    }),
  )
  await app.register(integrationsRoutes(ctx, calendarSync))
  if (jobs) await app.register(adminJobsRoutes(ctx, jobs))
  if (options.pages ?? true) await app.register(pagesRoutes(ctx))
}
