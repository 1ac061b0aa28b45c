import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../src/config/config'
import type { Database } from '../src/db/schema'
import type { JobQueue } from '../src/jobs/job-queue'
import { sendBookingEmails } from '../src/jobs/send-booking-email'
import { toSecretKeys } from '../src/services/tokens'
import {
  bearer,
  bookingBody,
  createHost,
  createMeetingType,
  createTestApp,
  type Host,
  NOW,
} from './helpers'
import {
  createTestQueue,
  dropQueue,
  notificationDeps,
  openTestDb,
  smtpMailer,
} from './notifications/harness'
import { parseMail, SmtpSink } from './notifications/smtp-sink'

const KEY_A = 'rotation-key-A-0123456789abcdefghijklmnop'
const KEY_B = 'rotation-key-B-0123456789abcdefghijklmnop'

/** An app whose SECRET_KEY is `secretKey`, read through the real configuration. */
function appWith(secretKey: string): Promise<FastifyInstance> {
  return createTestApp({ secretKey: loadConfig({ SECRET_KEY: secretKey }).secretKey })
}

interface Booked {
  id: string
  cancel_url: string
  reschedule_url: string
}

describe('SECRET_KEY as a list of keys, newest first', () => {
  it('accepts comma-separated keys of at least 32 characters each, never echoing them', () => {
    expect(loadConfig({ SECRET_KEY: ` ${KEY_B} , ${KEY_A} ` }).secretKey).toBe(`${KEY_B},${KEY_A}`)
    const short = () => loadConfig({ SECRET_KEY: `${KEY_B},too-short-key` })
    expect(short).toThrow(ConfigError)
    expect(short).toThrow(/key 2 of 2 .* at least 32 characters/)
    expect(short).not.toThrow(/too-short-key/)
    expect(() => loadConfig({ SECRET_KEY: `${KEY_B},,${KEY_A}` })).toThrow(
      'SECRET_KEY: key 2 of 3 (comma-separated, newest first) must be at least 32 characters, not empty',
    )
    // A single key's message does not explain the list.
    expect(() => loadConfig({ SECRET_KEY: ' too-short-key ' })).toThrow(
      /^SECRET_KEY: must be at least 32 characters$/,
    )
    expect(toSecretKeys(`${KEY_B},${KEY_A}`)).toEqual([KEY_B, KEY_A])
  })
})

