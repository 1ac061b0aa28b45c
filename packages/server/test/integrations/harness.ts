import { randomBytes } from 'node:crypto'
import type { Writable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { type AppDeps, buildApp, loggerOptions } from '../../src/app'
import type { Config } from '../../src/config/config'
import { createDb, type Db } from '../../src/db/database'
import type { ProviderRegistry } from '../../src/integrations/calendar/calendar-sync'
import type { CircuitBreakerOptions } from '../../src/integrations/calendar/resilience'
import { createSecretBox, type SecretBox } from '../../src/integrations/calendar/secret-box'
import type { Mailer } from '../../src/integrations/email/mailer'
import { sha256 } from '../../src/services/tokens'
import type { GoogleFake } from '../fakes/google-fake'
import type { GraphFake } from '../fakes/graph-fake'
import { ADMIN_TOKEN, bearer, type Host, NOW, SECRET_KEY, testConfig } from '../helpers'
import { FAST_RETRIES } from '../notifications/harness'

/** A clock the test moves by hand; every app of a test shares it. */
export interface TestClock {
  now: number
}

/** Options of {@link startCalendarApp}. */
export interface GoogleAppOptions {
  /** The fake Google the Google provider talks to; none = Google not configured. */
  readonly fake?: GoogleFake
  /** The fake Microsoft (identity platform and Graph); none = Microsoft not configured. */
  readonly graph?: GraphFake
  readonly clock: TestClock
  /** Listen on 127.0.0.1 (push notifications need a real address); PUBLIC_URL is then that address. */
  readonly listen?: boolean
  /** Run the job workers; default: jobs are queued (in `queueSchema`) but not run. */
  readonly workers?: boolean
  /** No job queue at all (as without pg-boss); default false. */
  readonly noJobs?: boolean
  readonly queueSchema?: string
  readonly mailer?: Mailer
  readonly box?: SecretBox
  readonly breaker?: CircuitBreakerOptions
  /** Capture the app's logs (pino JSON lines) at `level`. */
  readonly log?: { stream: Writable; level: string }
  readonly config?: Partial<Config>
  /** Run the cron schedules (polling, channel renewal); default false. */
  readonly schedules?: boolean
  /** Providers instead of the ones GOOGLE_* configures. */
  readonly providers?: ProviderRegistry
}

/** A fresh random key box (a test's ENCRYPTION_KEY). */
export function testBox(): SecretBox {
  return createSecretBox(randomBytes(32))
}

/** The config that points the real Google clients at `fake`. */
export function googleConfig(fake: GoogleFake): Partial<Config> {
  return {
    googleClientId: fake.clientId,
    googleClientSecret: fake.clientSecret,
    googleOauthAuthorizeUrl: fake.urls.authorize,
    googleOauthTokenUrl: fake.urls.token,
    googleOauthRevokeUrl: fake.urls.revoke,
    googleApiUrl: fake.urls.api,
  }
}

/**
 * The config that points the Microsoft provider at `fake`: one https origin for the
 * identity platform and Graph, trusted through the NODE_EXTRA_CA_CERTS the test
 * workers start with (test/global-setup.ts).
 */
export function microsoftConfig(fake: GraphFake): Partial<Config> {
  return {
    microsoftClientId: fake.clientId,
    microsoftClientSecret: fake.clientSecret,
    microsoftTenant: 'common',
    microsoftLoginUrl: fake.url,
    microsoftGraphUrl: fake.url,
  }
}

/**
 * An app with Google and/or Microsoft configured against the fakes, a test clock
 * and (optionally) workers.
 */
export async function startCalendarApp(options: GoogleAppOptions): Promise<FastifyInstance> {
  const schema = options.queueSchema ?? `pgboss_g${randomBytes(5).toString('hex')}`
  const config = testConfig({
    ...(options.fake ? googleConfig(options.fake) : {}),
    ...(options.graph ? microsoftConfig(options.graph) : {}),
    ...(options.listen ? { publicUrl: undefined, host: '127.0.0.1', port: 0 } : {}),
    webhookAllowPrivate: true,
    ...options.config,
  })
  const deps: AppDeps = {
    adminTokenHash: sha256(ADMIN_TOKEN),
    secretKey: SECRET_KEY,
    now: () => options.clock.now,
    secretBox: options.box ?? testBox(),
    // The fake listens on plain http; Google itself only delivers to https.
    calendars: { pushAllowed: () => true, breaker: options.breaker, providers: options.providers },
    // The server's own logger settings (redaction, request serializer), into the stream.
    logger: options.log
      ? { ...(loggerOptions(options.log.level) as object), stream: options.log.stream }
      : false,
    jobs: options.noJobs
      ? false
      : {
          workers: options.workers ?? false,
          mailer: options.mailer,
          queue: {
            schema,
            retryPolicies: FAST_RETRIES,
            pollIntervalMs: 500,
            cronIntervalSeconds: 1,
          },
          // Test files share one database: a poller here would sync other files' integrations.
          schedules: options.schedules ?? false,
        },
  }
  const app = await buildApp(config, deps)
  if (options.listen) await app.listen({ port: 0, host: '127.0.0.1' })
  return app
}

/** {@link startCalendarApp}, under the name the Google tests use. */
export const startGoogleApp = startCalendarApp

/** Drops a test's pg-boss schema. */
export async function dropSchema(db: Db, schema: string): Promise<void> {
  await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(db)
}

/** A Kysely on the test database. */
export function openDb(): Db {
  return createDb({ connectionString: testConfig().databaseUrl!, max: 4 })
}

/** A clock at the helpers' fixed "now" (Monday 2027-03-01 12:00 UTC). */
export function testClock(): TestClock {
  return { now: NOW }
}

/**
 * The real clock, which a test can still move (`clock.now += ms` shifts it):
 * for tests where the fake's own clock matters too (channel lifetimes).
 */
export function liveClock(): TestClock {
  let offset = 0
  return {
    get now() {
      return Date.now() + offset
    },
    set now(value: number) {
      offset = value - Date.now()
    },
  }
}

/** The first Monday at least two days after `now`, `YYYY-MM-DD` (UTC). */
export function nextMonday(now: number): string {
  const day = new Date(now + 2 * 86_400_000)
  const ahead = (8 - day.getUTCDay()) % 7
  return new Date(day.getTime() + ahead * 86_400_000).toISOString().slice(0, 10)
}

/** The Continue link of a start page (`GET …/start?state=`), HTML entities decoded. */
export function continueLinkOf(html: string): string {
  const href = /<a class="continue" href="([^"]+)"/.exec(html)?.[1]
  if (!href) throw new Error(`no Continue link on the start page: ${html.slice(0, 300)}`)
  return href.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
}

