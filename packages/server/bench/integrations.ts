// Calendar integration benchmark (issues 12 and 13): the real Google client libraries against
// the local fake Google (test/fakes/google-fake.ts) and the real Microsoft Graph client against
// the local fake Microsoft (test/fakes/graph-fake.ts, HTTPS with a CA made at start and trusted
// through NODE_EXTRA_CA_CERTS: the script re-runs itself with it), on an embedded PostgreSQL.
// Prints these tables:
//   1. initial sync of one calendar with 5,000 events (after expansion), Google and Microsoft
//      (calendarView/delta, 200 a page): seconds, rows/s;
//   2. one incremental change: the provider's push notification → the slot is gone, p50/p99;
//   3. slots p99 of 1,000 hosts without busy times, with a Google integration and 200 synced
//      busy events each, with a Microsoft integration and the same, and with the same events
//      written directly, cached and uncached (the server as a child process, dist/cli.js).
// Run: npm run bench:integrations -w @slotkit/server (node --import tsx; part 3 runs dist/cli.js)
// Knobs (env): BENCH_DURATION=10 (s per load step) BENCH_HOSTS=1000 BENCH_EVENTS=5000
//   BENCH_CHANGES=40 (notifications measured) BENCH_ONLY=initial,push,slots
//   BENCH_PROVIDERS=google,microsoft
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { buildApp, createDb, type Db, defineConfig, migrateToLatest } from '../src/index'
import { createSecretBox, startEmbeddedPostgres } from '../src/internal'
import { type GoogleFake, startGoogleFake } from '../test/fakes/google-fake'
import { type GraphFake, startGraphFake } from '../test/fakes/graph-fake'
import { createTestTls, writeCaBundle } from '../test/fakes/test-ca'
import {
  ADMIN,
  api,
  createHost,
  DAY,
  type Host,
  isoDate,
  log,
  measureSlots as measureSlotsFor,
  nextMonday,
  percentile,
  pool,
} from './kit'

const here = dirname(fileURLToPath(import.meta.url))
const DURATION = Number(process.env.BENCH_DURATION ?? 10)
const HOSTS = Number(process.env.BENCH_HOSTS ?? 1000)
const EVENTS = Number(process.env.BENCH_EVENTS ?? 5000)
const CHANGES = Number(process.env.BENCH_CHANGES ?? 40)
const BUSY_PER_HOST = 200
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : undefined
const want = (name: string) => !ONLY || ONLY.has(name)
const PROVIDERS = new Set((process.env.BENCH_PROVIDERS ?? 'google,microsoft').split(','))
const KEY = randomBytes(32)

function googleEnv(fake: GoogleFake): Record<string, string> {
  return {
    GOOGLE_CLIENT_ID: fake.clientId,
    GOOGLE_CLIENT_SECRET: fake.clientSecret,
    GOOGLE_OAUTH_AUTHORIZE_URL: fake.urls.authorize,
    GOOGLE_OAUTH_TOKEN_URL: fake.urls.token,
    GOOGLE_OAUTH_REVOKE_URL: fake.urls.revoke,
    GOOGLE_API_URL: fake.urls.api,
  }
}

function microsoftEnv(graph: GraphFake): Record<string, string> {
  return {
    MICROSOFT_CLIENT_ID: graph.clientId,
    MICROSOFT_CLIENT_SECRET: graph.clientSecret,
    MICROSOFT_LOGIN_URL: graph.url,
    MICROSOFT_GRAPH_URL: graph.url,
  }
}

/** What the scenarios need of a provider's fake: accounts, events, and the connect route. */
interface BenchProvider {
  readonly id: 'google' | 'microsoft'
  /** Creates an account; answers the id of its main calendar. */
  addAccount(account: string): string
  addEvent(account: string, calendarId: string, startMs: number, endMs: number): void
  /** A daily series of `count` occurrences, stored expanded. */
  addSeries(
    account: string,
    calendarId: string,
    series: number,
    startMs: number,
    minutes: number,
    count: number,
  ): void
}

function googleBench(fake: GoogleFake): BenchProvider {
  return {
    id: 'google',
    addAccount(account) {
      fake.addAccount(account)
      return account
    },
    addEvent(account, calendarId, startMs, endMs) {
      fake.upsertEvent(account, calendarId, {
        start: { dateTime: new Date(startMs).toISOString() },
        end: { dateTime: new Date(endMs).toISOString() },
      })
    },
    addSeries(account, calendarId, series, startMs, minutes, count) {
      fake.addRecurringEvent(account, calendarId, {
        id: `series${series}`,
        start: new Date(startMs).toISOString(),
        durationMinutes: minutes,
        count,
      })
    },
  }
}

