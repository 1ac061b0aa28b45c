import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { createObject, deleteObject, makeCalendar } from 'tsdav'
import { inject } from 'vitest'
import { type AppDeps, buildApp } from '../../src/app'
import type { Config } from '../../src/config/config'
import type { ProviderRegistry } from '../../src/integrations/calendar/calendar-sync'
import type { SecretBox } from '../../src/integrations/calendar/secret-box'
import type { Mailer } from '../../src/integrations/email/mailer'
import { sha256 } from '../../src/services/tokens'
import { type CountingProxy, startCountingProxy as startProxy } from '../caldav-proxy'
import { ADMIN_TOKEN, bearer, type Host, SECRET_KEY, testConfig } from '../helpers'
import { FAST_RETRIES } from '../notifications/harness'
import { addRadicaleUser } from '../radicale'
import { type TestClock, testBox } from './harness'

/** The Radicale the global setup started ('' without one, never under CI). */
export function radicaleUrl(): string {
  return inject('radicaleUrl')
}

/** A Radicale user with one calendar, and tsdav calls to fill it as another client would. */
export interface CaldavAccount {
  readonly username: string
  readonly password: string
  /** The calendar's URL (`…/<user>/work/`), its id in Slotkit. */
  readonly calendarUrl: string
  /** PUTs an object (`If-None-Match: *` unless `replace`); answers the HTTP status. */
  put(fileName: string, ics: string, options?: { replace?: boolean }): Promise<number>
  remove(fileName: string): Promise<number>
  /** GET of an object: status, body and etag. */
  get(fileName: string): Promise<{ status: number; body: string; etag: string | null }>
}

let accounts = 0

/** Basic auth headers of a user. */
export function basic(username: string, password: string): Record<string, string> {
  return {
    authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`,
  }
}

/**
 * A new Radicale user (unique name, random password) with a calendar `work`
 * made through tsdav (MKCALENDAR), at `baseUrl` (Radicale, or a proxy in front of it).
 */
export async function newCaldavAccount(
  baseUrl = radicaleUrl(),
  options: { email?: boolean } = {},
): Promise<CaldavAccount> {
  accounts += 1
  // An e-mail address as user name (as on iCloud or Fastmail) is also the account's address.
  const username = `host${accounts}-${randomBytes(4).toString('hex')}${options.email ? '@example.com' : ''}`
  const password = randomBytes(12).toString('base64url')
  await addRadicaleUser(inject('radicaleUsers'), username, password)
  const headers = basic(username, password)
  const calendarUrl = new URL(`/${username}/work/`, baseUrl).href
  const made = await makeCalendar({ url: calendarUrl, props: { displayname: 'Work' }, headers })
  if (made[0]?.status !== 201) throw new Error(`MKCALENDAR: ${made[0]?.status}`)
  return {
    username,
    password,
    calendarUrl,
    async put(fileName, ics, options = {}) {
      const url = new URL(fileName, calendarUrl).href
      const response = options.replace
        ? await fetch(url, {
            method: 'PUT',
            headers: { ...headers, 'content-type': 'text/calendar; charset=utf-8' },
            body: ics,
          })
        : await createObject({
            url,
            data: ics,
            headers: {
              ...headers,
              'content-type': 'text/calendar; charset=utf-8',
              'If-None-Match': '*',
            },
          })
      return response.status
    },
    async remove(fileName) {
      return (await deleteObject({ url: new URL(fileName, calendarUrl).href, headers })).status
    },
    async get(fileName) {
      const response = await fetch(new URL(fileName, calendarUrl).href, { headers })
      return {
        status: response.status,
        body: await response.text(),
        etag: response.headers.get('etag'),
      }
    },
  }
}

/** An iCalendar object of VEVENTs (CRLF lines). */
export function calendarObject(...vevents: string[][]): string {
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Slotkit tests//CalDAV//EN',
    ...vevents.flat(),
    'END:VCALENDAR',
    '',
  ].join('\r\n')
}

/** A VEVENT's lines. */
export function vevent(uid: string, ...lines: string[]): string[] {
  return ['BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20270101T000000Z', ...lines, 'END:VEVENT']
}

export type { CountingProxy, ProxiedRequest } from '../caldav-proxy'

/** A counting proxy in front of the tests' Radicale. */
export function startCountingProxy(target = radicaleUrl()): Promise<CountingProxy> {
  return startProxy(target)
}

/** Options of {@link startCaldavApp}. */
export interface CaldavAppOptions {
  readonly clock: TestClock
  readonly workers?: boolean
  readonly queueSchema?: string
  readonly mailer?: Mailer
  readonly box?: SecretBox
  readonly config?: Partial<Config>
  readonly providers?: ProviderRegistry
}

/**
 * An app on the test database with CalDAV (always configured) and, by default,
 * WEBHOOK_ALLOW_PRIVATE on, since Radicale listens on loopback.
 */
export async function startCaldavApp(options: CaldavAppOptions): Promise<FastifyInstance> {
  const schema = options.queueSchema ?? `pgboss_c${randomBytes(5).toString('hex')}`
  const config = testConfig({ webhookAllowPrivate: true, ...options.config })
  const deps: AppDeps = {
    adminTokenHash: sha256(ADMIN_TOKEN),
    secretKey: SECRET_KEY,
    now: () => options.clock.now,
    secretBox: options.box ?? testBox(),
    calendars: { providers: options.providers },
    logger: false,
    jobs: {
      workers: options.workers ?? false,
      mailer: options.mailer,
      queue: { schema, retryPolicies: FAST_RETRIES, pollIntervalMs: 500, cronIntervalSeconds: 1 },
      schedules: false,
    },
  }
  return buildApp(config, deps)
}

/** `POST /api/integrations/caldav` as the host. */
export async function connectCaldav(
  app: FastifyInstance,
  host: Host,
  body: { server_url: string; username: string; password: string },
) {
  return app.inject({
    method: 'POST',
    url: '/api/integrations/caldav',
    headers: bearer(host.apiKey),
    payload: body,
  })
}

/** The fields of a connect body for `account` at `baseUrl`. */
export function connectBody(account: CaldavAccount, baseUrl = radicaleUrl()) {
  return { server_url: baseUrl, username: account.username, password: account.password }
}
