import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Booking, CreateBookingReply } from '@slotkit/core/api'
import type { FastifyInstance } from 'fastify'
import ICAL from 'ical.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../src/db/database'
import { eventIdOf } from '../../src/integrations/calendar/calendar-writer'
import { sendBookingEmails } from '../../src/jobs/send-booking-email'
import { type GoogleFake, startGoogleFake } from '../fakes/google-fake'
import { bearer, bookingBody, createHost, createMeetingType } from '../helpers'
import { notificationDeps, smtpMailer } from '../notifications/harness'
import { calendarPartOf, parseMail, type ReceivedMail, SmtpSink } from '../notifications/smtp-sink'
import { connectGoogle, dropSchema, openDb, startGoogleApp, testClock, until } from './harness'
import { bookingAsHost, makeDue, queueJobs, untilSync } from './harness-write'

const WRITE = 'calendar.write-event'
let fake: GoogleFake
let db: Db
let app: FastifyInstance
const sink = new SmtpSink()
const schema = `pgboss_meet${Date.now().toString(36)}`
let receiver: Server
let receiverUrl = ''
const deliveries: { type: string; data: { booking: Booking } }[] = []

function invite(ics: string) {
  const calendar = new ICAL.Component(ICAL.parse(ics))
  const event = calendar.getFirstSubcomponent('vevent')!
  return {
    method: calendar.getFirstPropertyValue('method'),
    uid: event.getFirstPropertyValue('uid'),
    sequence: Number(event.getFirstPropertyValue('sequence')),
    location: event.getFirstPropertyValue('location'),
    url: event.getFirstPropertyValue('url'),
  }
}

