import { readFileSync } from 'node:fs'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { Redis } from 'ioredis'
import { MemorySlotCache, RedisSlotCache, type SlotCache } from './cache/slot-cache'
import { type Config, publicBaseUrl } from './config/config'
import { resolveSecrets } from './config/secrets'
import { createDb, type Db } from './db/database'
import { type SlotkitPluginOptions, slotkitPlugin } from './slotkit-plugin'

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
  /** Secret deriving invitee tokens; default: SECRET_KEY or DATA_DIR. */
  readonly secretKey?: string
  /** Clock (epoch ms); default `Date.now`. */
  readonly now?: () => number
  /** Runs inside each booking transaction (create, cancel, reschedule): enqueue jobs here. */
  readonly onBookingEvent?: SlotkitPluginOptions['onBookingEvent']
  /** Pino logger options or instance override; default from `config.logLevel`. */
  readonly logger?: FastifyServerOptions['logger']
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

/** Query-string tokens never reach the logs. */
function redactUrl(url: string): string {
  return url.replace(/([?&](?:token|api_key|key)=)[^&#]*/gi, '$1[REDACTED]')
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
    // Fastify accepts a hop count at run time; its types omit it.
    trustProxy: config.trustProxy as boolean | string[],
  }).withTypeProvider<TypeBoxTypeProvider>()

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
    const secrets = await resolveSecrets(config)
    adminTokenHash ??= secrets.adminTokenHash
    secretKey ??= secrets.secretKey
  }

  let listeningPort: number | undefined
  app.addHook('onListen', async () => {
    const address = app.server.address()
    if (address && typeof address === 'object') listeningPort = address.port
  })

  await app.register(slotkitPlugin, {
    db,
    cache,
    redis,
    adminTokenHash,
    secretKey,
    publicUrl: () => publicBaseUrl(config, listeningPort),
    rateLimitPerMinute: config.rateLimitPerMinute,
    now: deps.now,
    onBookingEvent: deps.onBookingEvent,
    version: packageVersion(),
  })
  return app
}