describe('rotating SECRET_KEY keeps the links already sent', () => {
  let underA: FastifyInstance
  let underBA: FastifyInstance
  let underB: FastifyInstance
  let host: Host
  let mt: string
  let db: Kysely<Database>
  let queue: JobQueue
  let sink: SmtpSink
  let mailer: ReturnType<typeof smtpMailer>

  beforeAll(async () => {
    underA = await appWith(KEY_A)
    underBA = await appWith(`${KEY_B},${KEY_A}`)
    underB = await appWith(KEY_B)
    host = await createHost(underA)
    mt = await createMeetingType(underA, host, { max_days_ahead: 365 })
    db = await openTestDb()
    queue = await createTestQueue()
    sink = new SmtpSink()
    await sink.start()
    mailer = smtpMailer(sink.url)
  })
  afterAll(async () => {
    await Promise.all([underA.close(), underBA.close(), underB.close()])
    await mailer.close()
    await sink.stop()
    await dropQueue(db, queue)
    await db.destroy()
  })

  let invitees = 0
  /** Books `startTime` through `app` (with an Idempotency-Key) for a fresh invitee. */
  async function book(app: FastifyInstance, startTime: string) {
    invitees += 1
    const email = `rotation-${invitees}-${Date.now()}@example.com`
    const idempotencyKey = `rotation-${invitees}-${Date.now()}`
    const body = bookingBody(mt, startTime, { invitee_email: email })
    const res = await app.inject({
      method: 'POST',
      url: '/api/bookings',
      headers: { 'idempotency-key': idempotencyKey },
      payload: body,
    })
    expect(res.statusCode, res.body).toBe(201)
    const replay = (on: FastifyInstance) =>
      on.inject({
        method: 'POST',
        url: '/api/bookings',
        headers: { 'idempotency-key': idempotencyKey },
        payload: body,
      })
    return { booking: res.json() as Booked, email, replay }
  }

  /** GET of the booking through `app` with the token of `link`. */
  const open = (app: FastifyInstance, id: string, link: string) =>
    app.inject({ url: `/api/bookings/${id}${new URL(link).search}` })

  /** Sends the reminder e-mails of version 1 with `keys` and returns the invitee's cancel link. */
  async function mailedCancelLink(
    keys: string,
    kind: 'reminder-24h' | 'reminder-1h',
    id: string,
    email: string,
  ): Promise<string> {
    const before = sink.to(email).length
    const deps = notificationDeps(db, queue, mailer, {
      secretKeys: toSecretKeys(keys),
      now: () => NOW,
    })
    expect((await sendBookingEmails(deps, kind, id, 1)).sent).toBe(2)
    const mail = sink.to(email)[before]
    expect(mail, 'the invitee got the reminder').toBeDefined()
    const text = (await parseMail(mail!)).text ?? ''
    const link = /Cancel: (\S+)/.exec(text)?.[1]
    expect(link, text).toBeDefined()
    return link!
  }

  it('under B,A an old link opens, and every rebuilt link is the one the invitee has', async () => {
    const { booking, email, replay } = await book(underA, '2027-03-02T14:00:00Z')
    // Reading through B,A with the old token rebuilds the same links.
    const got = await open(underBA, booking.id, booking.cancel_url)
    expect(got.statusCode, got.body).toBe(200)
    expect(got.json()).toMatchObject({
      cancel_url: booking.cancel_url,
      reschedule_url: booking.reschedule_url,
    })
    // An idempotent replay and a reminder e-mail rebuild the link with A as well.
    const replayed = await replay(underBA)
    expect(replayed.headers['idempotent-replayed']).toBe('true')
    expect(replayed.json().cancel_url).toBe(booking.cancel_url)
    expect(await mailedCancelLink(`${KEY_B},${KEY_A}`, 'reminder-24h', booking.id, email)).toBe(
      booking.cancel_url,
    )
    // And the old link still cancels.
    const cancelled = await underBA.inject({
      method: 'POST',
      url: `/api/bookings/${booking.id}/cancel${new URL(booking.cancel_url).search}`,
      payload: {},
    })
    expect(cancelled.statusCode, cancelled.body).toBe(200)
    expect(cancelled.json().status).toBe('cancelled')
  })

  it('under B,A new links are made with B: a server with only A refuses them', async () => {
    const { booking } = await book(underBA, '2027-03-02T15:00:00Z')
    expect((await open(underBA, booking.id, booking.cancel_url)).statusCode).toBe(200)
    expect((await open(underB, booking.id, booking.cancel_url)).statusCode).toBe(200)
    expect((await open(underA, booking.id, booking.cancel_url)).statusCode).toBe(404)
  })

  it('with A dropped, links made with A no longer open', async () => {
    const { booking } = await book(underA, '2027-03-02T16:00:00Z')
    expect((await open(underA, booking.id, booking.cancel_url)).statusCode).toBe(200)
    const refused = await open(underB, booking.id, booking.cancel_url)
    expect(refused.statusCode).toBe(404)
    expect(refused.json().error).toBe('NOT_FOUND')
    const cancel = await underB.inject({
      method: 'POST',
      url: `/api/bookings/${booking.id}/cancel${new URL(booking.cancel_url).search}`,
      payload: {},
    })
    expect(cancel.statusCode).toBe(404)
    // The host's key is not affected by the rotation.
    const byHost = await underB.inject({
      url: `/api/bookings/${booking.id}`,
      headers: bearer(host.apiKey),
    })
    expect(byHost.statusCode).toBe(200)
  })

  it('with A dropped, the next e-mail and a replay carry new links made with B that open', async () => {
    const mailed = await book(underA, '2027-03-03T14:00:00Z')
    const fresh = await mailedCancelLink(KEY_B, 'reminder-1h', mailed.booking.id, mailed.email)
    expect(fresh).not.toBe(mailed.booking.cancel_url)
    expect((await open(underB, mailed.booking.id, fresh)).statusCode).toBe(200)
    // The old link stays dead, on every server.
    expect((await open(underBA, mailed.booking.id, mailed.booking.cancel_url)).statusCode).toBe(404)

    const replayed = await book(underA, '2027-03-03T15:00:00Z')
    const again = await replayed.replay(underB)
    expect(again.statusCode, again.body).toBe(201)
    expect(again.headers['idempotent-replayed']).toBe('true')
    const link = again.json().cancel_url as string
    expect(link).not.toBe(replayed.booking.cancel_url)
    const cancelled = await underB.inject({
      method: 'POST',
      url: `/api/bookings/${replayed.booking.id}/cancel${new URL(link).search}`,
      payload: {},
    })
    expect(cancelled.statusCode, cancelled.body).toBe(200)
  })
})
