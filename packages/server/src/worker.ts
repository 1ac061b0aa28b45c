import { Redis } from 'ioredis'
import { MemorySlotCache, RedisSlotCache, type SlotCache } from './cache/slot-cache'
import { type Config, publicBaseUrl, redactUrl } from './config/config'
import { resolveSecretBox } from './config/encryption-key'
import { resolveSecretKey } from './config/secrets'
import { CalendarSync } from './integrations/calendar/calendar-sync'
import { createProviderRegistry } from './integrations/calendar/registry'
import type { JobLogger } from './jobs/notification-deps'
import { openDatabase } from './main'
import { type JobsRuntime, startJobs } from './plugins/jobs'

/** The settings of issue 4 (SMTP_URL, MAIL_FROM, WEBHOOK_ALLOW_PRIVATE). */
export interface NotificationConfig {
  readonly smtpUrl: string | undefined
  readonly mailFrom: string | undefined
  readonly webhookAllowPrivate: boolean
}

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const

/** JSON lines on stdout, like the server's pino output, from `level` up. */
export function createLineLogger(level: string): JobLogger {
  const min = (LEVELS as readonly string[]).indexOf(level)
  const write = (name: (typeof LEVELS)[number]) => (obj: object, msg: string) => {
    if (min < 0 || LEVELS.indexOf(name) < min) return
    const fields = Object.fromEntries(
      Object.entries(obj).map(([k, v]) =>
        v instanceof Error ? [k, { type: v.name, message: v.message, stack: v.stack }] : [k, v],
      ),
    )
    process.stdout.write(
      `${JSON.stringify({ level: 10 * (LEVELS.indexOf(name) + 1), time: Date.now(), name: 'slotkit-worker', ...fields, msg })}\n`,
    )
  }
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') }
}

/** A running `slotkit-server worker`. */
export interface RunningWorker {
  readonly jobs: JobsRuntime
  close(): Promise<void>
}

/**
 * `slotkit-server worker`: the job workers without the HTTP server, for
 * scale-out next to servers started with RUN_WORKERS=false. Needs DATABASE_URL:
 * the embedded database belongs to the server process (whose workers already
 * run inside it).
 */
export async function startWorker(
  config: Config & NotificationConfig,
  note: (message: string) => void = () => {},
): Promise<RunningWorker> {
  if (!config.databaseUrl) {
    throw new Error(
      'slotkit-server worker needs DATABASE_URL: the embedded PostgreSQL belongs to the server process, whose workers already run inside it',
    )
  }
  const { db, url } = await openDatabase(config, { note })
  let redis: Redis | undefined
  try {
    // The key the servers use too (SECRET_KEY, else the one in the database), so the
    // links in e-mails open on any of them.
    const secretKey = await resolveSecretKey(db, {
      secretKey: config.secretKey,
      dataDir: config.dataDir,
      log: note,
    })
    const log = createLineLogger(config.logLevel)
    // Syncs bump the hosts' slot-cache generations: in Redis, the servers see them.
    // (Without REDIS_URL each server caches in process and its replies may lag a
    // sync by up to 5 minutes; bookings are still checked against the database.)
    let cache: SlotCache = new MemorySlotCache()
    if (config.redisUrl) {
      const client = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 })
      client.on('error', (error) => log.warn({ err: error }, 'redis error'))
      await client.connect()
      redis = client
      cache = new RedisSlotCache(client)
    }
    const calendarSync = new CalendarSync({
      db,
      cache,
      log,
      now: Date.now,
      providers: createProviderRegistry(config, { now: Date.now }),
      box: await resolveSecretBox(config, { embedded: false }),
      publicUrl: () => publicBaseUrl(config),
    })
    const jobs = await startJobs({
      connectionString: url,
      dataDir: config.dataDir,
      smtpUrl: config.smtpUrl,
      mailFrom: config.mailFrom,
      allowPrivateWebhooks: config.webhookAllowPrivate,
      secretKey,
      publicUrl: () => publicBaseUrl(config),
      log,
      workers: true,
      calendarSync,
    })
    note(
      `worker running on ${redactUrl(url)}; e-mail via ${jobs.mailer.description}${config.publicUrl ? '' : ' (set PUBLIC_URL so links in e-mails point at your server)'}`,
    )
    return {
      jobs,
      async close() {
        await calendarSync.close()
        await jobs.close()
        await redis?.quit().catch(() => redis?.disconnect())
        await db.destroy()
      },
    }
  } catch (error) {
    await redis?.quit().catch(() => redis?.disconnect())
    await db.destroy()
    throw error
  }
}