/**
 * Opens `authorization_url` (Slotkit's start page) the way a browser does and
 * answers where its Continue button goes: the provider's consent page.
 */
export async function consentUrlOf(
  app: FastifyInstance,
  authorizationUrl: string,
): Promise<string> {
  const start = new URL(authorizationUrl)
  const res = await app.inject({ url: `${start.pathname}${start.search}` })
  if (res.statusCode !== 200) throw new Error(`start page: ${res.statusCode} ${res.body}`)
  return continueLinkOf(res.body)
}

/**
 * Connects `account` of the fake to `host` the way a browser does: authorize,
 * Slotkit's start page (its Continue link), the consent page (the fake consents
 * and redirects), then the callback.
 */
export async function connectGoogle(
  app: FastifyInstance,
  fake: GoogleFake,
  host: Host,
  account: string,
  options: { returnUrl?: string; deny?: boolean } = {},
): Promise<{ callback: string; status: number; body: string; location?: string }> {
  const authorized = await app.inject({
    method: 'POST',
    url: '/api/integrations/google/authorize',
    headers: bearer(host.apiKey),
    payload: options.returnUrl ? { return_url: options.returnUrl } : {},
  })
  if (authorized.statusCode !== 200) {
    throw new Error(`authorize: ${authorized.statusCode} ${authorized.body}`)
  }
  fake.consent = { account, deny: options.deny }
  const consentUrl = await consentUrlOf(app, authorized.json().authorization_url)
  const consent = await fetch(consentUrl, { redirect: 'manual' })
  const location = new URL(consent.headers.get('location')!)
  const callback = `${location.pathname}${location.search}`
  const res = await app.inject({ method: 'GET', url: callback })
  return {
    callback,
    status: res.statusCode,
    body: res.body,
    location: res.headers.location as string | undefined,
  }
}

/**
 * Connects a Microsoft `account` of the fake to `host` the way a browser does:
 * authorize, Slotkit's start page (its Continue link), the fake's sign-in and
 * consent page (it consents and redirects), then the callback.
 */
export async function connectMicrosoft(
  app: FastifyInstance,
  fake: GraphFake,
  host: Host,
  account: string,
  options: { returnUrl?: string; deny?: boolean } = {},
): Promise<{ callback: string; status: number; body: string; location?: string }> {
  const authorized = await app.inject({
    method: 'POST',
    url: '/api/integrations/microsoft/authorize',
    headers: bearer(host.apiKey),
    payload: options.returnUrl ? { return_url: options.returnUrl } : {},
  })
  if (authorized.statusCode !== 200) {
    throw new Error(`authorize: ${authorized.statusCode} ${authorized.body}`)
  }
  fake.consent = { account, deny: options.deny }
  const consentUrl = await consentUrlOf(app, authorized.json().authorization_url)
  const consent = await fetch(consentUrl, { redirect: 'manual' })
  const location = new URL(consent.headers.get('location')!)
  const callback = `${location.pathname}${location.search}`
  const res = await app.inject({ method: 'GET', url: callback })
  return {
    callback,
    status: res.statusCode,
    body: res.body,
    location: res.headers.location as string | undefined,
  }
}

/** The id of the host's only integration. */
export async function integrationOf(app: FastifyInstance, host: Host): Promise<string> {
  const res = await app.inject({ url: '/api/integrations', headers: bearer(host.apiKey) })
  const [integration] = res.json().integrations
  if (!integration) throw new Error(`no integration: ${res.body}`)
  return integration.id
}

/** `POST /api/integrations/:id/sync` as the host; the sync result. */
export async function syncNow(
  app: FastifyInstance,
  host: Host,
  integrationId: string,
): Promise<{
  status: string
  changes: number
  next_attempt_at: string | null
  error: string | null
}> {
  const res = await app.inject({
    method: 'POST',
    url: `/api/integrations/${integrationId}/sync`,
    headers: bearer(host.apiKey),
  })
  if (res.statusCode !== 200) throw new Error(`sync: ${res.statusCode} ${res.body}`)
  return res.json()
}

/** The slot starts (RFC 3339, UTC) of `date` for a meeting type. */
export async function slotStarts(
  app: FastifyInstance,
  meetingTypeId: string,
  date: string,
): Promise<string[]> {
  const res = await app.inject({
    url: `/api/availability/slots?meeting_type_id=${meetingTypeId}&date=${date}&timezone=UTC`,
  })
  if (res.statusCode !== 200) throw new Error(`slots: ${res.statusCode} ${res.body}`)
  return res.json().slots.map((s: { start: string }) => s.start)
}

/** Waits until `check` holds (polls every 50 ms). */
export async function until(
  check: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`timed out waiting for ${what}`)
}
