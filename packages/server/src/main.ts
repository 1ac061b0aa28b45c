import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { buildApp } from './app'
import { type Config, ConfigError, loadConfig, publicBaseUrl, redactUrl } from './config/config'
import { resolveSecretBox } from './config/encryption-key'
import { resolveSecrets } from './config/secrets'
import { createDb, type Db } from './db/database'
import {
  type EmbeddedPostgres,
  EmbeddedPostgresError,
  startEmbeddedPostgres,
} from './db/embedded-postgres'
import { migrateToLatest } from './db/migrate'
import { seedDemo } from './db/seed-demo'

/** A started server. */
export interface RunningServer {
  readonly app: FastifyInstance
  /** The URL it listens on (PUBLIC_URL when set). */
  readonly url: string
  readonly config: Config
  /** Graceful stop: no new connections, in-flight requests finish, pools close, embedded PostgreSQL stops. */
  close(): Promise<void>
}

export interface StartOptions {
  /** Print the start banner (URL, generated admin token) to stdout; default true. */
  readonly banner?: boolean
  /** Embedded PostgreSQL without fsync (tests, benchmarks). */
  readonly unsafeFastDatabase?: boolean
}

function say(message: string): void {
  process.stdout.write(`[slotkit] ${message}\n`)
}

/** Opens the database: `config.databaseUrl`, or embedded PostgreSQL in DATA_DIR. Migrates it. */
export async function openDatabase(
  config: Config,
  options: { note?: (m: string) => void; unsafeFast?: boolean } = {},
): Promise<{ db: Db; url: string; embedded?: EmbeddedPostgres }> {
  let embedded: EmbeddedPostgres | undefined
  let url = config.databaseUrl
  if (!url) {
    embedded = await startEmbeddedPostgres({
      dataDir: config.dataDir,
      onNote: options.note,
      unsafeFast: options.unsafeFast,
    })
    url = embedded.url
    options.note?.(
      `embedded PostgreSQL on 127.0.0.1:${embedded.port} (data in ${embedded.clusterDir})`,
    )
  } else {
    options.note?.(`database ${redactUrl(url)}`)
  }
  const db = createDb({ connectionString: url })
  try {
    await migrateToLatest(db)
  } catch (error) {
    await db.destroy()
    await embedded?.stop()
    throw error
  }
  return { db, url, embedded }
}

/**
 * Starts the server the way `slotkit-server start` does: embedded defaults,
 * migrations, demo data on an empty database, listen, signal handling.
 */
export async function startServer(
  config: Config = loadConfig(),
  options: StartOptions = {},
): Promise<RunningServer> {
  const banner = options.banner ?? true
  const note = banner ? say : () => {}
  const {
    db,
    url: databaseUrl,
    embedded,
  } = await openDatabase(config, { note, unsafeFast: options.unsafeFastDatabase })
  let app: FastifyInstance
  try {
    if (config.seedDemo && (await seedDemo(db)))
      note(
        'empty database: created a demo host with 15/30/60-minute meeting types (Mon–Fri 09:00–17:00, America/New_York)',
      )
    // After the migrations: a generated secret key lives in the database, shared by
    // every process on it (SECRET_KEY overrides it).
    const secrets = await resolveSecrets(config, { db, log: note })
    // The embedded database gets a generated key file in DATA_DIR (outside the
    // database); with DATABASE_URL only ENCRYPTION_KEY will do.
    const secretBox = await resolveSecretBox(config, {
      embedded: embedded !== undefined,
      log: note,
    })
    app = await buildApp(
      { ...config, databaseUrl },
      { db, adminTokenHash: secrets.adminTokenHash, secretKey: secrets.secretKey, secretBox },
    )
    await app.listen({ port: config.port, host: config.host })
    if (secrets.generatedAdminToken && banner) {
      // Shown once, like a development server's access token; only its hash is kept.
      say(
        `admin token (shown once, keep it; delete ${config.dataDir}/admin-token.sha256 to get a new one):`,
      )
      say(`  ${secrets.generatedAdminToken}`)
    }
  } catch (error) {
    await db.destroy()
    await embedded?.stop()
    throw error
  }
  const address = app.server.address()
  const port = address && typeof address === 'object' ? address.port : config.port
  const url = publicBaseUrl(config, port)
  note(`listening on ${url}  (API docs: ${url}/docs)`)
  note(
    config.runWorkers
      ? `job workers running; e-mail ${config.smtpUrl ? `via ${redactUrl(config.smtpUrl)}` : `written to ${join(config.dataDir, 'outbox')} (set SMTP_URL to send)`}`
      : 'RUN_WORKERS=false: jobs are queued for `slotkit-server worker` processes',
  )

  let closing: Promise<void> | undefined
  const close = () => {
    closing ??= (async () => {
      await app.close()
      await db.destroy()
      await embedded?.stop()
    })()
    return closing
  }
  return { app, url, config, close }
}

/** Runs until SIGTERM/SIGINT, then shuts down gracefully (a second signal forces exit). */
export async function runUntilSignal(server: RunningServer): Promise<void> {
  let signalled = false
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      say(`${signal} again: exiting now`)
      process.exit(1)
    }
    signalled = true
    say(`${signal}: finishing in-flight requests, then stopping`)
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`[slotkit] shutdown failed: ${String(error)}\n`)
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', onSignal)
  process.on('SIGINT', onSignal)
}

/** Prints a start-up failure the way a user can act on it, and exits 1. */
export function exitWithStartupError(error: unknown): never {
  if (error instanceof ConfigError) {
    process.stderr.write(`[slotkit] configuration error: ${error.message}\n`)
  } else if (error instanceof EmbeddedPostgresError) {
    process.stderr.write(`[slotkit] cannot start the embedded PostgreSQL: ${error.message}\n`)
  } else if ((error as NodeJS.ErrnoException)?.code === 'EADDRINUSE') {
    process.stderr.write(
      `[slotkit] ${(error as Error).message}: the port is taken; set PORT to another one\n`,
    )
  } else {
    process.stderr.write(
      `[slotkit] start-up failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    )
  }
  process.exit(1)
}
