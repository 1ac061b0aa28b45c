// CalDAV benchmark (issue 13): the server's CalDAV provider (tsdav) against a real Radicale,
// started here as the tests start it, on an embedded PostgreSQL. Prints three tables:
//   1. initial sync of one calendar holding 2,000 events over a year: 1,950 single events and
//      50 weekly series (52 weeks in New York time, each with a deleted and a moved
//      occurrence): seconds, rows;
//   2. polls of that calendar through a counting proxy: without changes, and with one
//      changed event: ms, HTTP requests, objects fetched;
//   3. slots p99 of BENCH_HOSTS hosts without busy times and BENCH_HOSTS hosts on CalDAV,
//      each calendar with 200 busy times (4 daily series of 50), cached and uncached, paced
//      at 1,000 requests/s against dist/cli.js (part 1's method: compare with its table).
// Run: npm run bench:caldav -w @slotkit/server (needs radicale: apt-get install radicale)
// Knobs (env): BENCH_DURATION=10 (s per load step) BENCH_HOSTS=1000 BENCH_POLLS=20
//   BENCH_ONLY=initial,poll,slots
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { makeCalendar } from 'tsdav'
import { buildApp, createDb, type Db, defineConfig, migrateToLatest } from '../src/index'
import { createSecretBox, startEmbeddedPostgres } from '../src/internal'
import { type CountingProxy, startCountingProxy } from '../test/caldav-proxy'
import { addRadicaleUser, findRadicale, type RadicaleServer, startRadicale } from '../test/radicale'
import {
  ADMIN,
  api,
  createHost,
  DAY,
  type Host,
  log,
  measureSlots,
  nextMonday,
  percentile,
  pool,
} from './kit'

const here = dirname(fileURLToPath(import.meta.url))
const DURATION = Number(process.env.BENCH_DURATION ?? 10)
const HOSTS = Number(process.env.BENCH_HOSTS ?? 1000)
const POLLS = Number(process.env.BENCH_POLLS ?? 20)
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : undefined
const want = (name: string) => !ONLY || ONLY.has(name)
const KEY = randomBytes(32)
const SINGLES = 1950
const SERIES = 50

const NEW_YORK = [
  'BEGIN:VTIMEZONE',
  'TZID:America/New_York',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:-0500',
  'TZOFFSETTO:-0400',
  'TZNAME:EDT',
  'DTSTART:20070311T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:-0400',
  'TZOFFSETTO:-0500',
  'TZNAME:EST',
  'DTSTART:20071104T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
]

function ics(...lines: string[]): string {
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Slotkit bench//CalDAV//EN',
    ...lines,
    'END:VCALENDAR',
    '',
  ].join('\r\n')
}

/** `YYYYMMDDTHHMMSSZ` of an instant. */
function utc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`
}

/** `YYYYMMDDTHHMMSS` (a wall clock) of the UTC fields of `ms`. */
function wall(ms: number): string {
  return utc(ms).slice(0, -1)
}

function basic(username: string, password: string): Record<string, string> {
  return {
    authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`,
  }
}

/**
 * A Radicale user with a calendar `work` (MKCALENDAR), filled with `objects` (file name →
 * iCalendar): by PUT, or with `direct` written into Radicale's storage folder, which it reads
 * as it would its own (a PUT checks the new UID against every object of the calendar, so
 * filling a big one by PUT takes minutes).
 */
async function radicaleAccount(
  radicale: RadicaleServer,
  name: string,
  objects: [string, string][],
  direct = false,
): Promise<{ username: string; password: string; calendarUrl: string }> {
  const username = `${name}-${randomBytes(3).toString('hex')}`
  const password = randomBytes(9).toString('base64url')
  await addRadicaleUser(radicale.usersFile, username, password)
  const headers = basic(username, password)
  const calendarUrl = new URL(`/${username}/work/`, radicale.url).href
  const made = await makeCalendar({ url: calendarUrl, props: { displayname: 'Work' }, headers })
  if (made[0]?.status !== 201) throw new Error(`MKCALENDAR ${made[0]?.status}`)
  if (direct) {
    const folder = join(radicale.storage, 'collection-root', username, 'work')
    for (const [file, body] of objects) writeFileSync(join(folder, file), body)
    return { username, password, calendarUrl }
  }
  await pool(objects, 8, async ([file, body]) => {
    const res = await fetch(new URL(file, calendarUrl), {
      method: 'PUT',
      headers: { ...headers, 'content-type': 'text/calendar; charset=utf-8' },
      body,
    })
    if (res.status !== 201) throw new Error(`PUT ${file}: ${res.status} ${await res.text()}`)
  })
  return { username, password, calendarUrl }
}

