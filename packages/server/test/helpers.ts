import { type ChildProcess, spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { Redis } from 'ioredis'
import { inject } from 'vitest'
import { type AppDeps, buildApp } from '../src/app'
import { type Config, defineConfig } from '../src/config/config'
import type { Db } from '../src/db/database'
import { sha256 } from '../src/services/tokens'
import { recordUndocumentedReply } from './undocumented-replies'

export const ADMIN_TOKEN = 'test-admin-token-0123456789'
export const SECRET_KEY = 'test-secret-key-0123456789-0123456789'

/** Monday 2027-03-01 12:00 UTC: a fixed "now" so every date below is stable. */
export const NOW = Date.parse('2027-03-01T12:00:00Z')

export const admin = { authorization: `Bearer ${ADMIN_TOKEN}` }
export const bearer = (key: string) => ({ authorization: `Bearer ${key}` })

export function testConfig(overrides: Partial<Config> = {}): Config {
  return defineConfig({
    databaseUrl: inject('databaseUrl'),
    // Secrets come in through deps, so nothing is written here (no folder is created).
    dataDir: join(tmpdir(), `slotkit-app-${process.pid}`),
    logLevel: 'silent',
    rateLimitPerMinute: 0,
    // Tests book many times from one address; the mail-limit tests turn them on.
    mailPerRecipientPerHour: 0,
    mailPerClientPerHour: 0,
    publicUrl: 'http://slotkit.test',
    ...overrides,
  })
}

export interface TestAppOptions extends Partial<Config> {
  now?: () => number
  redis?: Redis
  /** The database (e.g. the shared one with a plugin); default a pool on the test database. */
  db?: Db
  /** Background jobs; default: enqueue on pg-boss, no workers (test/notifications run them). */
  jobs?: AppDeps['jobs']
  /** Logger options (e.g. a stream collecting the lines); default: `logLevel` (silent). */
  logger?: AppDeps['logger']
}

/** A new app on the shared test database (close it in afterAll). */
export async function createTestApp(options: TestAppOptions = {}): Promise<FastifyInstance> {
  const { now, redis, jobs, db, logger, ...config } = options
  const deps: AppDeps = {
    db,
    logger,
    adminTokenHash: sha256(ADMIN_TOKEN),
    // SECRET_KEY's value when a test sets one (a comma-separated list, newest first).
    secretKey: config.secretKey ?? SECRET_KEY,
    now: now ?? (() => NOW),
    redis,
    jobs: jobs ?? { workers: false },
    // Every reply is checked against the route's OpenAPI responses (test/setup.ts).
    onUndocumentedReply: recordUndocumentedReply,
  }
  return buildApp(testConfig(config), deps)
}

export function redisUrl(): string {
  return inject('redisUrl')
}

export function newRedis(): Redis {
  return new Redis(redisUrl(), { maxRetriesPerRequest: 2 })
}

export interface Host {
  id: string
  apiKey: string
  timeZone: string
}

/** A host with a unique e-mail, Mon–Fri 09:00–17:00 (or `rules`) in `timeZone`. */
export async function createHost(
  app: FastifyInstance,
  timeZone = 'America/New_York',
  rules: { day_of_week: number; start_time: string; end_time: string }[] = [1, 2, 3, 4, 5].map(
    (d) => ({
      day_of_week: d,
      start_time: '09:00',
      end_time: '17:00',
    }),
  ),
): Promise<Host> {
  const created = await app.inject({
    method: 'POST',
    url: '/api/users',
    headers: admin,
    payload: { email: `host-${randomUUID()}@example.com`, name: 'Test Host', time_zone: timeZone },
  })
  if (created.statusCode !== 201)
    throw new Error(`create user: ${created.statusCode} ${created.body}`)
  const user = created.json() as { id: string; api_key: string }
  const availability = await app.inject({
    method: 'PUT',
    url: `/api/users/${user.id}/availability`,
    headers: bearer(user.api_key),
    payload: { rules },
  })
  if (availability.statusCode !== 200)
    throw new Error(`availability: ${availability.statusCode} ${availability.body}`)
  return { id: user.id, apiKey: user.api_key, timeZone }
}

/** A meeting type of `host`; returns its id. */
export async function createMeetingType(
  app: FastifyInstance,
  host: Host,
  body: Record<string, unknown> = {},
): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/meeting-types',
    headers: bearer(host.apiKey),
    payload: {
      user_id: host.id,
      name: 'Meeting',
      duration_minutes: 30,
      min_notice_minutes: 0,
      ...body,
    },
  })
  if (res.statusCode !== 201) throw new Error(`meeting type: ${res.statusCode} ${res.body}`)
  return (res.json() as { id: string }).id
}

export function bookingBody(
  meetingTypeId: string,
  startTime: string,
  extra: Record<string, unknown> = {},
) {
  return {
    meeting_type_id: meetingTypeId,
    start_time: startTime,
    invitee_name: 'Ada Lovelace',
    invitee_email: 'ada@example.com',
    invitee_timezone: 'Europe/London',
    ...extra,
  }
}

/**
 * Books the first open slot of the next two weeks of the meeting type `meetingTypeId`
 * on a running server at `url` (the demo host's, in the start-up tests), as `invitee`.
 */
export async function bookFirstOpenSlot(
  url: string,
  meetingTypeId: string,
  invitee: { name: string; email: string },
): Promise<Response> {
  const today = new Date().toISOString().slice(0, 10)
  const end = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10)
  const range = await fetch(
    `${url}/api/availability/slots?meeting_type_id=${meetingTypeId}&start_date=${today}&end_date=${end}&timezone=UTC`,
  ).then((r) => r.json())
  const slot = range.days.flatMap((d: { slots: { start: string }[] }) => d.slots)[0]
  return fetch(`${url}/api/bookings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      meeting_type_id: meetingTypeId,
      start_time: slot.start,
      invitee_name: invitee.name,
      invitee_email: invitee.email,
      invitee_timezone: 'UTC',
    }),
  })
}

/** A CLI process started by {@link runCli}. */
export interface CliRun {
  readonly child: ChildProcess
  /** Everything it printed so far (stdout and stderr). */
  output(): string
  readonly exited: Promise<number | null>
}

/**
 * Runs the real CLI (`src/cli.ts` through tsx) with `env` over this process's
 * environment (REDIS_URL cleared), collects its output, and adds the child to
 * `children` so the test file can kill what is left in afterAll.
 */
export function runCli(
  args: string[],
  env: Record<string, string>,
  children: ChildProcess[],
): CliRun {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: join(import.meta.dirname, '..'),
    env: { ...process.env, REDIS_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  let text = ''
  child.stdout?.on('data', (c: Buffer) => (text += c.toString()))
  child.stderr?.on('data', (c: Buffer) => (text += c.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, output: () => text, exited }
}
