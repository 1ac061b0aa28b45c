// Slotkit server benchmark: starts the real server (dist/cli.js: embedded
// PostgreSQL, RATE_LIMIT_PER_MINUTE=0, mail limits off) as a child process and drives it with
// autocannon from this process. Prints one table. Knobs (env):
//   BENCH_DURATION=10 (seconds per load step)  BENCH_HOSTS=1000
//   BENCH_REDIS_URL=redis://... (run the server with Redis instead of the in-process cache)
//   BENCH_ONLY=cached,uncached,bookings,hot,burst  BENCH_DATABASE_URL  BENCH_NODE_ARGS  BENCH_SERVER_STDOUT
import { spawn } from 'node:child_process'
import { appendFileSync, chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { paced } from './paced.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const DURATION = Number(process.env.BENCH_DURATION ?? 10)
const HOSTS = Number(process.env.BENCH_HOSTS ?? 1000)
const ADMIN = 'bench-admin-token-0123456789'
const DAY = 86_400_000

function log(message) {
  process.stderr.write(`[bench] ${message}\n`)
}

async function startServer(dataDir) {
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean)
  const child = spawn(
    process.execPath,
    [...nodeArgs, join(here, '..', 'dist', 'cli.js'), 'start'],
    {
      env: {
        ...process.env,
        PORT: '0',
        DATA_DIR: dataDir,
        RATE_LIMIT_PER_MINUTE: '0',
        // Every booking comes from this one address: the invitee e-mail limits
        // would leave most confirmations out and the workers with less to do.
        MAIL_PER_RECIPIENT_PER_HOUR: '0',
        MAIL_PER_CLIENT_PER_HOUR: '0',
        LOG_LEVEL: 'warn',
        SEED_DEMO: 'false',
        ADMIN_TOKEN: ADMIN,
        DATABASE_URL: process.env.BENCH_DATABASE_URL ?? '',
        REDIS_URL: process.env.BENCH_REDIS_URL ?? '',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  const url = await new Promise((resolve, reject) => {
    let out = ''
    // BENCH_SERVER_STDOUT=file keeps the server's output (e.g. with BENCH_NODE_ARGS=--trace-gc).
    const keep = process.env.BENCH_SERVER_STDOUT
    child.stdout.on('data', (chunk) => {
      if (keep) appendFileSync(keep, chunk)
      out += chunk
      const match = /listening on (http:\/\/\S+)/.exec(out)
      if (match) resolve(match[1])
    })
    child.on('exit', (code) => reject(new Error(`server exited (${code}):\n${out}`)))
  })
  return { child, url }
}

async function api(url, method, path, body, key = ADMIN) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  })
  const json = await res.json()
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`)
  return json
}

/** Runs `tasks` with at most `limit` in flight. */
async function pool(items, limit, task) {
  const results = []
  let next = 0
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++
        results[i] = await task(items[i], i)
      }
    }),
  )
  return results
}

const ZONES = [
  'America/New_York',
  'Europe/Berlin',
  'Asia/Kolkata',
  'Australia/Sydney',
  'America/Los_Angeles',
  'Asia/Tokyo',
  'Europe/London',
  'America/Sao_Paulo',
]

async function setupHosts(url) {
  log(`creating ${HOSTS} hosts with Mon–Fri 09:00–17:00 and a 30-minute meeting type…`)
  const started = Date.now()
  const hosts = await pool(
    Array.from({ length: HOSTS }, (_, i) => i),
    16,
    async (i) => {
      const timeZone = ZONES[i % ZONES.length]
      const user = await api(url, 'POST', '/api/users', {
        email: `host${i}@bench.test`,
        name: `Host ${i}`,
        time_zone: timeZone,
      })
      await api(
        url,
        'PUT',
        `/api/users/${user.id}/availability`,
        {
          rules: [1, 2, 3, 4, 5].map((d) => ({
            day_of_week: d,
            start_time: '09:00',
            end_time: '17:00',
          })),
        },
        user.api_key,
      )
      const mt = await api(
        url,
        'POST',
        '/api/meeting-types',
        {
          user_id: user.id,
          name: 'Call',
          duration_minutes: 30,
          min_notice_minutes: 0,
          max_days_ahead: 120,
        },
        user.api_key,
      )
      return { id: user.id, key: user.api_key, timeZone, meetingTypeId: mt.id }
    },
  )
  log(`set-up took ${((Date.now() - started) / 1000).toFixed(1)} s`)
  return hosts
}

function run(options) {
  const base = options.amount ? { connections: 50 } : { duration: DURATION, connections: 50 }
  const cpuBefore = cpuSeconds(serverPid)
  return new Promise((resolve, reject) => {
    const instance = autocannon({ ...base, pipelining: 1, ...options }, (error, result) =>
      error ? reject(error) : resolve({ ...result, cpuBefore }),
    )
    autocannon.track(instance, {
      renderProgressBar: false,
      renderResultsTable: false,
      renderLatencyTable: false,
    })
  })
}

function isoDate(ms) {
  return new Date(ms).toISOString().slice(0, 10)
}

/** Next Monday (UTC) at least a day ahead: the 7-day ranges and bookings below start there. */
function nextMonday() {
  const d = new Date(Date.now() + DAY)
  const day = d.getUTCDay()
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + ((8 - day) % 7 || 7))
}

/** CPU seconds (user + system) of `pid` and, separately, of all its descendants (Linux /proc). */
function cpuSeconds(pid) {
  const ticks = 100
  const stats = new Map()
  for (const entry of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(entry)) continue
    try {
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
      stats.set(Number(entry), {
        ppid: Number(fields[1]),
        cpu: (Number(fields[11]) + Number(fields[12])) / ticks,
      })
    } catch {}
  }
  const own = stats.get(pid)?.cpu ?? 0
  let descendants = 0
  const queue = [pid]
  while (queue.length) {
    const parent = queue.shift()
    for (const [child, info] of stats) {
      if (info.ppid === parent) {
        descendants += info.cpu
        queue.push(child)
      }
    }
  }
  return { own, descendants }
}

let serverPid = 0
const rows = []
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : undefined
const want = (name) => !ONLY || ONLY.has(name)
function record(name, result, extra = {}) {
  const cpu = cpuSeconds(serverPid)
  const requests = result['2xx'] + result.non2xx
  const perRequest = (seconds) => (requests ? ((seconds * 1000) / requests).toFixed(3) : '-')
  const serverCpu = perRequest(cpu.own - result.cpuBefore.own)
  const pgCpu = perRequest(cpu.descendants - result.cpuBefore.descendants)
  const row = {
    scenario: name,
    'target/s': extra.target ?? '-',
    'achieved/s': Math.round(result.requests.average),
    'p50 ms': result.latency.p50,
    'p99 ms': result.latency.p99,
    '2xx': result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    'node CPU ms/req': serverCpu,
    'pg CPU ms/req': pgCpu,
    ...extra.columns,
  }
  rows.push(row)
  log(JSON.stringify(row))
}

/** A constant-arrival-rate step (see paced.mjs), with the server's CPU per request. */
async function runPaced(name, options) {
  const before = cpuSeconds(serverPid)
  const result = await paced({ duration: DURATION, ...options })
  const cpu = cpuSeconds(serverPid)
  const perRequest = (seconds) =>
    result.requests ? ((seconds * 1000) / result.requests).toFixed(3) : '-'
  const row = {
    scenario: name,
    'target/s': options.rate,
    'achieved/s': result.achieved,
    'p50 ms': result.p50,
    'p99 ms': result.p99,
    '2xx': result.requests - result.non2xx - result.errors,
    non2xx: result.non2xx,
    errors: result.errors,
    'node CPU ms/req': perRequest(cpu.own - before.own),
    'pg CPU ms/req': perRequest(cpu.descendants - before.descendants),
    'p99.9 ms': result.p999,
    'max ms': result.max,
    'send lag p99 ms': result.sendLagP99,
    'sent→reply p99 ms': result.serviceP99,
  }
  rows.push(row)
  log(JSON.stringify(row))
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'slotkit-bench-'))
  chmodSync(dataDir, 0o711)
  const { child, url } = await startServer(dataDir)
  serverPid = child.pid
  log(`server at ${url} (pid ${child.pid}); ${cpus().length} CPUs; ${DURATION} s per step`)
  try {
    const hosts = await setupHosts(url)
    const monday = nextMonday()
    const start = isoDate(monday)
    const end = isoDate(monday + 6 * DAY)

    // Cached: one 7-day query, warmed once, then served from the cache. Paced at a
    // constant arrival rate (paced.mjs explains why not autocannon's overallRate).
    const hot = hosts[0]
    const cachedPath = `/api/availability/slots?meeting_type_id=${hot.meetingTypeId}&start_date=${start}&end_date=${end}&timezone=America/New_York`
    await fetch(url + cachedPath)
    // Warm-up (not recorded): JIT, pooled connections, prepared statements.
    if (want('cached')) await paced({ url, rate: 1000, duration: 3, path: () => cachedPath })
    for (const rate of want('cached') ? [1000, 5000] : []) {
      await runPaced('GET slots 7 days, cached', { url, rate, path: () => cachedPath })
    }

    // Uncached: every request a different key (host × start day × zone), so each one
    // loads from PostgreSQL, runs the engine and writes the cache.
    const uncachedPath = (seed) => (i) => {
      const n = seed + i
      const host = hosts[n % hosts.length]
      const offset = Math.floor(n / hosts.length) % 56
      const zone = ZONES[Math.floor(n / (hosts.length * 56)) % ZONES.length]
      const s = isoDate(monday + offset * DAY)
      const e = isoDate(monday + (offset + 6) * DAY)
      return `/api/availability/slots?meeting_type_id=${host.meetingTypeId}&start_date=${s}&end_date=${e}&timezone=${zone}`
    }
    if (want('uncached')) await paced({ url, rate: 500, duration: 3, path: uncachedPath(7) })
    for (const rate of want('uncached') ? [1000, 5000] : []) {
      await runPaced('GET slots 7 days, uncached', {
        url,
        rate,
        path: uncachedPath(rate * 1_000_003),
      })
    }
    // For comparison with earlier figures: autocannon's overallRate (bursts once a second).
    if (want('burst')) {
      record(
        'GET slots cached, autocannon 5000/s (burst)',
        await run({ url: url + cachedPath, overallRate: 5000 }),
        { target: 5000 },
      )
    }

    if (want('bookings')) {
      // Bookings across hosts: request k books slot (k / hosts) of host (k % hosts).
      // Slots are 30 minutes, 09:00-17:00 host time on weekdays: 16 a day.
      let k = 0
      let loggedFailure = false
      const bookingResult = await run({
        url,
        connections: 50,
        requests: [
          {
            onResponse(status, body) {
              if (status !== 201 && !loggedFailure) {
                loggedFailure = true
                log(`first failed booking: ${status} ${body}`)
              }
            },
            method: 'POST',
            path: '/api/bookings',
            headers: { 'content-type': 'application/json' },
            setupRequest(req) {
              const host = hosts[k % hosts.length]
              const j = Math.floor(k / hosts.length)
              k++
              const week = Math.floor(j / 80)
              const dayInWeek = Math.floor((j % 80) / 16)
              const slot = j % 16
              // Wall-clock 09:00 + slot*30 min in the host's zone, written with that zone's
              // offset is awkward here; send the local time of a UTC-offset-free zone instead:
              // the server resolves any offset, so compute the instant from the slot list.
              const date = isoDate(monday + (week * 7 + dayInWeek) * DAY)
              req.body = JSON.stringify({
                meeting_type_id: host.meetingTypeId,
                start_time: localToRfc3339(date, 9 * 60 + slot * 30, host.timeZone),
                invitee_name: 'Bench',
                invitee_email: 'bench@example.com',
                invitee_timezone: 'UTC',
              })
              return req
            },
          },
        ],
      })
      record('POST bookings across hosts', bookingResult, {
        columns: { 'bookings/s': Math.round(bookingResult['2xx'] / bookingResult.duration) },
      })
    }
    if (want('hot')) {
      // One hot slot, 100 racers at once.
      const racer = hosts[1]
      const hotStart = localToRfc3339(isoDate(monday + 14 * DAY), 10 * 60, racer.timeZone)
      const race = await run({
        url: `${url}/api/bookings`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          meeting_type_id: racer.meetingTypeId,
          start_time: hotStart,
          invitee_name: 'Racer',
          invitee_email: 'r@example.com',
          invitee_timezone: 'UTC',
        }),
        connections: 100,
        amount: 100,
      })
      record('POST one hot slot, 100 racers', race, { columns: { winners: race['2xx'] } })
    }
  } finally {
    child.kill('SIGTERM')
    await new Promise((r) => child.once('exit', r))
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
  console.table(rows)
}

// The load generator shares the 2 cores with the server: it keeps one formatter per
// zone (creating an Intl.DateTimeFormat per request cost more than the request).
const formatters = new Map()
function formatterOf(timeZone) {
  let formatter = formatters.get(timeZone)
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
    formatters.set(timeZone, formatter)
  }
  return formatter
}

/** `date` at `minutes` after local midnight in `timeZone`, as RFC 3339 with that zone's offset. */
function localToRfc3339(date, minutes, timeZone) {
  const [y, m, d] = date.split('-').map(Number)
  const guess = Date.UTC(y, m - 1, d, 0, minutes)
  const offsetAt = (ms) => {
    const parts = Object.fromEntries(
      formatterOf(timeZone)
        .formatToParts(new Date(ms))
        .map((p) => [p.type, p.value]),
    )
    return (
      Date.UTC(
        +parts.year,
        +parts.month - 1,
        +parts.day,
        +parts.hour,
        +parts.minute,
        +parts.second,
      ) - ms
    )
  }
  const instant = guess - offsetAt(guess - offsetAt(guess))
  return new Date(instant).toISOString().replace('.000Z', 'Z')
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