/** 2,000 events over a year from `start`: single events, and weekly series in New York time. */
function yearOfEvents(start: number): [string, string][] {
  const objects: [string, string][] = []
  for (let i = 0; i < SINGLES; i++) {
    const at =
      start + (i % 365) * DAY + (13 + (i % 7)) * 3_600_000 + Math.floor(i / 365) * 1_800_000
    objects.push([
      `single-${i}.ics`,
      ics(
        'BEGIN:VEVENT',
        `UID:single-${i}`,
        'DTSTAMP:20260101T000000Z',
        `DTSTART:${utc(at)}`,
        `DTEND:${utc(at + 1_800_000)}`,
        `SUMMARY:Event ${i}`,
        'END:VEVENT',
      ),
    ])
  }
  for (let s = 0; s < SERIES; s++) {
    // New York wall clock 08:00–16:45 on weekday s % 5 of the first week.
    const first = start + (s % 5) * DAY + (8 * 60 + (s % 36) * 15) * 60_000
    const at = (week: number) => wall(first + week * 7 * DAY)
    objects.push([
      `series-${s}.ics`,
      ics(
        ...NEW_YORK,
        'BEGIN:VEVENT',
        `UID:series-${s}`,
        'DTSTAMP:20260101T000000Z',
        `DTSTART;TZID=America/New_York:${at(0)}`,
        'DURATION:PT30M',
        'RRULE:FREQ=WEEKLY;COUNT=52',
        `EXDATE;TZID=America/New_York:${at(10)}`,
        `SUMMARY:Series ${s}`,
        'END:VEVENT',
        'BEGIN:VEVENT',
        `UID:series-${s}`,
        'DTSTAMP:20260101T000000Z',
        `RECURRENCE-ID;TZID=America/New_York:${at(20)}`,
        `DTSTART;TZID=America/New_York:${wall(first + 20 * 7 * DAY + 2 * 3_600_000)}`,
        'DURATION:PT30M',
        `SUMMARY:Series ${s} (moved)`,
        'END:VEVENT',
      ),
    ])
  }
  return objects
}

let benchDb: Db

async function waitSynced(ids: string[]): Promise<void> {
  for (;;) {
    const { rows } = await sql<{
      n: number
    }>`SELECT count(*)::int AS n FROM integrations WHERE id = ANY(${ids}::uuid[]) AND last_synced_at IS NOT NULL`.execute(
      benchDb,
    )
    if (rows[0]!.n === ids.length) return
    await new Promise((r) => setTimeout(r, 200))
  }
}

async function rowsOf(id: string): Promise<number> {
  const { rows } = await sql<{
    n: number
  }>`SELECT count(*)::int AS n FROM external_busy WHERE integration_id = ${id}`.execute(benchDb)
  return rows[0]!.n
}

