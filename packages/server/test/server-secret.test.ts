import type { ChildProcess } from 'node:child_process'
import { randomBytes, randomUUID } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { simpleParser } from 'mailparser'
import pg from 'pg'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { defineConfig, loadConfig } from '../src/config/config'
import { LEGACY_SECRET_KEY_FILE, resolveSecretKey, resolveSecrets } from '../src/config/secrets'
import { createDb, type Db } from '../src/db/database'
import { ensureDatabase, freePort } from '../src/db/embedded-postgres'
import { migrateToLatest } from '../src/db/migrate'
import { bookingToken } from '../src/services/tokens'
import { bookFirstOpenSlot, type CliRun, runCli } from './helpers'

// Each test gets a database of its own: the key is one row per database, and these
// tests are about who creates it first.
const template = inject('databaseUrlTemplate')
const adminUrl = template.replace('__DB__', 'postgres')
const databases: string[] = []
const pools: Db[] = []
const folders: string[] = []
const children: ChildProcess[] = []

async function freshDatabase(): Promise<string> {
  const name = `slotkit_secret_${randomUUID().replaceAll('-', '').slice(0, 12)}`
  await ensureDatabase(adminUrl, name)
  databases.push(name)
  const url = template.replace('__DB__', name)
  const db = openDb(url)
  await migrateToLatest(db)
  return url
}

/** A pool of its own: one "process". */
function openDb(url: string): Db {
  const db = createDb({ connectionString: url, max: 2 })
  pools.push(db)
  return db
}

async function folder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'slotkit-secret-'))
  folders.push(dir)
  return dir
}

async function rows(db: Db) {
  return db.selectFrom('serverSecrets').selectAll().execute()
}

/** A key as the versions before migration 0004 wrote it to DATA_DIR/secret-key. */
function legacyKey(): string {
  return randomBytes(32).toString('base64url')
}

afterAll(async () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      await new Promise((r) => child.once('exit', r))
    }
  }
  await Promise.all(pools.map((db) => db.destroy()))
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    for (const name of databases)
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
  } finally {
    await client.end()
  }
  await Promise.all(folders.map((dir) => rm(dir, { recursive: true, force: true })))
}, 60_000)

describe('resolveSecretKey', () => {
  it('gives processes with different DATA_DIRs the same generated key, kept in the database only', async () => {
    const url = await freshDatabase()
    const [dirA, dirB] = [await folder(), await folder()]
    const first = await resolveSecretKey(openDb(url), { dataDir: dirA })
    const second = await resolveSecretKey(openDb(url), { dataDir: dirB })
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/) // 32 random bytes, base64url
    expect(second).toBe(first)
    expect(await rows(openDb(url))).toEqual([
      { name: 'booking-token', value: first, createdAt: expect.any(Date) },
    ])
    // Nothing in DATA_DIR any more.
    expect(await readdir(dirA)).toEqual([])
    expect(await readdir(dirB)).toEqual([])

    // The start path (resolveSecrets with the migrated db) and buildApp's fallback
    // (resolveSecrets with only config.databaseUrl) agree with it.
    const config = (dataDir: string) =>
      defineConfig({ databaseUrl: url, dataDir, adminToken: 'admin-token-0123456789' })
    expect((await resolveSecrets(config(dirA), { db: openDb(url) })).secretKey).toBe(first)
    expect(await resolveSecrets(config(await folder()))).toMatchObject({ secretKey: first })
    expect(await readdir(dirA)).toEqual([])
  })

  it('lets concurrent first resolutions agree on one key', async () => {
    const url = await freshDatabase()
    const processes = await Promise.all(
      Array.from({ length: 8 }, async () => ({ db: openDb(url), dataDir: await folder() })),
    )
    const keys = await Promise.all(
      processes.map(({ db, dataDir }) => resolveSecretKey(db, { dataDir })),
    )
    expect(new Set(keys).size).toBe(1)
    expect(await rows(processes[0]!.db)).toHaveLength(1)
  })

  it('uses SECRET_KEY when set, and leaves the database alone', async () => {
    const url = await freshDatabase()
    const db = openDb(url)
    const dataDir = await folder()
    await writeFile(join(dataDir, LEGACY_SECRET_KEY_FILE), `${legacyKey()}\n`)
    const fromEnv = 'env-secret-key-0123456789-0123456789'
    expect(await resolveSecretKey(db, { secretKey: fromEnv, dataDir })).toBe(fromEnv)
    expect(await rows(db)).toEqual([])

    // Also once the database has a generated key, and through the config.
    const generated = await resolveSecretKey(db)
    expect(generated).not.toBe(fromEnv)
    const config = loadConfig({
      SECRET_KEY: fromEnv,
      ADMIN_TOKEN: 'admin-token-0123456789',
      DATA_DIR: dataDir,
    })
    expect((await resolveSecrets(config, { db })).secretKey).toBe(fromEnv)
    expect(await rows(db)).toEqual([expect.objectContaining({ value: generated })])
  })

  it('moves the key an older version left in DATA_DIR into the database, and says so once', async () => {
    const url = await freshDatabase()
    const old = legacyKey()
    const dirA = await folder()
    await writeFile(join(dirA, LEGACY_SECRET_KEY_FILE), `${old}\n`, { mode: 0o600 })
    const said: string[] = []
    const log = (message: string) => said.push(message)

    expect(await resolveSecretKey(openDb(url), { dataDir: dirA, log })).toBe(old)
    expect(said).toHaveLength(1)
    expect(said[0]).toContain('moved')
    expect(said[0]).toContain(join(dirA, LEGACY_SECRET_KEY_FILE))
    // Restarts, and processes with other DATA_DIRs, use it without another word.
    expect(await resolveSecretKey(openDb(url), { dataDir: dirA, log })).toBe(old)
    expect(await resolveSecretKey(openDb(url), { dataDir: await folder(), log })).toBe(old)
    expect(said).toHaveLength(1)
    // A link sent before the upgrade still verifies: the token is derived from the same key.
    expect(bookingToken(await resolveSecretKey(openDb(url)), 'b-1')).toBe(bookingToken(old, 'b-1'))
    for (const message of said) expect(message).not.toContain(old)
  })

  it('ignores a DATA_DIR key when the database already has another, and says so without either key', async () => {
    const url = await freshDatabase()
    const db = openDb(url)
    const shared = await resolveSecretKey(db, { dataDir: await folder() })
    const other = legacyKey()
    const dir = await folder()
    await writeFile(join(dir, LEGACY_SECRET_KEY_FILE), `${other}\n`)
    const said: string[] = []
    expect(await resolveSecretKey(openDb(url), { dataDir: dir, log: (m) => said.push(m) })).toBe(
      shared,
    )
    expect(said).toHaveLength(1)
    expect(said[0]).toMatch(/ignoring .*secret-key/)
    expect(said[0]).not.toContain(shared)
    expect(said[0]).not.toContain(other)
    expect(await rows(db)).toEqual([expect.objectContaining({ value: shared })])
  })
})

