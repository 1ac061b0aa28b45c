import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { insertWebhook, listDeliveries } from '../../src/db/repositories/webhooks.repository'
import type { Database } from '../../src/db/schema'
import type { Mailer } from '../../src/integrations/email/mailer'
import { verifyWebhookSignature } from '../../src/integrations/webhooks/signature'
import type { JobQueue } from '../../src/jobs/job-queue'
import { DELIVER_WEBHOOK } from '../../src/jobs/queues'
import { registerWorkers } from '../../src/jobs/register-workers'
import { createHost, createMeetingType, createTestApp, NOW } from '../helpers'
import {
  book,
  createTestQueue,
  dropQueue,
  enqueueAfter,
  eventually,
  notificationDeps,
  openTestDb,
  smtpMailer,
} from './harness'
import { SmtpSink } from './smtp-sink'

interface Received {
  headers: IncomingHttpHeaders
  body: string
  at: number
}

/** A real HTTP receiver on loopback that answers with the statuses given, then 200. */
async function startReceiver(statuses: number[]) {
  const received: Received[] = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      received.push({
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
        at: Date.now(),
      })
      res.writeHead(statuses.shift() ?? 200, { 'content-type': 'text/plain' }).end('ok')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hooks/slotkit`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

describe('outbound webhooks', () => {
  let app: FastifyInstance
  let db: Kysely<Database>
  let queue: JobQueue
  // Bookings here also send their e-mails: into a real SMTP server on loopback.
  const sink = new SmtpSink()
  let mailer: Mailer
  beforeAll(async () => {
    db = await openTestDb()
    await sink.start()
    mailer = smtpMailer(sink.url)
    app = await createTestApp()
    queue = await createTestQueue()
    registerWorkers(notificationDeps(db, queue, mailer))
  })
  afterAll(async () => {
    await dropQueue(db, queue)
    await mailer.close()
    await sink.stop()
    await app.close()
    await db.destroy()
  })

  it('signs each delivery; a receiver answering 500 gets retries with backoff, then success is logged', async () => {
    const receiver = await startReceiver([500, 500])
    try {
      const host = await createHost(app)
      const mt = await createMeetingType(app, host)
      const hook = await insertWebhook(db, {
        userId: host.id,
        url: receiver.url,
        events: ['booking.created', 'booking.cancelled'],
        secret: 'whsec_receiver_test',
      })
      const booking = await book(app, mt, '2027-03-02T10:00:00-05:00')
      await enqueueAfter(db, queue, 'created', booking, { now: NOW })
      await eventually(async () => receiver.received.length >= 3, 20_000, 'three attempts')
      await eventually(
        async () => (await listDeliveries(db, hook.id, { limit: 10 }))[0]?.status === 'succeeded',
        5000,
        'delivery logged as succeeded',
      )

      for (const attempt of receiver.received) {
        const check = verifyWebhookSignature(
          'whsec_receiver_test',
          attempt.headers['slotkit-signature'],
          attempt.body,
        )
        expect(check.ok).toBe(true)
        expect(attempt.headers['slotkit-event']).toBe('booking.created')
        expect(attempt.headers['content-type']).toBe('application/json')
      }
      // Same delivery id and the same body on every attempt.
      expect(new Set(receiver.received.map((r) => r.headers['slotkit-delivery'])).size).toBe(1)
      expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1)
      const payload = JSON.parse(receiver.received[0]!.body)
      expect(payload).toMatchObject({
        type: 'booking.created',
        data: {
          booking: { id: booking.id, status: 'confirmed', start_time: '2027-03-02T15:00:00Z' },
        },
      })
      expect(
        verifyWebhookSignature(
          'wrong',
          receiver.received[0]!.headers['slotkit-signature'],
          receiver.received[0]!.body,
        ).ok,
      ).toBe(false)
      // Backoff: the gaps grow (1–2 s, then 2–4 s).
      const [a, b, c] = receiver.received.map((r) => r.at)
      expect(b! - a!).toBeGreaterThanOrEqual(900)
      expect(c! - b!).toBeGreaterThanOrEqual(1900)

      const [delivery] = await listDeliveries(db, hook.id, { limit: 10 })
      expect(delivery).toMatchObject({
        event: 'booking.created',
        bookingId: booking.id,
        status: 'succeeded',
        attempts: 3,
        responseStatus: 200,
        error: null,
        nextAttemptAt: null,
      })
    } finally {
      await receiver.close()
    }
  }, 30_000)

  it('delivers only subscribed events, and refuses a loopback target unless allowed', async () => {
    const receiver = await startReceiver([])
    const strictQueue = await createTestQueue()
    registerWorkers(notificationDeps(db, strictQueue, mailer, { allowPrivateWebhooks: false }))
    try {
      const host = await createHost(app)
      const mt = await createMeetingType(app, host)
      const cancelledOnly = await insertWebhook(db, {
        userId: host.id,
        url: receiver.url,
        events: ['booking.cancelled'],
        secret: 's1',
      })
      const created = await insertWebhook(db, {
        userId: host.id,
        url: receiver.url,
        events: ['booking.created'],
        secret: 's2',
      })
      const booking = await book(app, mt, '2027-03-02T11:00:00-05:00')
      await enqueueAfter(db, strictQueue, 'created', booking, { now: NOW })
      await eventually(
        async () => (await listDeliveries(db, created.id, { limit: 10 }))[0]?.status === 'failed',
        10_000,
        'refused delivery',
      )
      const [refused] = await listDeliveries(db, created.id, { limit: 10 })
      expect(refused).toMatchObject({ attempts: 1, responseStatus: null })
      expect(refused!.error).toMatch(/^refused: 127\.0\.0\.1 is a non-public address/)
      expect(await listDeliveries(db, cancelledOnly.id, { limit: 10 })).toEqual([])
      expect(receiver.received).toEqual([])
      // Not retried: the refusal is final and the job completed.
      expect(
        (await strictQueue.listJobs('failed')).filter((j) => j.name === DELIVER_WEBHOOK),
      ).toEqual([])
    } finally {
      await dropQueue(db, strictQueue)
      await receiver.close()
    }
  })
})