/** 1 and 2. One calendar of 2,000 events behind the counting proxy. */
async function benchSyncAndPolls(app: FastifyInstance, radicale: RadicaleServer) {
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
  const proxy: CountingProxy = await startCountingProxy(radicale.url)
  const tables: Record<string, unknown[]> = { initial: [], poll: [] }
  try {
    const start = nextMonday()
    log(`filling a Radicale calendar with ${SINGLES + SERIES} events…`)
    const t = performance.now()
    const account = await radicaleAccount(radicale, 'initial', yearOfEvents(start), true)
    // Radicale parses and caches the objects on their first read: done here, untimed, as on a
    // server that has been running.
    const warm = await fetch(account.calendarUrl, {
      method: 'REPORT',
      headers: {
        ...basic(account.username, account.password),
        depth: '1',
        'content-type': 'application/xml; charset=utf-8',
      },
      body: '<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/><C:calendar-data/></D:prop><C:filter><C:comp-filter name="VCALENDAR"/></C:filter></C:calendar-query>',
    })
    await warm.text()
    log(`filled and read once in ${((performance.now() - t) / 1000).toFixed(1)} s`)
    // A year ahead: the whole calendar is in the sync window.
    const host = await createHost(url, 1, 365)
    const connected = await api(
      url,
      'POST',
      '/api/integrations/caldav',
      { server_url: proxy.url, username: account.username, password: account.password },
      host.key,
    )
    const id = connected.id as string
    await waitSynced([id])
    const sync = async () => {
      const before = proxy.requests.length
      const t0 = performance.now()
      const result = await api(url, 'POST', `/api/integrations/${id}/sync`, undefined, host.key)
      const ms = performance.now() - t0
      const requests = proxy.requests.slice(before)
      const fetched = requests
        .filter((r) => r.body.includes('calendar-multiget'))
        .reduce((n, r) => n + (r.body.match(/<(?:\w+:)?href>/g) ?? []).length, 0)
      return { result, ms, requests, fetched }
    }
    for (let run = 0; run < 3; run++) {
      await sql`DELETE FROM external_busy WHERE integration_id = ${id}`.execute(benchDb)
      await sql`UPDATE integration_calendars SET sync_cursor = NULL WHERE integration_id = ${id}`.execute(
        benchDb,
      )
      const { result, ms, requests } = await sync()
      tables.initial!.push({
        scenario: `initial sync, ${SINGLES} events + ${SERIES} weekly series (a year)`,
        status: result.status,
        'rows stored': await rowsOf(id),
        requests: requests.length,
        seconds: +(ms / 1000).toFixed(2),
        'of which Radicale s': +(requests.reduce((sum, r) => sum + (r.ms ?? 0), 0) / 1000).toFixed(
          2,
        ),
      })
      log(JSON.stringify(tables.initial!.at(-1)))
    }
    const quiet: number[] = []
    const quietUpstream: number[] = []
    const quietRequests: number[] = []
    for (let i = 0; i < POLLS; i++) {
      const { ms, requests } = await sync()
      quiet.push(ms)
      quietUpstream.push(requests.reduce((sum, r) => sum + (r.ms ?? 0), 0))
      quietRequests.push(requests.length)
    }
    quiet.sort((a, b) => a - b)
    quietUpstream.sort((a, b) => a - b)
    tables.poll!.push({
      scenario: 'poll, nothing changed',
      polls: POLLS,
      'p50 ms': +percentile(quiet, 50).toFixed(1),
      'p99 ms': +percentile(quiet, 99).toFixed(1),
      'of which Radicale p50 ms': +percentile(quietUpstream, 50).toFixed(1),
      'requests/poll': Math.max(...quietRequests),
      'objects fetched': 0,
    })
    const changed: number[] = []
    const changedUpstream: number[] = []
    let changedRequests = 0
    let fetchedObjects = 0
    for (let i = 0; i < Math.min(POLLS, 10); i++) {
      const at = start + (i * 7 + 1) * DAY + 10 * 3_600_000
      const res = await fetch(new URL(`single-${i}.ics`, account.calendarUrl), {
        method: 'PUT',
        headers: {
          ...basic(account.username, account.password),
          'content-type': 'text/calendar; charset=utf-8',
        },
        body: ics(
          'BEGIN:VEVENT',
          `UID:single-${i}`,
          'DTSTAMP:20260101T000000Z',
          `DTSTART:${utc(at)}`,
          `DTEND:${utc(at + 3_600_000)}`,
          `SUMMARY:Event ${i} (moved)`,
          'END:VEVENT',
        ),
      })
      if (res.status >= 300) throw new Error(`PUT: ${res.status}`)
      const { ms, requests, fetched } = await sync()
      changed.push(ms)
      changedUpstream.push(requests.reduce((sum, r) => sum + (r.ms ?? 0), 0))
      changedRequests = Math.max(changedRequests, requests.length)
      fetchedObjects = Math.max(fetchedObjects, fetched)
    }
    changed.sort((a, b) => a - b)
    changedUpstream.sort((a, b) => a - b)
    tables.poll!.push({
      scenario: 'poll, one event changed',
      polls: changed.length,
      'p50 ms': +percentile(changed, 50).toFixed(1),
      'p99 ms': +percentile(changed, 99).toFixed(1),
      'of which Radicale p50 ms': +percentile(changedUpstream, 50).toFixed(1),
      'requests/poll': changedRequests,
      'objects fetched': fetchedObjects,
    })
    for (const row of tables.poll!) log(JSON.stringify(row))
  } finally {
    await proxy.close()
  }
  return tables
}

