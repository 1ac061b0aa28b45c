// Shared pieces of the TypeScript benches (integrations.ts, caldav.ts): the admin API as
// the benches call it, bench hosts, and the paced slots measurement with CPU per request.
import { readdirSync, readFileSync } from 'node:fs'
import { paced } from './paced.mjs'

export const ADMIN = 'bench-admin-token-0123456789'
export const DAY = 86_400_000

export function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`)
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

/** CPU seconds (user + system) of `pid` alone, and of the PostgreSQL processes under this bench (Linux /proc). */
export function cpuSeconds(pid: number): { server: number; postgres: number } {
  const ticks = 100
  const stats = new Map<number, { ppid: number; cpu: number; comm: string }>()
  for (const entry of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(entry)) continue
    try {
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const comm = text.slice(text.indexOf('(') + 1, text.lastIndexOf(')'))
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
      stats.set(Number(entry), {
        ppid: Number(fields[1]),
        cpu: (Number(fields[11]) + Number(fields[12])) / ticks,
        comm,
      })
    } catch {}
  }
  let postgres = 0
  const queue = [process.pid]
  while (queue.length > 0) {
    const parent = queue.shift()!
    for (const [child, info] of stats) {
      if (info.ppid !== parent) continue
      if (info.comm === 'postgres') postgres += info.cpu
      queue.push(child)
    }
  }
  return { server: stats.get(pid)?.cpu ?? 0, postgres }
}

export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

/** Next Monday (UTC) at least a day ahead. */
export function nextMonday(): number {
  const d = new Date(Date.now() + DAY)
  const day = d.getUTCDay()
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + ((8 - day) % 7 || 7))
}

/** Runs `task` over `items`, at most `limit` at once. */
export async function pool<T, R>(
  items: T[],
  limit: number,
  task: (item: T, i: number) => Promise<R>,
) {
  const results: R[] = new Array(items.length)
  let next = 0
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++
        results[i] = await task(items[i]!, i)
      }
    }),
  )
  return results
}

export async function api(
  url: string,
  method: string,
  path: string,
  body?: unknown,
  key = ADMIN,
): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  })
  const json = (await res.json()) as Record<string, unknown>
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`)
  return json
}

export interface Host {
  id: string
  key: string
  meetingTypeId: string
}

/** A UTC host, Mon–Fri 09:00–17:00, with a 30-minute meeting type bookable `maxDaysAhead` days ahead. */
export async function createHost(url: string, i: number, maxDaysAhead = 120): Promise<Host> {
  const user = await api(url, 'POST', '/api/users', {
    email: `host${i}-${Date.now()}@bench.test`,
    name: `Host ${i}`,
    time_zone: 'UTC',
  })
  const key = user.api_key as string
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
    key,
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
      max_days_ahead: maxDaysAhead,
    },
    key,
  )
  return { id: user.id as string, key, meetingTypeId: mt.id as string }
}

/**
 * Slots for 7 days at 1,000 requests/s for `durationSeconds`, cached (one key) and uncached
 * (every request a new key: host × start day × zone), with node and PostgreSQL CPU per request.
 */
export async function measureSlots(
  url: string,
  pid: number,
  hosts: Host[],
  label: string,
  durationSeconds: number,
) {
  const monday = nextMonday()
  const start = isoDate(monday)
  const end = isoDate(monday + 6 * DAY)
  const rows = []
  const cachedPath = `/api/availability/slots?meeting_type_id=${hosts[0]!.meetingTypeId}&start_date=${start}&end_date=${end}&timezone=UTC`
  await fetch(url + cachedPath)
  await paced({ url, rate: 1000, duration: 3, path: () => cachedPath })
  let cpu = cpuSeconds(pid)
  const cached = await paced({ url, rate: 1000, duration: durationSeconds, path: () => cachedPath })
  rows.push({ scenario: `slots 7 days, cached, 1,000/s (${label})`, ...summary(cached, cpu, pid) })
  log(JSON.stringify(rows.at(-1)))
  // Every request a new key (host × start day × zone): loaded from PostgreSQL each time.
  let seed = Math.floor(Math.random() * 1e9)
  const uncached = (base: number) => (i: number) => {
    const n = base + i
    const host = hosts[n % hosts.length]!
    const offset = Math.floor(n / hosts.length) % 56
    const zone = ZONES[Math.floor(n / (hosts.length * 56)) % ZONES.length]
    const s = isoDate(monday + offset * DAY)
    const e = isoDate(monday + (offset + 6) * DAY)
    return `/api/availability/slots?meeting_type_id=${host.meetingTypeId}&start_date=${s}&end_date=${e}&timezone=${zone}`
  }
  await paced({ url, rate: 500, duration: 3, path: uncached(seed) })
  seed += 1_000_003
  cpu = cpuSeconds(pid)
  const result = await paced({ url, rate: 1000, duration: durationSeconds, path: uncached(seed) })
  rows.push({
    scenario: `slots 7 days, uncached, 1,000/s (${label})`,
    ...summary(result, cpu, pid),
  })
  log(JSON.stringify(rows.at(-1)))
  return rows
}

export const ZONES = [
  'Europe/Berlin',
  'America/New_York',
  'Asia/Kolkata',
  'Australia/Sydney',
  'UTC',
]

export function summary(
  result: Awaited<ReturnType<typeof paced>>,
  before: { server: number; postgres: number },
  pid: number,
) {
  const after = cpuSeconds(pid)
  const perRequest = (seconds: number) =>
    result.requests ? +((seconds * 1000) / result.requests).toFixed(3) : Number.NaN
  return {
    'achieved/s': result.achieved,
    'p50 ms': result.p50,
    'p99 ms': result.p99,
    'sent→reply p99 ms': result.serviceP99,
    non2xx: result.non2xx,
    errors: result.errors,
    'node CPU ms/req': perRequest(after.server - before.server),
    'pg CPU ms/req': perRequest(after.postgres - before.postgres),
  }
}
