import { mkdtemp, readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../src/db/schema'
import { createMailer } from '../../src/integrations/email/create-mailer'
import type { Mailer } from '../../src/integrations/email/mailer'
import { enqueueBookingCreated } from '../../src/jobs/enqueue-booking-jobs'
import { SEND_EMAIL } from '../../src/jobs/queues'
import { registerWorkers } from '../../src/jobs/register-workers'
import { sendBookingEmails } from '../../src/jobs/send-booking-email'
import { createHost, createMeetingType, createTestApp, NOW } from '../helpers'
import {
  book,
  createTestQueue,
  dropQueue,
  enqueueAfter,
  eventually,
  jobsOf,
  notificationDeps,
  openTestDb,
  silentLog,
  smtpMailer,
} from './harness'
import { parseMail, SmtpSink } from './smtp-sink'

const HOUR = 3_600_000

/** `count` bookings of one new host on 2027-03-02, one per hour from 09:00 New York. */
async function bookMany(app: FastifyInstance, count: number) {
  const host = await createHost(app, 'America/New_York', [
    { day_of_week: 2, start_time: '00:00', end_time: '24:00' },
  ])
  const mt = await createMeetingType(app, host)
  const start = Date.parse('2027-03-02T05:00:00Z')
  const bookings = []
  for (let i = 0; i < count; i++) {
    bookings.push(await book(app, mt, new Date(start + i * HOUR).toISOString()))
  }
  return bookings
}

async function messageIds(sink: SmtpSink): Promise<string[]> {
  return (await Promise.all(sink.messages.map(parseMail))).map((m) => m.messageId ?? '')
}

describe('e-mail delivery under failure', () => {
  let app: FastifyInstance
  let db: Kysely<Database>
  beforeAll(async () => {
    db = await openTestDb()
    app = await createTestApp()
  })
  afterAll(async () => {
    await app.close()
    await db.destroy()
  })

  it('SMTP down for a while: every mail arrives once it is back, none lost, none twice', async () => {
    const sink = new SmtpSink()
    await sink.start()
    const port = sink.port
    await sink.stop()
    const queue = await createTestQueue()
    const mailer = smtpMailer(`smtp://127.0.0.1:${port}`)
    registerWorkers(notificationDeps(db, queue, mailer))
    try {
      const bookings = await bookMany(app, 5)
      for (const b of bookings) await enqueueAfter(db, queue, 'created', b, { now: NOW })
      // The first attempts fail (connection refused) and go into retry with backoff.
      await eventually(
        async () => (await jobsOf(db, queue, SEND_EMAIL)).some((j) => j.state === 'retry'),
        10_000,
        'a job in retry',
      )
      await new Promise((r) => setTimeout(r, 1500))
      expect(sink.messages).toHaveLength(0)
      await sink.start()
      await sink.waitFor(10, 30_000)
      await eventually(
        async () => (await jobsOf(db, queue, SEND_EMAIL)).every((j) => j.state === 'completed'),
        10_000,
        'all jobs completed',
      )
      await new Promise((r) => setTimeout(r, 500))
      const ids = await messageIds(sink)
      expect(ids).toHaveLength(10)
      expect(new Set(ids).size).toBe(10)
    } finally {
      await dropQueue(db, queue)
      await mailer.close()
      await sink.stop()
    }
  }, 60_000)

  it('two workers on one queue send each mail exactly once', async () => {
    const sink = new SmtpSink()
    await sink.start()
    const producer = await createTestQueue()
    const workerA = await createTestQueue({ schema: producer.schema })
    const workerB = await createTestQueue({ schema: producer.schema })
    const sentBy = { a: 0, b: 0 }
    const counting = (mailer: Mailer, key: 'a' | 'b'): Mailer => ({
      description: mailer.description,
      close: () => mailer.close(),
      send: async (message) => {
        const sent = await mailer.send(message)
        sentBy[key] += 1
        return sent
      },
    })
    const mailerA = counting(smtpMailer(sink.url), 'a')
    const mailerB = counting(smtpMailer(sink.url), 'b')
    // Both fetch in batches of 2, so the 20 jobs are spread over the two.
    registerWorkers(notificationDeps(db, workerA, mailerA), { emailBatchSize: 2 })
    registerWorkers(notificationDeps(db, workerB, mailerB), { emailBatchSize: 2 })
    try {
      const bookings = await bookMany(app, 20)
      for (const b of bookings) await enqueueAfter(db, producer, 'created', b, { now: NOW })
      await sink.waitFor(40, 30_000)
      await new Promise((r) => setTimeout(r, 1000))
      const ids = await messageIds(sink)
      expect(ids).toHaveLength(40)
      expect(new Set(ids).size).toBe(40)
      // Both took part.
      expect(sentBy.a).toBeGreaterThan(0)
      expect(sentBy.b).toBeGreaterThan(0)
      expect(sentBy.a + sentBy.b).toBe(40)
    } finally {
      await workerA.stop()
      await workerB.stop()
      await dropQueue(db, producer)
      await mailerA.close()
      await mailerB.close()
      await sink.stop()
    }
  }, 60_000)

  it('a rolled-back booking transaction leaves no job behind', async () => {
    const queue = await createTestQueue()
    try {
      const [booking] = await bookMany(app, 1)
      await expect(
        db.transaction().execute(async (trx) => {
          await enqueueBookingCreated(
            { queue, trx, now: NOW },
            {
              id: booking!.id,
              hostId: 'h',
              version: 1,
              startsAt: new Date('2027-03-05T00:00:00Z'),
            },
            booking as never,
          )
          expect((await jobsOf(trx, queue, SEND_EMAIL)).length).toBe(1)
          throw new Error('roll back')
        }),
      ).rejects.toThrow('roll back')
      expect(await jobsOf(db, queue, SEND_EMAIL)).toEqual([])
    } finally {
      await dropQueue(db, queue)
    }
  })

  it('after the last retry a job stays failed, is listed, and can be retried', async () => {
    const sink = new SmtpSink()
    await sink.start()
    const port = sink.port
    await sink.stop()
    const queue = await createTestQueue({
      retryPolicies: { [SEND_EMAIL]: { retryLimit: 1, retryDelaySeconds: 1, retryBackoff: false } },
    })
    const mailer = smtpMailer(`smtp://127.0.0.1:${port}`)
    registerWorkers(notificationDeps(db, queue, mailer))
    try {
      const [booking] = await bookMany(app, 1)
      await enqueueAfter(db, queue, 'created', booking!, { now: NOW })
      await eventually(
        async () => (await queue.listJobs('failed')).length === 1,
        15_000,
        'a failed job',
      )
      const [failed] = await queue.listJobs('failed')
      expect(failed).toMatchObject({
        name: SEND_EMAIL,
        retryCount: 1,
        retryLimit: 1,
        data: { event: 'confirmation', bookingId: booking!.id },
      })
      expect(JSON.stringify(failed!.output)).toContain('ECONNREFUSED')
      expect((await queue.countByState()).failed).toBe(1)

      await sink.start()
      expect(await queue.retryFailed(failed!.id)).toBe(true)
      expect(await queue.retryFailed(failed!.id)).toBe(false)
      await sink.waitFor(2, 15_000)
      await eventually(async () => (await queue.countByState()).failed === 0, 5000, 'no failed')
    } finally {
      await dropQueue(db, queue)
      await mailer.close()
      await sink.stop()
    }
  }, 40_000)

  it('with no SMTP_URL, messages are written as .eml files to DATA_DIR/outbox and logged', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'slotkit-outbox-'))
    const logged: object[] = []
    const mailer: Mailer = createMailer({
      smtpUrl: undefined,
      mailFrom: undefined,
      dataDir,
      log: { info: (obj) => logged.push(obj) },
    })
    const queue = await createTestQueue()
    try {
      const [booking] = await bookMany(app, 1)
      const result = await sendBookingEmails(
        notificationDeps(db, queue, mailer, { log: silentLog }),
        'confirmation',
        booking!.id,
        1,
      )
      expect(result.sent).toBe(2)
      const files = (await readdir(join(dataDir, 'outbox'))).sort()
      expect(files).toEqual([
        `${booking!.id}.confirmation.host.v1_slotkit.eml`,
        `${booking!.id}.confirmation.invitee.v1_slotkit.eml`,
      ])
      const eml = await readFile(join(dataDir, 'outbox', files[1]!), 'utf8')
      expect(eml).toContain('Subject: Confirmed: Meeting with Test Host')
      expect(eml).toContain('text/calendar')
      expect(logged).toHaveLength(2)
      expect(logged[0]).toMatchObject({ path: expect.stringContaining(join(dataDir, 'outbox')) })
    } finally {
      await dropQueue(db, queue)
    }
  })
})
