import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../src/db/schema'
import { reminderJobId } from '../../src/jobs/enqueue-booking-jobs'
import type { JobQueue } from '../../src/jobs/job-queue'
import { SEND_REMINDER } from '../../src/jobs/queues'
import { createHost, createMeetingType, createTestApp, NOW } from '../helpers'
import { book, enqueueAfter, jobsOf, type MailPipeline, startMailPipeline } from './harness'
import { parseMail, type SmtpSink } from './smtp-sink'

const MINUTE = 60_000
const ALL_DAY = [0, 1, 2, 3, 4, 5, 6].map((d) => ({
  day_of_week: d,
  start_time: '00:00',
  end_time: '24:00',
}))

describe('reminders', () => {
  let pipeline: MailPipeline
  let db: Kysely<Database>
  let queue: JobQueue
  let sink: SmtpSink

  beforeAll(async () => {
    pipeline = await startMailPipeline()
    ;({ db, queue, sink } = pipeline)
  })
  afterAll(async () => pipeline.stop())

  describe('scheduling (fixed clock)', () => {
    let app: FastifyInstance
    beforeAll(async () => {
      app = await createTestApp()
    })
    afterAll(async () => {
      await app.close()
    })

    it('schedules the 24 h and 1 h reminders at start − 24 h and start − 1 h', async () => {
      const host = await createHost(app)
      const mt = await createMeetingType(app, host)
      const booking = await book(app, mt, '2027-03-04T09:00:00-05:00')
      await enqueueAfter(db, queue, 'created', booking, { now: NOW })
      const reminders = (await jobsOf(db, queue, SEND_REMINDER)).filter(
        (j) => j.data.bookingId === booking.id,
      )
      expect(reminders.map((j) => [j.data.reminder, j.startAfter.toISOString(), j.state])).toEqual([
        ['24h', '2027-03-03T14:00:00.000Z', 'created'],
        ['1h', '2027-03-04T13:00:00.000Z', 'created'],
      ])
      expect(reminders.map((j) => j.id)).toEqual([
        reminderJobId(booking.id, 1, '24h'),
        reminderJobId(booking.id, 1, '1h'),
      ])
    })

    it('skips a reminder that would already be due (booked 3 hours ahead: 1 h only)', async () => {
      const host = await createHost(app)
      const mt = await createMeetingType(app, host)
      // NOW is 2027-03-01 12:00Z (07:00 in New York); the meeting is at 15:00Z.
      const booking = await book(app, mt, '2027-03-01T10:00:00-05:00')
      await enqueueAfter(db, queue, 'created', booking, { now: NOW })
      const reminders = (await jobsOf(db, queue, SEND_REMINDER)).filter(
        (j) => j.data.bookingId === booking.id,
      )
      expect(reminders.map((j) => j.data.reminder)).toEqual(['1h'])
    })

    it('cancel and reschedule cancel the old reminders; the new booking gets its own', async () => {
      const host = await createHost(app)
      const mt = await createMeetingType(app, host)
      const first = await book(app, mt, '2027-03-04T09:00:00-05:00')
      await enqueueAfter(db, queue, 'created', first, { now: NOW })
      const token = new URL(first.cancel_url as string).searchParams.get('token')
      const moved = await app.inject({
        method: 'POST',
        url: `/api/bookings/${first.id}/reschedule?token=${token}`,
        payload: { start_time: '2027-03-05T09:00:00-05:00' },
      })
      expect(moved.statusCode, moved.body).toBe(200)
      const second = moved.json()
      await enqueueAfter(db, queue, 'rescheduled', second, { now: NOW })
      const all = await jobsOf(db, queue, SEND_REMINDER)
      const states = (id: string) =>
        all.filter((j) => j.data.bookingId === id).map((j) => `${j.data.reminder}:${j.state}`)
      expect(states(first.id)).toEqual(['24h:cancelled', '1h:cancelled'])
      expect(states(second.id)).toEqual(['24h:created', '1h:created'])

      const cancelled = await app.inject({
        method: 'POST',
        url: `/api/bookings/${second.id}/cancel`,
        headers: { authorization: `Bearer ${host.apiKey}` },
        payload: {},
      })
      expect(cancelled.statusCode, cancelled.body).toBe(200)
      await enqueueAfter(db, queue, 'cancelled', cancelled.json())
      const after = await jobsOf(db, queue, SEND_REMINDER)
      expect(after.filter((j) => j.data.bookingId === second.id).map((j) => j.state)).toEqual([
        'cancelled',
        'cancelled',
      ])
    })
  })

  describe('delivery on time (real clock, offsets of seconds)', () => {
    let app: FastifyInstance
    beforeAll(async () => {
      app = await createTestApp({ now: () => Date.now() })
    })
    afterAll(async () => {
      await app.close()
    })

    it('sends each reminder within 2 s of its due time, and never for a cancelled booking', async () => {
      const host = await createHost(app, 'UTC', ALL_DAY)
      const mt = await createMeetingType(app, host, {
        duration_minutes: 15,
        slot_interval_minutes: 1,
      })
      // The next whole minute at least 2 minutes ahead: a bookable slot.
      const startsAt = Math.ceil((Date.now() + 2 * MINUTE) / MINUTE) * MINUTE
      const kept = await book(app, mt, new Date(startsAt).toISOString())
      const dropped = await book(app, mt, new Date(startsAt + 15 * MINUTE).toISOString())
      const now = Date.now()
      // Due in about 3 s and 5 s.
      const offsets = { '24h': startsAt - (now + 3000), '1h': startsAt - (now + 5000) }
      await enqueueAfter(db, queue, 'created', kept, { reminderOffsets: offsets })
      await enqueueAfter(db, queue, 'created', dropped, {
        reminderOffsets: { '24h': offsets['24h'] + 15 * MINUTE, '1h': offsets['1h'] + 15 * MINUTE },
      })
      const cancel = await app.inject({
        method: 'POST',
        url: `/api/bookings/${dropped.id}/cancel`,
        headers: { authorization: `Bearer ${host.apiKey}` },
        payload: {},
      })
      expect(cancel.statusCode).toBe(200)
      await enqueueAfter(db, queue, 'cancelled', cancel.json(), { reminderOffsets: offsets })

      const keptEmail = kept.invitee_email as string
      const droppedEmail = dropped.invitee_email as string
      const remindersTo = async (address: string) => {
        const mails = sink.to(address)
        const parsed = await Promise.all(mails.map(parseMail))
        return mails
          .map((mail, i) => ({ mail, subject: parsed[i]?.subject ?? '' }))
          .filter((m) => m.subject.startsWith('Reminder'))
      }
      const deadline = now + 9000
      while (Date.now() < deadline && (await remindersTo(keptEmail)).length < 2) {
        await new Promise((r) => setTimeout(r, 100))
      }
      const reminders = await remindersTo(keptEmail)
      expect(reminders.map((r) => r.subject)).toEqual([
        expect.stringMatching(/^Reminder: .* in 24 hours/),
        expect.stringMatching(/^Reminder: .* in 1 hour/),
      ])
      const lateness = reminders.map((r, i) => r.mail.acceptedAt - (now + (i === 0 ? 3000 : 5000)))
      for (const ms of lateness) {
        expect(ms).toBeGreaterThanOrEqual(-50)
        expect(ms).toBeLessThan(2000)
      }
      await new Promise((r) => setTimeout(r, 1000))
      expect(await remindersTo(droppedEmail)).toEqual([])
    }, 20_000)
  })
})
