import type { FastifyInstance } from 'fastify'
import ICAL from 'ical.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { admin, createHost, createMeetingType, createTestApp } from '../helpers'
import { book, enqueueAfter, type MailPipeline, startMailPipeline } from './harness'
import { calendarPartOf, parseMail } from './smtp-sink'

const NOW = Date.parse('2027-03-01T12:00:00Z')

function inviteSummary(ics: string): string {
  const event = new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent('vevent')
  return String(event?.getFirstPropertyValue('summary'))
}

// The invitee's e-mails speak the locale stored with their booking (the widget
// sends its own); the host's stay in the server's language (English here).
describe('booking e-mails in the invitee’s language, over real SMTP', () => {
  let app: FastifyInstance
  let pipeline: MailPipeline

  beforeAll(async () => {
    pipeline = await startMailPipeline()
    app = await createTestApp()
  })
  afterAll(async () => {
    await app.close()
    await pipeline.stop()
  })

  /** Books at 2027-03-02 19:00Z with `extra`, sends the confirmation, returns both messages. */
  async function confirmation(extra: Record<string, unknown>, start = '2027-03-02T14:00:00-05:00') {
    const host = await createHost(app, 'America/New_York')
    const mt = await createMeetingType(app, host, { name: 'Intro call' })
    const { sink, db, queue } = pipeline
    const before = sink.messages.length
    const booking = await book(app, mt, start, { invitee_timezone: 'Europe/Paris', ...extra })
    await enqueueAfter(db, queue, 'created', booking, { now: NOW })
    await sink.waitFor(before + 2)
    const hostUser = await app.inject({ url: `/api/users/${host.id}`, headers: admin })
    const hostEmail = (hostUser.json() as { email: string }).email
    const [toInvitee] = sink.to(booking.invitee_email as string)
    const [toHost] = sink.to(hostEmail)
    return { booking, toInvitee: toInvitee!, toHost: toHost! }
  }

  it('sends a French confirmation to an invitee who booked in French, and English to the host', async () => {
    const { booking, toInvitee, toHost } = await confirmation({ locale: 'fr' })
    const invitee = await parseMail(toInvitee)
    expect(invitee.subject).toBe(
      'Confirmé\u00a0: Intro call avec Test Host le mardi 2 mars 2027 à 20:00 UTC+1',
    )
    expect(invitee.text).toContain(
      'Votre rendez-vous est réservé\u00a0: Intro call avec Test Host.',
    )
    expect(invitee.text).toContain('Pour vous (Paris)\u00a0: mardi 2 mars 2027 à 20:00 UTC+1')
    expect(invitee.text).toContain("Pour l'organisateur (New York)\u00a0: mardi 2 mars 2027")
    expect(invitee.text).toContain('Durée\u00a0: 30 minutes')
    expect(invitee.text).toContain(`Annuler\u00a0: ${booking.cancel_url}`)
    expect(invitee.text).toContain('Envoyé par Slotkit')
    expect(invitee.html).toContain('<html lang="fr" dir="ltr">')
    expect(invitee.text).not.toMatch(/\b(Cancel|Reschedule|Duration|Sent by)\b/)
    expect(inviteSummary(await calendarPartOf(toInvitee))).toBe(
      'Intro call\u00a0: Test Host et Ada Lovelace',
    )

    const host = await parseMail(toHost)
    expect(host.subject).toBe(
      'New booking: Intro call with Ada Lovelace on Tuesday, March 2, 2027 at 2:00 PM EST',
    )
    expect(host.html).toContain('<html lang="en-US" dir="ltr">')
    expect(inviteSummary(await calendarPartOf(toHost))).toBe(
      'Intro call: Test Host and Ada Lovelace',
    )
  })

  it('falls back to English for a locale Slotkit has no translation of', async () => {
    const { toInvitee } = await confirmation({ locale: 'ko-KR' }, '2027-03-02T15:00:00-05:00')
    const invitee = await parseMail(toInvitee)
    expect(invitee.subject).toBe(
      'Confirmed: Intro call with Test Host on Tuesday, March 2, 2027 at 9:00 PM GMT+1',
    )
    expect(invitee.html).toContain('<html lang="en-US" dir="ltr">')
  })

  it('writes Arabic right to left, and Portugal’s Portuguese for pt-PT', async () => {
    const arabic = await parseMail(
      (await confirmation({ locale: 'ar-EG' }, '2027-03-02T10:00:00-05:00')).toInvitee,
    )
    expect(arabic.subject).toMatch(/^تم التأكيد: Intro call مع Test Host يوم /)
    expect(arabic.html).toContain('<html lang="ar-EG" dir="rtl">')
    expect(arabic.html).toContain('<td dir="auto">Test Host &#60;')

    const portugal = await parseMail(
      (await confirmation({ locale: 'pt-PT' }, '2027-03-02T11:00:00-05:00')).toInvitee,
    )
    expect(portugal.text).toContain('A sua reunião está marcada: Intro call com Test Host.')
    expect(portugal.text).toContain('Remarcar: ')
    const brazil = await parseMail(
      (await confirmation({ locale: 'pt-BR' }, '2027-03-02T12:00:00-05:00')).toInvitee,
    )
    expect(brazil.text).toContain('Sua reunião está agendada: Intro call com Test Host.')
    expect(brazil.text).toContain('Reagendar: ')
  })

  it('keeps the language for the cancellation, and for a rescheduled booking', async () => {
    const { sink, db, queue } = pipeline
    const host = await createHost(app, 'America/New_York')
    const mt = await createMeetingType(app, host, { name: 'Sync' })
    const booking = await book(app, mt, '2027-03-03T13:00:00-05:00', {
      invitee_timezone: 'Asia/Tokyo',
      locale: 'ja-JP',
    })
    const inviteeEmail = booking.invitee_email as string
    const token = new URL(booking.cancel_url as string).searchParams.get('token')
    const moved = await app.inject({
      method: 'POST',
      url: `/api/bookings/${booking.id}/reschedule?token=${token}`,
      payload: { start_time: '2027-03-04T13:00:00-05:00' },
    })
    expect(moved.statusCode, moved.body).toBe(200)
    let before = sink.messages.length
    await enqueueAfter(db, queue, 'rescheduled', moved.json(), { now: NOW })
    await sink.waitFor(before + 2)
    const rescheduled = await parseMail(sink.to(inviteeEmail).at(-1)!)
    expect(rescheduled.subject).toBe(
      '日時変更：Test HostさんとのSync（新しい日時：2027年3月5日金曜日 03:00 JST）',
    )
    expect(rescheduled.text).toContain('変更前の日時：')

    // The new booking has links (and a token) of its own.
    const newToken = new URL(moved.json().cancel_url).searchParams.get('token')
    const cancelled = await app.inject({
      method: 'POST',
      url: `/api/bookings/${moved.json().id}/cancel?token=${newToken}`,
      payload: { reason: '都合が悪くなりました' },
    })
    expect(cancelled.statusCode, cancelled.body).toBe(200)
    before = sink.messages.length
    await enqueueAfter(db, queue, 'cancelled', cancelled.json(), { now: NOW })
    await sink.waitFor(before + 2)
    const cancellation = await parseMail(sink.to(inviteeEmail).at(-1)!)
    expect(cancellation.subject).toBe(
      'キャンセル：Test HostさんとのSync（2027年3月5日金曜日 03:00 JST）',
    )
    expect(cancellation.text).toContain('理由：都合が悪くなりました')
    expect(cancellation.text).toContain('もう一度予約する：http://slotkit.test/book/')
  })
})
