import type { FastifyInstance } from 'fastify'
import ICAL from 'ical.js'
import type { Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../src/db/schema'
import type { JobQueue } from '../../src/jobs/job-queue'
import { sendBookingEmails } from '../../src/jobs/send-booking-email'
import { admin, createHost, createMeetingType, createTestApp } from '../helpers'
import {
  book,
  enqueueAfter,
  type MailPipeline,
  notificationDeps,
  startMailPipeline,
} from './harness'
import { calendarPartOf, parseMail, type SmtpSink } from './smtp-sink'

function parseInvite(ics: string) {
  const calendar = new ICAL.Component(ICAL.parse(ics))
  const event = calendar.getFirstSubcomponent('vevent')
  if (!event) throw new Error('no VEVENT')
  const start = event.getFirstPropertyValue('dtstart') as ICAL.Time
  const end = event.getFirstPropertyValue('dtend') as ICAL.Time
  return {
    method: calendar.getFirstPropertyValue('method'),
    uid: event.getFirstPropertyValue('uid'),
    sequence: Number(event.getFirstPropertyValue('sequence')),
    status: event.getFirstPropertyValue('status'),
    start: start.toJSDate().toISOString(),
    end: end.toJSDate().toISOString(),
    startIsUtc: start.zone?.tzid === 'UTC',
  }
}

describe('booking e-mails over real SMTP', () => {
  let app: FastifyInstance
  let pipeline: MailPipeline
  let db: Kysely<Database>
  let queue: JobQueue
  let sink: SmtpSink

  beforeAll(async () => {
    pipeline = await startMailPipeline()
    ;({ db, queue, sink } = pipeline)
    app = await createTestApp()
  })
  afterAll(async () => {
    await app.close()
    await pipeline.stop()
  })

  it('sends the confirmation to invitee and host, each with both zones, HTML, text, links and an invite', async () => {
    const host = await createHost(app, 'America/New_York')
    const mt = await createMeetingType(app, host, { name: 'Intro call' })
    const before = sink.messages.length
    // 2027-03-02 19:00Z = 2:00 PM EST in New York = 7:00 PM GMT in London.
    const booking = await book(app, mt, '2027-03-02T14:00:00-05:00', {
      invitee_timezone: 'Europe/London',
    })
    await enqueueAfter(db, queue, 'created', booking, { now: Date.parse('2027-03-01T12:00:00Z') })
    await sink.waitFor(before + 2)

    const inviteeEmail = booking.invitee_email as string
    const [toInvitee] = sink.to(inviteeEmail)
    const hostUser = await app.inject({ url: `/api/users/${host.id}`, headers: admin })
    const hostEmail = (hostUser.json() as { email: string }).email
    const [toHost] = sink.to(hostEmail)
    expect(toInvitee && toHost).toBeTruthy()

    const invitee = await parseMail(toInvitee!)
    expect(invitee.subject).toBe(
      'Confirmed: Intro call with Test Host on Tuesday, March 2, 2027 at 7:00 PM GMT',
    )
    expect(invitee.text).toContain('For you (London): Tuesday, March 2, 2027 at 7:00 PM GMT')
    expect(invitee.text).toContain(
      'For your host (New York): Tuesday, March 2, 2027 at 2:00 PM EST',
    )
    expect(invitee.html).toContain('For you (London): Tuesday, March 2, 2027 at 7:00 PM GMT')
    expect(invitee.html).toContain(
      'For your host (New York): Tuesday, March 2, 2027 at 2:00 PM EST',
    )
    expect(invitee.text).toMatch(
      new RegExp(`Cancel: http://slotkit\\.test/bookings/${booking.id}/cancel\\?token=[\\w-]+`),
    )
    expect(invitee.text).toMatch(
      new RegExp(
        `Reschedule: http://slotkit\\.test/bookings/${booking.id}/reschedule\\?token=[\\w-]+`,
      ),
    )
    // The links in the e-mail are the ones the API handed out.
    expect(invitee.text).toContain(booking.cancel_url as string)
    expect(invitee.from?.value[0]).toMatchObject({
      name: 'Slotkit',
      address: 'bookings@slotkit.test',
    })
    expect(invitee.messageId).toBe(`<${booking.id}.confirmation.invitee.v1@slotkit>`)

    const hostMail = await parseMail(toHost!)
    expect(hostMail.subject).toBe(
      'New booking: Intro call with Ada Lovelace on Tuesday, March 2, 2027 at 2:00 PM EST',
    )
    expect(hostMail.text).toContain('For you (New York): Tuesday, March 2, 2027 at 2:00 PM EST')
    expect(hostMail.text).toContain(
      'For your invitee (London): Tuesday, March 2, 2027 at 7:00 PM GMT',
    )

    for (const mail of [toInvitee!, toHost!]) {
      const invite = parseInvite(await calendarPartOf(mail))
      expect(invite).toMatchObject({
        method: 'REQUEST',
        uid: `${booking.id}@slotkit`,
        sequence: 0,
        status: 'CONFIRMED',
        start: '2027-03-02T19:00:00.000Z',
        end: '2027-03-02T19:30:00.000Z',
        startIsUtc: true,
      })
    }
  })

  it('reschedule keeps the UID with SEQUENCE 1; cancel sends METHOD:CANCEL with SEQUENCE 2', async () => {
    const host = await createHost(app, 'America/New_York')
    const mt = await createMeetingType(app, host, { name: 'Sync' })
    const booking = await book(app, mt, '2027-03-03T10:00:00-05:00', {
      invitee_timezone: 'Asia/Kolkata',
    })
    const inviteeEmail = booking.invitee_email as string
    await enqueueAfter(db, queue, 'created', booking, { now: Date.parse('2027-03-01T12:00:00Z') })
    await sink.waitFor(sink.messages.length + 2)

    const moved = await app.inject({
      method: 'POST',
      url: `/api/bookings/${booking.id}/reschedule?token=${new URL(booking.cancel_url as string).searchParams.get('token')}`,
      payload: { start_time: '2027-03-04T11:00:00-05:00' },
    })
    expect(moved.statusCode, moved.body).toBe(200)
    const newBooking = moved.json()
    await enqueueAfter(db, queue, 'rescheduled', newBooking, {
      now: Date.parse('2027-03-01T12:00:00Z'),
    })
    await sink.waitFor(sink.messages.length + 2)
    const rescheduled = sink.to(inviteeEmail).at(-1)!
    const parsed = await parseMail(rescheduled)
    expect(parsed.subject).toContain('Rescheduled: Sync with Test Host')
    // Kolkata is +05:30: 16:00Z is 9:30 PM there.
    expect(parsed.text).toContain('For you (Kolkata): Thursday, March 4, 2027 at 9:30 PM GMT+5:30')
    expect(parsed.text).toContain('Previously:')
    expect(parsed.text).toContain('For you (Kolkata): Wednesday, March 3, 2027 at 8:30 PM GMT+5:30')
    expect(parseInvite(await calendarPartOf(rescheduled))).toMatchObject({
      method: 'REQUEST',
      uid: `${booking.id}@slotkit`,
      sequence: 1,
      start: '2027-03-04T16:00:00.000Z',
      end: '2027-03-04T16:30:00.000Z',
    })

    const cancelled = await app.inject({
      method: 'POST',
      url: `/api/bookings/${newBooking.id}/cancel?token=${new URL(newBooking.cancel_url as string).searchParams.get('token')}`,
      payload: { reason: 'Something came up' },
    })
    expect(cancelled.statusCode, cancelled.body).toBe(200)
    await enqueueAfter(db, queue, 'cancelled', cancelled.json())
    await sink.waitFor(sink.messages.length + 2)
    const cancelMail = sink.to(inviteeEmail).at(-1)!
    const cancelParsed = await parseMail(cancelMail)
    expect(cancelParsed.subject).toContain('Cancelled: Sync with Test Host')
    expect(cancelParsed.text).toContain('Reason: Something came up')
    expect(cancelParsed.text).toContain(`Book again: http://slotkit.test/book/${mt}`)
    expect(cancelParsed.text).not.toContain('Cancel: ')
    expect(parseInvite(await calendarPartOf(cancelMail))).toMatchObject({
      method: 'CANCEL',
      uid: `${booking.id}@slotkit`,
      sequence: 2,
      status: 'CANCELLED',
    })
  })

  it('keeps a cancel reason with line breaks on its one "Reason:" line (no header-like lines)', async () => {
    const host = await createHost(app, 'America/New_York')
    const mt = await createMeetingType(app, host, { name: 'Sync' })
    const booking = await book(app, mt, '2027-03-03T13:00:00-05:00')
    const inviteeEmail = booking.invitee_email as string
    const token = new URL(booking.cancel_url as string).searchParams.get('token')
    const cancelled = await app.inject({
      method: 'POST',
      url: `/api/bookings/${booking.id}/cancel?token=${token}`,
      payload: { reason: 'a\r\nBcc: x@y.example\n\u2028Subject: won\u0007' },
    })
    expect(cancelled.statusCode, cancelled.body).toBe(200)
    // The booking keeps the reason as given; only the e-mail flattens it.
    expect(cancelled.json().cancel_reason).toBe('a\r\nBcc: x@y.example\n\u2028Subject: won\u0007')
    const before = sink.messages.length
    await enqueueAfter(db, queue, 'cancelled', cancelled.json())
    await sink.waitFor(before + 2)
    const mail = sink.to(inviteeEmail).at(-1)!
    expect(mail.to).toEqual([inviteeEmail])
    expect(sink.messages.some((m) => m.to.includes('x@y.example'))).toBe(false)
    const parsed = await parseMail(mail)
    expect(parsed.text).toContain('Reason: a Bcc: x@y.example Subject: won\n')
    expect(parsed.text).not.toMatch(/^(Bcc|Subject):/m)
    expect(parsed.html).toContain('a Bcc: x@y.example Subject: won</td>')
    expect(parsed.headers.has('bcc')).toBe(false)
  })

  it('a job that runs twice sends each message once', async () => {
    const host = await createHost(app, 'Europe/Berlin')
    const mt = await createMeetingType(app, host)
    const booking = await book(app, mt, '2027-03-05T10:00:00+01:00')
    const deps = notificationDeps(db, queue, pipeline.mailer)
    const before = sink.messages.length
    const results = await Promise.all([
      sendBookingEmails(deps, 'confirmation', booking.id, booking.version),
      sendBookingEmails(deps, 'confirmation', booking.id, booking.version),
    ])
    const again = await sendBookingEmails(deps, 'confirmation', booking.id, booking.version)
    expect(results.reduce((n, r) => n + r.sent, 0)).toBe(2)
    expect(again.sent).toBe(0)
    await new Promise((r) => setTimeout(r, 300))
    expect(sink.messages.length - before).toBe(2)
  })

  it('skips a message whose booking has moved on (stale version)', async () => {
    const host = await createHost(app)
    const mt = await createMeetingType(app, host)
    const booking = await book(app, mt, '2027-03-05T10:00:00-05:00')
    const deps = notificationDeps(db, queue, pipeline.mailer)
    expect(await sendBookingEmails(deps, 'reminder-1h', booking.id, booking.version + 1)).toEqual({
      sent: 0,
      skipped: 'stale',
    })
    expect(await sendBookingEmails(deps, 'cancellation', booking.id, booking.version)).toEqual({
      sent: 0,
      skipped: 'stale',
    })
  })
})