function microsoftBench(graph: GraphFake): BenchProvider {
  return {
    id: 'microsoft',
    addAccount: (account) => graph.addAccount(account).calendarId,
    addEvent(account, calendarId, startMs, endMs) {
      graph.upsertEvent(account, calendarId, {
        start: new Date(startMs).toISOString(),
        end: new Date(endMs).toISOString(),
      })
    },
    addSeries(account, calendarId, _series, startMs, minutes, count) {
      graph.addRecurringEvent(account, calendarId, {
        start: new Date(startMs).toISOString(),
        durationMinutes: minutes,
        count,
      })
    },
  }
}

/**
 * Connects `account` to `host` as a browser would: authorize, the fake's consent page (the
 * account chosen by login_hint, so connects can run in parallel), the callback.
 */
async function connect(
  url: string,
  host: Host,
  account: string,
  provider: BenchProvider['id'] = 'google',
): Promise<string> {
  const { authorization_url } = await api(
    url,
    'POST',
    `/api/integrations/${provider}/authorize`,
    {},
    host.key,
  )
  const page = new URL(authorization_url as string)
  page.searchParams.set('login_hint', account)
  const consent = await fetch(page, { redirect: 'manual' })
  const back = new URL(consent.headers.get('location')!)
  const done = await fetch(`${url}${back.pathname}${back.search}`, { redirect: 'manual' })
  if (done.status !== 200) throw new Error(`callback: ${done.status} ${await done.text()}`)
  const list = await api(url, 'GET', '/api/integrations', undefined, host.key)
  return (list.integrations as { id: string }[])[0]!.id
}