beforeAll(async () => {
  fake = await startGoogleFake()
  db = openDb()
  await sink.start()
  receiver = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk: Buffer) => (body += chunk.toString()))
    request.on('end', () => {
      deliveries.push(JSON.parse(body))
      response.writeHead(200)
      response.end()
    })
  })
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`
  app = await startGoogleApp({
    fake,
    clock: testClock(),
    workers: true,
    queueSchema: schema,
    mailer: smtpMailer(sink.url),
    breaker: { threshold: 100 },
  })
})

afterAll(async () => {
  await app.close()
  await dropSchema(db, schema)
  await sink.stop()
  await new Promise((resolve) => receiver.close(resolve))
  await fake.close()
  await db.destroy()
})

describe('a Google Meet link, from the write-back to everyone who shows it', () => {
  it('reaches the API, the invitee by e-mail (with an updated invite), the reminders and the webhooks', async () => {
    const account = `meet-${Date.now()}@example.com`
    fake.addAccount(account)
    const host = await createHost(app, 'UTC')
    await connectGoogle(app, fake, host, account)
    const mt = await createMeetingType(app, host, {
      name: 'Design review',
      location: { type: 'google_meet' },
    })
    const hook = await app.inject({
      method: 'POST',
      url: '/api/webhooks',
      headers: bearer(host.apiKey),
      payload: {
        user_id: host.id,
        url: receiverUrl,
        events: ['booking.created', 'booking.updated'],
      },
    })
    expect(hook.statusCode).toBe(201)
    const hostEmail = (
      await app.inject({ url: `/api/users/${host.id}`, headers: bearer(host.apiKey) })
    ).json().email as string

    // Google is down when the booking is made, so the confirmation surely goes
    // out before the link exists.
    fake.failNext('events.insert', 1, { status: 503 })
    const res = await app.inject({
      method: 'POST',
      url: '/api/bookings',
      payload: bookingBody(mt, '2027-03-02T10:00:00Z', { invitee_email: 'grace@example.com' }),
    })
    expect(res.statusCode).toBe(201)
    const booked: CreateBookingReply = res.json()
    expect(booked).toMatchObject({ location: { type: 'google_meet' }, meeting_url: null })
    await until(
      () => sink.to('grace@example.com').length === 1 && sink.to(hostEmail).length === 1,
      'both confirmations',
    )
    const confirmation = await parseMail(sink.to('grace@example.com')[0]!)
    expect(confirmation.text).toContain(
      'Where: Google Meet (the link follows in a separate e-mail)',
    )
    const hostConfirmation = await parseMail(sink.to(hostEmail)[0]!)
    expect(hostConfirmation.text).toContain('Where: Google Meet\n')
    const first = invite(await calendarPartOf(sink.to('grace@example.com')[0]!))
    expect(first).toMatchObject({ method: 'REQUEST', sequence: 0, location: null })
    expect(first.url).toBe(booked.reschedule_url)

    // Google is back: the write-back makes the Meet link.
    await untilSync(app, host, booked.id, (s) => s.attempts === 1, 'the failed try')
    await makeDue(db, schema, WRITE)
    const synced = await untilSync(app, host, booked.id, (s) => s.state === 'synced', 'written')
    const link = fake.event(account, account, eventIdOf(booked.id))?.hangoutLink
    expect(link).toMatch(/^https:\/\/meet\.google\.com\//)
    // The API (host and invitee views).
    expect(synced.meeting_url).toBe(link)
    const token = new URL(booked.cancel_url).searchParams.get('token')
    const asInvitee = await app.inject({ url: `/api/bookings/${booked.id}?token=${token}` })
    expect(asInvitee.json()).toMatchObject({ meeting_url: link, location: { type: 'google_meet' } })

    // The invitee's e-mail with the link and an updated invite; nothing for the host.
    await until(() => sink.to('grace@example.com').length === 2, 'the meeting-link e-mail')
    const linkMail: ReceivedMail = sink.to('grace@example.com')[1]!
    const parsed = await parseMail(linkMail)
    // The invitee reads their own zone (Europe/London: GMT in March).
    expect(parsed.subject).toBe(
      'Video link: Design review with Test Host on Tuesday, March 2, 2027 at 10:00 AM GMT',
    )
    expect(parsed.text).toContain(`Where: Google Meet: ${link}`)
    expect(parsed.html).toContain(`<a href="${link}"`)
    const second = invite(await calendarPartOf(linkMail))
    expect(second).toEqual({
      method: 'REQUEST',
      uid: first.uid,
      sequence: 1,
      location: link,
      url: link,
    })

    // The webhooks: created without the link (it did not exist), updated with it.
    await until(() => deliveries.length === 2, 'two webhook deliveries')
    const created = deliveries.find((d) => d.type === 'booking.created')!
    const updated = deliveries.find((d) => d.type === 'booking.updated')!
    expect(created.data.booking).toMatchObject({ id: booked.id, meeting_url: null })
    expect(updated.data.booking).toMatchObject({
      id: booked.id,
      meeting_url: link,
      location: { type: 'google_meet' },
      calendar_sync: { state: 'synced' },
    })
    // The wire of a webhook never carries the invitee's links.
    expect(updated.data.booking.cancel_url).toBeUndefined()

    // A reminder shows the link.
    const before = sink.messages.length
    const deps = notificationDeps(db, app.slotkitJobs!, smtpMailer(sink.url))
    const sent = await sendBookingEmails(deps, 'reminder-1h', booked.id, 1)
    expect(sent.sent).toBe(2)
    await sink.waitFor(before + 2)
    for (const mail of sink.messages.slice(before)) {
      expect((await parseMail(mail)).text).toContain(`Where: Google Meet: ${link}`)
    }
    await deps.mailer.close()
    // Nothing more went to the invitee about the link, and the job ran once.
    expect(sink.to('grace@example.com').filter((m) => m.raw.includes('Video link'))).toHaveLength(1)
  })

  it('a confirmation sent once the link exists carries it, and no separate link e-mail follows', async () => {
    const account = `meet2-${Date.now()}@example.com`
    fake.addAccount(account)
    const host = await createHost(app, 'UTC')
    await connectGoogle(app, fake, host, account)
    const mt = await createMeetingType(app, host, { location: { type: 'google_meet' } })
    const booked: CreateBookingReply = (
      await app.inject({
        method: 'POST',
        url: '/api/bookings',
        payload: bookingBody(mt, '2027-03-03T10:00:00Z', { invitee_email: 'ada@example.com' }),
      })
    ).json()
    const synced = await untilSync(app, host, booked.id, (s) => s.state === 'synced', 'written')
    // The confirmation and the link e-mail (queued when the link was stored) both
    // done; a link e-mail that ran before the confirmation waits for it (made due here).
    await until(async () => {
      await makeDue(db, schema, 'booking.send-email')
      const mails = (await queueJobs(db, schema, 'booking.send-email')).filter(
        (j) => j.data.bookingId === booked.id,
      )
      return mails.length >= 2 && mails.every((j) => j.state === 'completed')
    }, 'the e-mail jobs')
    // Whichever ran first, the invitee got the link in exactly one message: the
    // confirmation when it was sent after the write, else the link e-mail.
    const toInvitee = await Promise.all(sink.to('ada@example.com').map(parseMail))
    const carrying = toInvitee.filter((m) => m.text?.includes(`Google Meet: ${synced.meeting_url}`))
    expect(carrying).toHaveLength(1)
    // Running either again sends nothing.
    const deps = notificationDeps(db, app.slotkitJobs!, smtpMailer(sink.url))
    const again = await sendBookingEmails(deps, 'confirmation', booked.id, 1)
    const link = await sendBookingEmails(deps, 'meeting-link', booked.id, 1)
    await deps.mailer.close()
    expect(again.sent + link.sent).toBe(0)
    expect((await bookingAsHost(app, host, booked.id)).meeting_url).toBe(synced.meeting_url)
  })
})
