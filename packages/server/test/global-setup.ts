import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { createDb } from '../src/db/database'
import { ensureDatabase, freePort, startEmbeddedPostgres } from '../src/db/embedded-postgres'
import { migrateToLatest } from '../src/db/migrate'
import { createTestTls, writeCaBundle } from './fakes/test-ca'
import { findRadicale, type RadicaleServer, startRadicale } from './radicale'

declare module 'vitest' {
  export interface ProvidedContext {
    /** The migrated test database. */
    databaseUrl: string
    /** Builds a URL to another (new) database on the same server. */
    databaseUrlTemplate: string
    /** A running redis-server, or '' when none is available (never under CI). */
    redisUrl: string
    /**
     * The certificate and key the HTTPS fakes serve (test/fakes/test-ca.ts), signed by
     * a CA this run made; `caBundle` is the NODE_EXTRA_CA_CERTS the workers started with.
     */
    testTls: { cert: string; key: string; ca: string; caBundle: string }
    /** A running Radicale (CalDAV), or '' when none is available (never under CI). */
    radicaleUrl: string
    /** Its htpasswd file (plain): tests append their own users. */
    radicaleUsers: string
  }
}

function findRedisServer(): string | undefined {
  try {
    return (
      execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim() ||
      undefined
    )
  } catch {
    return undefined
  }
}

async function startRedis(): Promise<{ url: string; process: ChildProcess } | undefined> {
  const binary = findRedisServer()
  if (!binary) {
    if (process.env.CI)
      throw new Error(
        'redis-server is required under CI (apt-get install -y --no-install-recommends redis-server)',
      )
    process.stderr.write(
      '[server tests] redis-server not found: the Redis tests are skipped (install redis-server)\n',
    )
    return undefined
  }
  const port = await freePort()
  const child = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('redis-server did not start')), 10_000)
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Ready to accept connections')) {
        clearTimeout(timer)
        resolve()
      }
    })
    child.on('exit', (code) => reject(new Error(`redis-server exited with ${code}`)))
  })
  return { url: `redis://127.0.0.1:${port}`, process: child }
}

async function startRadicaleIfInstalled(): Promise<RadicaleServer | undefined> {
  const binary = findRadicale()
  if (!binary) {
    if (process.env.CI)
      throw new Error(
        'radicale is required under CI (apt-get install -y --no-install-recommends radicale)',
      )
    process.stderr.write(
      '[server tests] radicale not found: the CalDAV tests are skipped (install radicale)\n',
    )
    return undefined
  }
  return startRadicale(binary)
}

export default async function setup(project: TestProject) {
  let stopPostgres = async () => {}
  let databaseUrl = process.env.DATABASE_URL
  let template: string
  if (databaseUrl) {
    const url = new URL(databaseUrl)
    url.pathname = '/__DB__'
    template = url.toString()
  } else {
    const dataDir = await mkdtemp(join(tmpdir(), 'slotkit-test-'))
    // Traversable by the "postgres" user when the tests run as root.
    await chmod(dataDir, 0o711)
    const pg = await startEmbeddedPostgres({ dataDir, unsafeFast: true })
    databaseUrl = pg.url
    template = pg.urlFor('__DB__')
    stopPostgres = async () => {
      await pg.stop()
      const relocated = await readFile(join(dataDir, 'postgres-location'), 'utf8').catch(() => '')
      if (relocated.trim()) await rm(relocated.trim(), { recursive: true, force: true })
      await rm(dataDir, { recursive: true, force: true })
    }
  }
  await ensureDatabase(
    template.replace('__DB__', 'postgres'),
    new URL(databaseUrl).pathname.slice(1),
  )
  const db = createDb({ connectionString: databaseUrl })
  await migrateToLatest(db)
  await db.destroy()

  const redis = await startRedis()

  // The Graph client sends its bearer token over https only, so the Microsoft fake is
  // https with a CA made now. NODE_EXTRA_CA_CERTS is read when a Node process starts:
  // the test workers are forked after this setup with this environment (vitest passes
  // process.env on), so they trust the CA, as does a server a test starts as a child.
  const tlsDir = await mkdtemp(join(tmpdir(), 'slotkit-test-ca-'))
  const tls = createTestTls(tlsDir)
  const previousCaCerts = process.env.NODE_EXTRA_CA_CERTS
  const caBundle = writeCaBundle(tlsDir, tls, previousCaCerts)
  process.env.NODE_EXTRA_CA_CERTS = caBundle
  const radicale = await startRadicaleIfInstalled()

  project.provide('databaseUrl', databaseUrl)
  project.provide('databaseUrlTemplate', template)
  project.provide('redisUrl', redis?.url ?? '')
  project.provide('testTls', { cert: tls.cert, key: tls.key, ca: tls.ca, caBundle })
  project.provide('radicaleUrl', radicale?.url ?? '')
  project.provide('radicaleUsers', radicale?.usersFile ?? '')

  return async () => {
    if (previousCaCerts === undefined) delete process.env.NODE_EXTRA_CA_CERTS
    else process.env.NODE_EXTRA_CA_CERTS = previousCaCerts
    await rm(tlsDir, { recursive: true, force: true })
    redis?.process.kill('SIGTERM')
    await radicale?.stop()
    await stopPostgres()
  }
}