/** An in-process app (the server's code) with push allowed to its own http address. */
async function inProcessApp(
  databaseUrl: string,
  fake: GoogleFake,
  graph: GraphFake,
  dataDir: string,
): Promise<FastifyInstance> {
  const config = defineConfig({
    databaseUrl,
    dataDir,
    host: '127.0.0.1',
    port: 0,
    logLevel: 'warn',
    rateLimitPerMinute: 0,
    adminToken: ADMIN,
    publicUrl: undefined,
    googleClientId: fake.clientId,
    googleClientSecret: fake.clientSecret,
    googleOauthAuthorizeUrl: fake.urls.authorize,
    googleOauthTokenUrl: fake.urls.token,
    googleOauthRevokeUrl: fake.urls.revoke,
    googleApiUrl: fake.urls.api,
    microsoftClientId: graph.clientId,
    microsoftClientSecret: graph.clientSecret,
    microsoftLoginUrl: graph.url,
    microsoftGraphUrl: graph.url,
  })
  const app = await buildApp(config, {
    secretBox: createSecretBox(KEY),
    calendars: { pushAllowed: () => true },
    jobs: { workers: true, schedules: false, queue: { schema: 'pgboss_bench' } },
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  return app
}

function urlOf(app: FastifyInstance): string {
  return `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
}

async function slotsOf(url: string, mt: string, date: string): Promise<string[]> {
  const res = await fetch(
    `${url}/api/availability/slots?meeting_type_id=${mt}&date=${date}&timezone=UTC`,
  )
  const json = (await res.json()) as { slots: { start: string }[] }
  return json.slots.map((s) => s.start)
}

/** 1. One calendar of `EVENTS` events: a fifth single events, the rest daily series, expanded. */
async function benchInitialSync(url: string, provider: BenchProvider, runs = 3) {
  const rows = []
  for (let run = 0; run < runs; run++) {
    const account = `initial${run}-${provider.id}-${Date.now()}@bench.test`
    const calendarId = provider.addAccount(account)
    const start = nextMonday()
    const singles = Math.floor(EVENTS / 5)
    for (let i = 0; i < singles; i++) {
      const at = start + (i % 100) * DAY + (9 + (i % 8)) * 3_600_000 + Math.floor(i / 800) * 900_000
      provider.addEvent(account, calendarId, at, at + 1_800_000)
    }
    const series = Math.ceil((EVENTS - singles) / 80)
    for (let s = 0; s < series; s++) {
      provider.addSeries(
        account,
        calendarId,
        s,
        start + s * 60_000 + 7 * 3_600_000,
        15,
        Math.min(80, EVENTS - singles - s * 80),
      )
    }
    // Its meeting type books 120 days ahead: the whole calendar is in the sync window.
    const host = await createHost(url, (provider.id === 'google' ? 100_000 : 150_000) + run)
    const id = await connect(url, host, account, provider.id)
    // The connect queued a first sync; wait for it, then time a full one on its own.
    await waitSynced(url, host, id)
    await resetCursor(id)
    const t0 = performance.now()
    const result = await api(url, 'POST', `/api/integrations/${id}/sync`, undefined, host.key)
    const seconds = (performance.now() - t0) / 1000
    const stored = await countRows(id)
    rows.push({
      scenario: `initial sync, ${EVENTS} events (${provider.id})`,
      status: result.status,
      'rows written': result.changes,
      'rows stored': stored,
      seconds: +seconds.toFixed(2),
      'rows/s': Math.round(stored / seconds),
    })
    log(JSON.stringify(rows.at(-1)))
  }
  return rows
}

let benchDb: Db
async function waitSynced(url: string, host: Host, id: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const list = await api(url, 'GET', '/api/integrations', undefined, host.key)
    const integration = (list.integrations as { id: string; last_synced_at: string | null }[]).find(
      (x) => x.id === id,
    )
    if (integration?.last_synced_at) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error('the first sync did not finish')
}
async function resetCursor(id: string): Promise<void> {
  await sql`DELETE FROM external_busy WHERE integration_id = ${id}`.execute(benchDb)
  await sql`UPDATE integration_calendars SET sync_cursor = NULL WHERE integration_id = ${id}`.execute(
    benchDb,
  )
}
async function countRows(id: string): Promise<number> {
  const { rows } = await sql<{
    n: number
  }>`SELECT count(*)::int AS n FROM external_busy WHERE integration_id = ${id}`.execute(benchDb)
  return rows[0]!.n
}

/** 2. A change at the provider → its notification → the sync job → the slot is gone. */
async function benchPush(url: string, provider: BenchProvider) {
  const account = `push-${provider.id}-${Date.now()}@bench.test`
  const calendarId = provider.addAccount(account)
  const host = await createHost(url, provider.id === 'google' ? 200_000 : 250_000)
  const id = await connect(url, host, account, provider.id)
  await waitSynced(url, host, id)
  for (let i = 0; i < 200; i++) {
    const { rows } = await sql<{
      c: string | null
    }>`SELECT channel_id AS c FROM integration_calendars WHERE integration_id = ${id} AND is_primary`.execute(
      benchDb,
    )
    if (rows[0]?.c) break
    await new Promise((r) => setTimeout(r, 50))
  }
  const monday = nextMonday()
  const latencies: number[] = []
  for (let i = 0; i < CHANGES; i++) {
    const date = isoDate(monday + (Math.floor(i / 16) * 7 + (i % 5)) * DAY)
    const slot = `${date}T${String(9 + ((i * 3) % 8)).padStart(2, '0')}:${i % 2 ? '30' : '00'}:00+00:00`
    const before = await slotsOf(url, host.meetingTypeId, date)
    if (!before.includes(slot)) continue
    const startMs = Date.parse(slot)
    const t0 = performance.now()
    // The fake sends the notification as soon as the event is stored.
    provider.addEvent(account, calendarId, startMs, startMs + 1_800_000)
    for (;;) {
      if (!(await slotsOf(url, host.meetingTypeId, date)).includes(slot)) break
      if (performance.now() - t0 > 20_000) throw new Error('the change never arrived')
      await new Promise((r) => setTimeout(r, 5))
    }
    latencies.push(performance.now() - t0)
  }
  latencies.sort((a, b) => a - b)
  const row = {
    scenario: `change → notification → slot gone (${provider.id})`,
    changes: latencies.length,
    'p50 ms': +percentile(latencies, 50).toFixed(0),
    'p99 ms': +percentile(latencies, 99).toFixed(0),
    'max ms': +percentile(latencies, 100).toFixed(0),
  }
  log(JSON.stringify(row))
  return [row]
}

/**
 * 3. Slots p99 with and without integrations, against the CLI server: three sets of
 * `HOSTS` hosts alike but for their busy times: none; a Google integration with
 * `BUSY_PER_HOST` synced events; the same events written directly, without an
 * integration. Measured in alternation (A, B, C, A, B, C), so that load from elsewhere
 * on the machine hits all alike.
 */
async function benchSlots(
  databaseUrl: string,
  fake: GoogleFake,
  graph: GraphFake,
  dataDir: string,
) {
  // The server trusts the fake Microsoft through the NODE_EXTRA_CA_CERTS it inherits.
  const child = spawn(process.execPath, [join(here, '..', 'dist', 'cli.js'), 'start'], {
    env: {
      ...process.env,
      ...googleEnv(fake),
      ...microsoftEnv(graph),
      PORT: '0',
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      ENCRYPTION_KEY: KEY.toString('base64'),
      RATE_LIMIT_PER_MINUTE: '0',
      LOG_LEVEL: 'warn',
      SEED_DEMO: 'false',
      ADMIN_TOKEN: ADMIN,
      REDIS_URL: '',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const url = await new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk
      // The server's warnings and errors (JSON lines) reach the bench's stderr.
      for (const line of chunk.toString().split('\n')) {
        if (/"level":(40|50|60)/.test(line))
          process.stderr.write(`[server] ${line.slice(0, 400)}\n`)
      }
      const match = /listening on (http:\/\/\S+)/.exec(out)
      if (match) resolve(match[1]!)
    })
    child.on('exit', (code) => reject(new Error(`server exited (${code}):\n${out}`)))
  })
  try {
    log(`server at ${url}; creating 4 × ${HOSTS} hosts…`)
    const hosts = await pool(
      Array.from({ length: 4 * HOSTS }, (_, i) => i),
      16,
      (i) => createHost(url, i),
    )
    const plain = hosts.slice(0, HOSTS)
    const synced = hosts.slice(HOSTS, 2 * HOSTS)
    // The same busy times written directly, without an integration: what the data costs
    // by itself, apart from the integration layer.
    const direct = hosts.slice(2 * HOSTS, 3 * HOSTS)
    const onMicrosoft = hosts.slice(3 * HOSTS)
    const monday = nextMonday()
    const busyAt = (e: number, i: number) =>
      monday + Math.floor(e / 3) * DAY + (9 + ((e * 5 + i) % 8)) * 3_600_000
    await sql`INSERT INTO external_busy (host_id, source, external_id, starts_at, ends_at)
      SELECT h.id, 'bench', 'e' || e, to_timestamp(t.s / 1000.0), to_timestamp(t.s / 1000.0 + 1800)
        FROM json_to_recordset(${JSON.stringify(
          direct.flatMap((host, i) =>
            Array.from({ length: BUSY_PER_HOST }, (_, e) => ({ id: host.id, e, s: busyAt(e, i) })),
          ),
        )}::json) AS t (id uuid, e int, s float8)
        JOIN users h ON h.id = t.id`.execute(benchDb)
    const connectAll = async (provider: BenchProvider, set: Host[]) => {
      const started = Date.now()
      const ids = await pool(set, 8, async (host, i) => {
        const account = `slots${i}-${provider.id}-${Date.now()}@bench.test`
        const calendarId = provider.addAccount(account)
        for (let e = 0; e < BUSY_PER_HOST; e++) {
          const at = busyAt(e, i)
          provider.addEvent(account, calendarId, at, at + 1_800_000)
        }
        return connect(url, host, account, provider.id)
      })
      // Each connect queued a first sync (the server's workers run them): wait for all.
      for (;;) {
        const { rows: done } = await sql<{
          n: number
        }>`SELECT count(*)::int AS n FROM integrations WHERE id = ANY(${ids}::uuid[]) AND last_synced_at IS NOT NULL`.execute(
          benchDb,
        )
        if (done[0]!.n === ids.length) break
        await new Promise((r) => setTimeout(r, 250))
      }
      const { rows: stored } = await sql<{
        n: number
      }>`SELECT count(*)::int AS n FROM external_busy WHERE integration_id = ANY(${ids}::uuid[])`.execute(
        benchDb,
      )
      log(
        `${ids.length} ${provider.id} integrations, ${stored[0]!.n} busy rows, connected and synced in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      )
    }
    const sets: [Host[], string][] = [[plain, 'no integrations']]
    if (PROVIDERS.has('google')) {
      log(`connecting ${HOSTS} Google accounts with ${BUSY_PER_HOST} events each…`)
      await connectAll(googleBench(fake), synced)
      sets.push([synced, `Google + ${BUSY_PER_HOST} busy each`])
    }
    if (PROVIDERS.has('microsoft')) {
      log(`connecting ${HOSTS} Microsoft mailboxes with ${BUSY_PER_HOST} events each…`)
      await connectAll(microsoftBench(graph), onMicrosoft)
      sets.push([onMicrosoft, `Microsoft + ${BUSY_PER_HOST} busy each`])
    }
    const rows = []
    for (let round = 1; round <= 2; round++) {
      for (const [set, label] of sets) {
        rows.push(...(await measureSlots(url, child.pid!, set, `${label}, round ${round}`)))
      }
      rows.push(
        ...(await measureSlots(
          url,
          child.pid!,
          direct,
          `${BUSY_PER_HOST} busy each written directly, round ${round}`,
        )),
      )
    }
    return rows
  } finally {
    child.kill('SIGTERM')
    await new Promise((r) => child.once('exit', r))
  }
}

