import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { type Kysely, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../src/db/schema'
import { verifyWebhookSignature } from '../../src/index'
import { DISPATCH_WEBHOOKS, SEND_EMAIL, SEND_REMINDER } from '../../src/jobs/queues'
import { admin, bearer, createHost, createMeetingType, createTestApp } from '../helpers'
import { book, eventually, FAST_RETRIES, jobsOf, openTestDb, smtpMailer } from './harness'
import { calendarPartOf, parseMail, SmtpSink } from './smtp-sink'

async function startReceiver() {
  const received: { headers: IncomingHttpHeaders; body: string }[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString() })
      res.writeHead(204).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

describe('notifications through the HTTP API', () => {
  let app: FastifyInstance
  let db: Kysely<Database>
  const sink = new SmtpSink()
  const schema = `pgboss_api${Date.now().toString(36)}`

  beforeAll(async () => {
    db = await openTestDb()
    await sink.start()
    app = await createTestApp({
      webhookAllowPrivate: true,
      jobs: {
        workers: true,
        mailer: smtpMailer(sink.url),
        queue: { schema, retryPolicies: FAST_RETRIES, pollIntervalMs: 500 },
      },
    })
  })
  afterAll(async () => {
    await app.close()
    await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(db)
    await sink.stop()
    await db.destroy()
  })

  const queue = () => app.slotkitJobs!

  it('a booking commits with its jobs: confirmation mails, two reminders, a webhook event', async () => {
    const host = await createHost(app)
    const mt = await createMeetingType(app, host, { name: 'Demo' })
    const before = sink.messages.length
    const booking = await book(app, mt, '2027-03-04T09:00:00-05:00')
    await sink.waitFor(before + 2)
    const mails = await Promise.all(sink.to(booking.invitee_email as string).map(parseMail))
    expect(mails[0]?.subject).toContain('Confirmed: Demo with Test Host')
    const reminders = (await jobsOf(db, queue(), SEND_REMINDER)).filter(
      (j) => j.data.bookingId === booking.id,
    )
    expect(reminders.map((j) => j.startAfter.toISOString())).toEqual([
      '2027-03-03T14:00:00.000Z',
      '2027-03-04T13:00:00.000Z',
    ])
  })

  it('a rejected booking leaves no job behind', async () => {
    const host = await createHost(app)
    const mt = await createMeetingType(app, host)
    await book(app, mt, '2027-03-04T10:00:00-05:00')
    const count = async () =>
      (
        await Promise.all(
          ([SEND_EMAIL, SEND_REMINDER, DISPATCH_WEBHOOKS] as const).map((n) =>
            jobsOf(db, queue(), n),
          ),
        )
      ).flat().length
    const before = await count()
    const conflict = await app.inject({
      method: 'POST',
      url: '/api/bookings',
      payload: {
        meeting_type_id: mt,
        start_time: '2027-03-04T10:00:00-05:00',
        invitee_name: 'Late',
        invitee_email: 'late@example.com',
        invitee_timezone: 'UTC',
      },
    })
    expect(conflict.statusCode).toBe(409)
    expect(await count()).toBe(before)
  })

  it('cancel over HTTP cancels the reminders in the same transaction and mails both parties', async () => {
    const host = await createHost(app)
    const mt = await createMeetingType(app, host)
    const booking = await book(app, mt, '2027-03-05T09:00:00-05:00')
    const res = await app.inject({
      method: 'POST',
      url: `/api/bookings/${booking.id}/cancel`,
      headers: bearer(host.apiKey),
      payload: { reason: 'Ill' },
    })
    expect(res.statusCode).toBe(200)
    const reminders = (await jobsOf(db, queue(), SEND_REMINDER)).filter(
      (j) => j.data.bookingId === booking.id,
    )
    expect(reminders.map((j) => j.state)).toEqual(['cancelled', 'cancelled'])
    await eventually(
      async () =>
        (await Promise.all(sink.to(booking.invitee_email as string).map(parseMail))).some((m) =>
          m.subject?.startsWith('Cancelled:'),
        ),
      10_000,
      'cancellation mail',
    )
  })

  it('reschedule over HTTP moves the reminders and sends the same invite UID with SEQUENCE 1', async () => {
    const host = await createHost(app)
    const mt = await createMeetingType(app, host, { name: 'Moved' })
    const booking = await book(app, mt, '2027-03-09T09:00:00-05:00')
    const token = new URL(booking.cancel_url as string).searchParams.get('token')
    const moved = await app.inject({
      method: 'POST',
      url: `/api/bookings/${booking.id}/reschedule?token=${token}`,
      payload: { start_time: '2027-03-10T11:00:00-05:00' },
    })
    expect(moved.statusCode, moved.body).toBe(200)
    const next = moved.json()
    const reminders = await jobsOf(db, queue(), SEND_REMINDER)
    const of = (id: string) => reminders.filter((j) => j.data.bookingId === id).map((j) => j.state)
    expect(of(booking.id)).toEqual(['cancelled', 'cancelled'])
    expect(of(next.id)).toEqual(['created', 'created'])
    const inviteeEmail = booking.invitee_email as string
    await eventually(
      async () =>
        (await Promise.all(sink.to(inviteeEmail).map(parseMail))).some((m) =>
          m.subject?.startsWith('Rescheduled:'),
        ),
      10_000,
      'reschedule mail',
    )
    const mails = await Promise.all(sink.to(inviteeEmail).map(parseMail))
    const rescheduled =
      sink.to(inviteeEmail)[mails.findIndex((m) => m.subject?.startsWith('Rescheduled:'))]!
    const ics = await calendarPartOf(rescheduled)
    expect(ics).toContain(`UID:${booking.id}@slotkit`)
    expect(ics).toContain('SEQUENCE:1')
    expect(ics).toContain('METHOD:REQUEST')
    expect(ics).toContain('DTSTART:20270310T160000Z')
  })

  describe('webhook routes', () => {
    it('create (secret once), list, deliveries, delete', async () => {
      const receiver = await startReceiver()
      try {
        const host = await createHost(app)
        const other = await createHost(app)
        const mt = await createMeetingType(app, host)
        const created = await app.inject({
          method: 'POST',
          url: '/api/webhooks',
          headers: bearer(host.apiKey),
          payload: { user_id: host.id, url: receiver.url, events: ['booking.created'] },
        })
        expect(created.statusCode, created.body).toBe(201)
        const hook = created.json()
        expect(hook).toMatchObject({
          user_id: host.id,
          url: receiver.url,
          events: ['booking.created'],
          is_active: true,
        })
        expect(hook.secret).toMatch(/^whsec_/)

        const list = await app.inject({
          url: `/api/webhooks?user_id=${host.id}`,
          headers: bearer(host.apiKey),
        })
        expect(list.statusCode).toBe(200)
        expect(list.json().webhooks).toHaveLength(1)
        expect(list.json().webhooks[0].secret).toBeUndefined()

        const booking = await book(app, mt, '2027-03-08T09:00:00-05:00')
        await eventually(async () => receiver.received.length === 1, 10_000, 'delivery')
        const [delivery] = receiver.received
        expect(
          verifyWebhookSignature(
            hook.secret,
            delivery!.headers['slotkit-signature'],
            delivery!.body,
          ).ok,
        ).toBe(true)
        expect(JSON.parse(delivery!.body).data.booking.id).toBe(booking.id)
        await eventually(
          async () => {
            const log = await app.inject({
              url: `/api/webhooks/${hook.id}/deliveries`,
              headers: bearer(host.apiKey),
            })
            return log.json().deliveries[0]?.status === 'succeeded'
          },
          5000,
          'logged',
        )
        const log = await app.inject({
          url: `/api/webhooks/${hook.id}/deliveries`,
          headers: bearer(host.apiKey),
        })
        expect(log.json()).toMatchObject({
          deliveries: [
            {
              webhook_id: hook.id,
              event: 'booking.created',
              booking_id: booking.id,
              status: 'succeeded',
              attempts: 1,
              response_status: 204,
              error: null,
            },
          ],
          next_cursor: null,
        })

        const foreign = await app.inject({
          url: `/api/webhooks/${hook.id}/deliveries`,
          headers: bearer(other.apiKey),
        })
        expect(foreign.statusCode).toBe(403)
        const anonymous = await app.inject({ method: 'DELETE', url: `/api/webhooks/${hook.id}` })
        expect(anonymous.statusCode).toBe(401)
        const deleted = await app.inject({
          method: 'DELETE',
          url: `/api/webhooks/${hook.id}`,
          headers: bearer(host.apiKey),
        })
        expect(deleted.statusCode).toBe(204)
        const gone = await app.inject({
          method: 'DELETE',
          url: `/api/webhooks/${hook.id}`,
          headers: bearer(host.apiKey),
        })
        expect(gone.statusCode).toBe(404)
      } finally {
        await receiver.close()
      }
    }, 20_000)

    it('refuses non-http and (without WEBHOOK_ALLOW_PRIVATE) loopback URLs', async () => {
      const strict = await createTestApp({ webhookAllowPrivate: false, jobs: false })
      try {
        const host = await createHost(strict)
        for (const url of [
          'http://127.0.0.1:9/hook',
          'http://[::1]/x',
          'http://169.254.169.254/',
        ]) {
          const res = await strict.inject({
            method: 'POST',
            url: '/api/webhooks',
            headers: bearer(host.apiKey),
            payload: { user_id: host.id, url, events: ['booking.created'] },
          })
          expect(res.statusCode, url).toBe(400)
          expect(res.json()).toMatchObject({
            error: 'VALIDATION_FAILED',
            details: { field: 'url' },
          })
        }
        const ftp = await strict.inject({
          method: 'POST',
          url: '/api/webhooks',
          headers: bearer(host.apiKey),
          payload: { user_id: host.id, url: 'ftp://example.com/x', events: ['booking.created'] },
        })
        expect(ftp.statusCode).toBe(400)
      } finally {
        await strict.close()
      }
    })
  })

  describe('admin jobs', () => {
    it('lists failed jobs with counts for the admin only, and retries by id', async () => {
      const host = await createHost(app)
      const asHost = await app.inject({ url: '/api/admin/jobs', headers: bearer(host.apiKey) })
      expect(asHost.statusCode).toBe(403)
      const res = await app.inject({ url: '/api/admin/jobs?state=failed', headers: admin })
      expect(res.statusCode).toBe(200)
      expect(res.json()).toMatchObject({ counts: { failed: expect.any(Number) }, jobs: [] })
      const retry = await app.inject({
        method: 'POST',
        url: '/api/admin/jobs/00000000-0000-4000-8000-000000000000/retry',
        headers: admin,
      })
      expect(retry.statusCode).toBe(404)
    })
  })
})
