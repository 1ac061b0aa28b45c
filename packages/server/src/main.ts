import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { buildApp, loggerOptions } from './app'
import { type Config, ConfigError, loadConfig, publicBaseUrl, redactUrl } from './config/config'
import { secureDataDir } from './config/data-dir'
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

/** Options of {@link startServer}. */
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
  // The embedded PostgreSQL's start does this itself (it knows the postgres user's needs).
  if (config.databaseUrl) await secureDataDir(config.dataDir)
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
      {
        db,
        adminTokenHash: secrets.adminTokenHash,
        secretKey: secrets.secretKey,
        secretBox,
        // Logs go through process.stdout rather than pino's own writer: once the terminal
        // is closed every write fails with EIO, and pino's writer retries a failed write
        // forever when the process exits (the server stopped but never ended), while
        // process.stdout reports the error once (stopOnSignals ignores it).
        logger: { ...(loggerOptions(config.logLevel) as object), stream: process.stdout },
      },
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
      // Fastify closes the keep-alive connections that are idle when it starts closing; one
      // whose request is still running becomes idle later and would hold the shutdown open
      // until its keep-alive timeout (72 s), so close those as they go idle.
      const closeIdle = setInterval(() => app.server.closeIdleConnections(), 250)
      try {
        await app.close()
      } finally {
        clearInterval(closeIdle)
      }
      await db.destroy()
      await embedded?.stop()
    })()
    return closing
  }
  return { app, url, config, close }
}

/**
 * The signals that ask a Slotkit process to stop. SIGHUP is one: it arrives when the
 * terminal the process runs in is closed, and its default action would kill Node at once,
 * leaving the embedded PostgreSQL (in a process group of its own) running.
 */
const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP']

/**
 * How long after a first stop signal further ones count as copies of that same request.
 * A signal sent to the process group of `npm start` (`kill -- -PGID`, systemd's default
 * KillMode, test harnesses, a closed terminal) reaches npm, its shell, scripts/start.mjs
 * and the server, and npm and start.mjs pass it on: the server sees two or three copies
 * within milliseconds. Only a request made later (someone pressing Ctrl+C again) forces.
 */
export const SAME_STOP_REQUEST_MS = 2_000

/** What {@link stopOnSignals} says while stopping. */
export interface StopMessages {
  /** After the signal's name, e.g. "finishing in-flight requests, then stopping". */
  readonly stopping: string
  /** Before the error, e.g. "shutdown failed". */
  readonly failed: string
}

/**
 * Calls `stop` on the first SIGTERM, SIGINT or SIGHUP, then exits (1 when `stop` fails).
 * Stop signals within {@link SAME_STOP_REQUEST_MS} of the first are the same request and
 * ignored; a later one exits 1 at once. Even then the embedded PostgreSQL is not left
 * behind: its exit hook sends it an immediate-mode stop (see `startEmbeddedPostgres`).
 * Errors writing to stdout and stderr are ignored from here on: once the terminal is closed
 * every write fails (EIO on a terminal, EPIPE on a pipe), and an unhandled stream error
 * would crash the shutdown half-way.
 */
export function stopOnSignals(stop: () => Promise<void>, messages: StopMessages): void {
  process.stdout.on('error', () => {})
  process.stderr.on('error', () => {})
  let firstAt: number | undefined
  const onSignal = (signal: NodeJS.Signals) => {
    // Monotonic: a wall-clock step must not turn a copy into a second request.
    const now = performance.now()
    if (firstAt !== undefined) {
      if (now - firstAt < SAME_STOP_REQUEST_MS) return
      say(`${signal} again: exiting now`)
      process.exit(1)
    }
    firstAt = now
    say(`${signal}: ${messages.stopping}`)
    stop().then(
      // process.exitCode when a command set one (create-user on bad input), else 0.
      () => process.exit(),
      (error: unknown) => {
        process.stderr.write(`[slotkit] ${messages.failed}: ${String(error)}\n`)
        process.exit(1)
      },
    )
  }
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal)
}

/**
 * Runs the server `starting` resolves to until a stop signal (SIGTERM, SIGINT, SIGHUP), then
 * shuts it down gracefully; see {@link stopOnSignals} for copies of one signal and a second
 * request. Signals are handled from the first moment: one that arrives while the server is
 * still starting (PostgreSQL up, migrations running) stops it as soon as it has started,
 * instead of killing Node and leaving PostgreSQL running.
 */
export async function runUntilSignal(starting: Promise<RunningServer>): Promise<void> {
  stopOnSignals(async () => (await starting).close(), {
    stopping: 'finishing in-flight requests, then stopping',
    failed: 'shutdown failed',
  })
  await starting
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