const measureSlots = (url: string, pid: number, hosts: Host[], label: string) =>
  measureSlotsFor(url, pid, hosts, label, DURATION)

/**
 * NODE_EXTRA_CA_CERTS is read when Node starts: without it (the first run), make the test
 * CA and a certificate for the fake Microsoft, then run this script again with it set.
 * Answers the folder holding the certificate and key in the second run.
 */
function trustedTlsDir(): string | undefined {
  const dir = process.env.SLOTKIT_BENCH_TLS_DIR
  if (dir) return dir
  const made = mkdtempSync(join(tmpdir(), 'slotkit-bench-ca-'))
  const tls = createTestTls(made)
  const bundle = writeCaBundle(made, tls, process.env.NODE_EXTRA_CA_CERTS)
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
    env: { ...process.env, NODE_EXTRA_CA_CERTS: bundle, SLOTKIT_BENCH_TLS_DIR: made },
    stdio: 'inherit',
  })
  child.on('exit', (code) => {
    rmSync(made, { recursive: true, force: true })
    process.exit(code ?? 1)
  })
  return undefined
}

async function main() {
  const tlsDir = trustedTlsDir()
  if (!tlsDir) return
  const dataDir = mkdtempSync(join(tmpdir(), 'slotkit-bench-int-'))
  chmodSync(dataDir, 0o711)
  const pg = await startEmbeddedPostgres({ dataDir })
  benchDb = createDb({ connectionString: pg.url, max: 4 })
  await migrateToLatest(benchDb)
  const fake = await startGoogleFake()
  const graph = await startGraphFake({
    tls: {
      cert: readFileSync(join(tlsDir, 'server.pem'), 'utf8'),
      key: readFileSync(join(tlsDir, 'server.key'), 'utf8'),
    },
  })
  log(
    `embedded PostgreSQL, fake Google at ${fake.url}, fake Microsoft at ${graph.url}; ${cpus().length} CPUs; ${DURATION} s per load step`,
  )
  const providers = [
    ...(PROVIDERS.has('google') ? [googleBench(fake)] : []),
    ...(PROVIDERS.has('microsoft') ? [microsoftBench(graph)] : []),
  ]
  const tables: Record<string, unknown[]> = {}
  try {
    if (want('initial') || want('push')) {
      const app = await inProcessApp(pg.url, fake, graph, dataDir)
      try {
        for (const provider of providers) {
          if (want('initial'))
            tables[`initial-${provider.id}`] = await benchInitialSync(urlOf(app), provider)
          if (want('push')) tables[`push-${provider.id}`] = await benchPush(urlOf(app), provider)
        }
      } finally {
        await app.close()
      }
    }
    if (want('slots')) tables.slots = await benchSlots(pg.url, fake, graph, dataDir)
  } finally {
    await fake.close()
    await graph.close()
    await benchDb.destroy()
    // pg's pool.end() resolves before the server has seen every socket close.
    await new Promise((resolve) => setTimeout(resolve, 500))
    await pg.stop()
    const relocated = (() => {
      try {
        return readFileSync(join(dataDir, 'postgres-location'), 'utf8').trim()
      } catch {
        return ''
      }
    })()
    if (relocated) rmSync(relocated, { recursive: true, force: true })
    rmSync(dataDir, { recursive: true, force: true })
  }
  for (const rows of Object.values(tables)) console.table(rows)
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