/** 3. Slots p99 of hosts without busy times and hosts on CalDAV (dist/cli.js). */
async function benchSlots(databaseUrl: string, radicale: RadicaleServer, dataDir: string) {
  const child = spawn(process.execPath, [join(here, '..', 'dist', 'cli.js'), 'start'], {
    env: {
      ...process.env,
      PORT: '0',
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      ENCRYPTION_KEY: KEY.toString('base64'),
      // Radicale listens on loopback.
      WEBHOOK_ALLOW_PRIVATE: 'true',
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
    log(`server at ${url}; creating 2 × ${HOSTS} hosts…`)
    const hosts: Host[] = await pool(
      Array.from({ length: 2 * HOSTS }, (_, i) => i),
      16,
      (i) => createHost(url, i),
    )
    const plain = hosts.slice(0, HOSTS)
    const onCaldav = hosts.slice(HOSTS)
    log(`connecting ${HOSTS} CalDAV accounts, 200 busy times each…`)
    const monday = nextMonday()
    const started = Date.now()
    const ids = await pool(onCaldav, 8, async (host, i) => {
      // Four daily series of 50 at different hours: 200 busy times, four objects.
      const objects: [string, string][] = [0, 1, 2, 3].map((k) => {
        const at = monday + (9 + ((i + 2 * k) % 8)) * 3_600_000
        return [
          `daily-${k}.ics`,
          ics(
            'BEGIN:VEVENT',
            `UID:daily-${k}`,
            'DTSTAMP:20260101T000000Z',
            `DTSTART:${utc(at)}`,
            `DTEND:${utc(at + 1_800_000)}`,
            'RRULE:FREQ=DAILY;COUNT=50',
            'END:VEVENT',
          ),
        ]
      })
      const account = await radicaleAccount(radicale, `slots${i}`, objects)
      const connected = await api(
        url,
        'POST',
        '/api/integrations/caldav',
        { server_url: radicale.url, username: account.username, password: account.password },
        host.key,
      )
      return connected.id as string
    })
    await waitSynced(ids)
    const { rows: stored } = await sql<{
      n: number
    }>`SELECT count(*)::int AS n FROM external_busy WHERE integration_id = ANY(${ids}::uuid[])`.execute(
      benchDb,
    )
    log(
      `${ids.length} CalDAV integrations, ${stored[0]!.n} busy rows, connected and synced in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    )
    const rows = []
    for (let round = 1; round <= 2; round++) {
      rows.push(
        ...(await measureSlots(
          url,
          child.pid!,
          plain,
          `no integrations, round ${round}`,
          DURATION,
        )),
      )
      rows.push(
        ...(await measureSlots(
          url,
          child.pid!,
          onCaldav,
          `CalDAV + 200 busy each, round ${round}`,
          DURATION,
        )),
      )
    }
    return rows
  } finally {
    child.kill('SIGTERM')
    await new Promise((r) => child.once('exit', r))
  }
}

async function main() {
  const binary = findRadicale()
  if (!binary) throw new Error('radicale is required (apt-get install radicale)')
  const dataDir = mkdtempSync(join(tmpdir(), 'slotkit-bench-caldav-'))
  chmodSync(dataDir, 0o711)
  const pg = await startEmbeddedPostgres({ dataDir })
  benchDb = createDb({ connectionString: pg.url, max: 4 })
  await migrateToLatest(benchDb)
  const radicale = await startRadicale(binary)
  log(`embedded PostgreSQL, Radicale at ${radicale.url}; ${cpus().length} CPUs`)
  let tables: Record<string, unknown[]> = {}
  try {
    if (want('initial') || want('poll')) {
      const app = await buildApp(
        defineConfig({
          databaseUrl: pg.url,
          dataDir,
          host: '127.0.0.1',
          port: 0,
          logLevel: 'warn',
          rateLimitPerMinute: 0,
          adminToken: ADMIN,
          webhookAllowPrivate: true,
        }),
        // No job queue: the connect's first sync runs in the background of this process.
        { secretBox: createSecretBox(KEY), jobs: false },
      )
      await app.listen({ port: 0, host: '127.0.0.1' })
      try {
        tables = await benchSyncAndPolls(app, radicale)
      } finally {
        await app.close()
      }
    }
    if (want('slots')) tables.slots = await benchSlots(pg.url, radicale, dataDir)
  } finally {
    await radicale.stop()
    await benchDb.destroy()
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