/** The CLI with no secrets from this environment: each test sets what it needs. */
function cli(args: string[], env: Record<string, string>): CliRun {
  return runCli(args, { SECRET_KEY: '', ADMIN_TOKEN: '', ...env }, children)
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined) {
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    const found = await probe()
    if (found !== undefined) return found
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`timed out waiting for ${what}`)
}

describe('a server and a separate worker on one database', () => {
  it('build the same invitee links from the key an older version left in the server DATA_DIR, and never print it', async () => {
    const databaseUrl = await freshDatabase()
    const old = legacyKey()
    const serverData = await folder()
    const workerData = await folder()
    await writeFile(join(serverData, LEGACY_SECRET_KEY_FILE), `${old}\n`, { mode: 0o600 })
    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    const common = { DATABASE_URL: databaseUrl, PUBLIC_URL: url, LOG_LEVEL: 'debug' }

    const server = cli(['start'], {
      ...common,
      DATA_DIR: serverData,
      PORT: String(port),
      RUN_WORKERS: 'false',
      RATE_LIMIT_PER_MINUTE: '0',
    })
    await waitFor('the server', () => (server.output().includes('listening on') ? true : undefined))
    expect(server.output()).toMatch(/moved the secret key of \S+secret-key into the database/)
    const worker = cli(['worker'], { ...common, DATA_DIR: workerData })
    await waitFor('the worker', () =>
      worker.output().includes('worker running') ? true : undefined,
    )

    // Book the demo host's first open slot of the next two weeks.
    const home = await fetch(`${url}/`).then((r) => r.text())
    const meetingTypeId = /href="\/book\/([0-9a-f-]{36})"/.exec(home)?.[1]
    expect(meetingTypeId).toBeDefined()
    const created = await bookFirstOpenSlot(url, meetingTypeId!, {
      name: 'Ada',
      email: 'ada@example.com',
    })
    expect(created.status).toBe(201)
    const booking = (await created.json()) as { id: string; cancel_url: string }
    const serverToken = new URL(booking.cancel_url).searchParams.get('token')
    expect(serverToken).toBe(bookingToken(old, booking.id))

    // The worker (another DATA_DIR, no key file) sends the confirmation with the same link.
    const outbox = join(workerData, 'outbox')
    const linkInEmail = await waitFor('the confirmation e-mail', async () => {
      const files = await readdir(outbox).catch(() => [] as string[])
      for (const file of files.filter((f) => f.endsWith('.eml'))) {
        const mail = await simpleParser(await readFile(join(outbox, file)))
        const link = new RegExp(`${url}/bookings/${booking.id}/cancel\\?token=[\\w-]+`).exec(
          mail.text ?? '',
        )
        if (link) return link[0]
      }
      return undefined
    })
    expect(linkInEmail).toBe(booking.cancel_url)
    const opened = await fetch(
      `${url}/api/bookings/${booking.id}?token=${new URL(linkInEmail).searchParams.get('token')}`,
    )
    expect(opened.status).toBe(200)

    expect(await readdir(workerData)).not.toContain(LEGACY_SECRET_KEY_FILE)
    for (const run of [server, worker]) {
      run.child.kill('SIGTERM')
      expect(await run.exited).toBe(0)
      expect(run.output()).not.toContain(old)
    }
  }, 150_000)
})
