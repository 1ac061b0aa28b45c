import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_HOST_EMAIL } from '../src/db/seed-demo'
import { admin, bookingBody, createHost, createMeetingType, createTestApp } from './helpers'

// The pages behind the demo link, cancel_url and reschedule_url are
// <schedule-widget> on a plain page, with the bundle served by this server.
describe('widget pages', () => {
  let app: FastifyInstance
  beforeAll(async () => {
    app = await createTestApp()
  })
  afterAll(async () => app.close())

  it('serves the widget bundle as JavaScript', async () => {
    // `npm test` builds every package first, so the bundle exists here.
    const res = await app.inject({ url: '/widget/schedule-widget.js' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toContain('text/javascript')
    expect(res.body).toContain('schedule-widget')
    // Lit's license notices live beside it, where its last comment points.
    const named = /For license information please see (\S+) \*\//.exec(res.body)?.[1]
    expect(named).toBe('schedule-widget.bundle.js.LEGAL.txt')
    const notices = await app.inject({ url: `/widget/${named}` })
    expect(notices.statusCode).toBe(200)
    expect(notices.headers['content-type']).toBe('text/plain; charset=utf-8')
    expect(notices.body).toContain('SPDX-License-Identifier: BSD-3-Clause')
  })

  it("serves the bundle's language modules next to it, cross-origin, as JavaScript", async () => {
    // The bundle imports ./i18n/<tag>.js relative to its own URL, from any page's origin.
    const res = await app.inject({
      url: '/widget/i18n/fr.js',
      headers: { origin: 'https://shop.example.fr' },
    })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8')
    expect(res.headers['cache-control']).toBe('public, max-age=300')
    expect(res.headers['access-control-allow-origin']).toBe('*')
    expect(res.body).toContain('Choisissez une heure')
    const bundle = await app.inject({
      url: '/widget/schedule-widget.js',
      headers: { origin: 'https://shop.example.fr' },
    })
    expect(bundle.headers['access-control-allow-origin']).toBe('*')
    for (const tag of ['pt-PT', 'zh-Hans', 'ar', 'ja']) {
      const module = await app.inject({ url: `/widget/i18n/${tag}.js` })
      expect(module.statusCode, tag).toBe(200)
    }
  })

  it.each([
    ['a language without a module', 'ko.js'],
    ['English, which is built into the bundle', 'en.js'],
    ['a path out of the folder', '..%2Fschedule-widget.bundle.js'],
    ['a name without .js', 'fr'],
  ])('answers 404 for %s', async (_case, file) => {
    const res = await app.inject({ url: `/widget/i18n/${file}` })
    expect(res.statusCode).toBe(404)
    expect(res.headers['content-type']).toContain('text/javascript')
  })

  it('puts the meeting type on the booking page and loads the bundle', async () => {
    const id = '6f1c9a52-2a4b-4a56-9f0e-0d2f1e5a7b3c'
    const res = await app.inject({ url: `/book/${id}` })
    expect(res.statusCode).toBe(200)
    expect(res.body).toContain(`<schedule-widget base-url="/" meeting-type="${id}">`)
    expect(res.body).toContain('<script type="module" src="/widget/schedule-widget.js">')
  })

  it('gives the cancel and reschedule pages the mode, booking id and token', async () => {
    const id = '0b8e2f6c-3d1a-4c5e-8f7b-9a0d1c2e3f4a'
    const cancel = await app.inject({ url: `/bookings/${id}/cancel?token=abc123` })
    expect(cancel.body).toContain(`mode="cancel" booking-id="${id}" token="abc123"`)
    const reschedule = await app.inject({ url: `/bookings/${id}/reschedule?token=abc123` })
    expect(reschedule.body).toContain(`mode="reschedule" booking-id="${id}" token="abc123"`)
  })

  it("writes the booking page in the visitor's language (Accept-Language), the widget inheriting it", async () => {
    const id = '6f1c9a52-2a4b-4a56-9f0e-0d2f1e5a7b3c'
    const french = await app.inject({
      url: `/book/${id}`,
      headers: { 'accept-language': 'fr-CH, fr;q=0.9, en;q=0.8' },
    })
    expect(french.body).toContain('<html lang="fr-CH" dir="ltr">')
    expect(french.body).toContain('<title>Prendre rendez-vous</title>')
    expect(french.body).toContain(
      '<noscript>La réservation nécessite JavaScript. L&#39;API est documentée sur <a href="/docs">/docs</a>.</noscript>',
    )
    const arabic = await app.inject({ url: `/book/${id}`, headers: { 'accept-language': 'ar' } })
    expect(arabic.body).toContain('<html lang="ar" dir="rtl">')
    expect(arabic.body).toContain('<title>حجز اجتماع</title>')
    const none = await app.inject({ url: `/book/${id}`, headers: { 'accept-language': 'ko' } })
    expect(none.body).toContain('<html lang="en-US" dir="ltr">')
    expect(none.body).toContain('<title>Book a meeting</title>')
  })

  it("writes the invitee's pages in the language stored with the booking, when the token opens it", async () => {
    const host = await createHost(app)
    const mt = await createMeetingType(app, host)
    const created = await app.inject({
      method: 'POST',
      url: '/api/bookings',
      payload: bookingBody(mt, '2027-03-02T14:00:00Z', { locale: 'de-AT' }),
    })
    expect(created.statusCode, created.body).toBe(201)
    const booking = created.json()
    const path = (url: string) => new URL(url).pathname + new URL(url).search
    const cancel = await app.inject({
      url: path(booking.cancel_url),
      headers: { 'accept-language': 'fr' },
    })
    expect(cancel.body).toContain('<html lang="de-AT" dir="ltr">')
    expect(cancel.body).toContain('<title>Termin absagen</title>')
    const reschedule = await app.inject({ url: path(booking.reschedule_url) })
    expect(reschedule.body).toContain('<title>Termin verschieben</title>')
    // A wrong token learns nothing of the booking: the browser's language, or English.
    const guessed = await app.inject({
      url: `/bookings/${booking.id}/cancel?token=wrong`,
      headers: { 'accept-language': 'fr' },
    })
    expect(guessed.body).toContain('<html lang="fr" dir="ltr">')
    const plain = await app.inject({ url: `/bookings/${booking.id}/cancel?token=wrong` })
    expect(plain.body).toContain('<title>Cancel your booking</title>')
  })

  it("gives the start page's demo widget the visitor's language; the page itself stays English", async () => {
    const demo = await app.inject({
      method: 'POST',
      url: '/api/users',
      headers: admin,
      payload: { email: DEMO_HOST_EMAIL, name: 'Demo Host', time_zone: 'America/New_York' },
    })
    expect(demo.statusCode, demo.body).toBe(201)
    const mt = await createMeetingType(
      app,
      { id: demo.json().id, apiKey: demo.json().api_key, timeZone: 'America/New_York' },
      {
        duration_minutes: 30,
      },
    )
    const res = await app.inject({ url: '/', headers: { 'accept-language': 'ko, ja;q=0.8' } })
    expect(res.body).toContain('<html lang="en" dir="ltr">')
    expect(res.body).toContain(`<schedule-widget base-url="/" meeting-type="${mt}" lang="ja">`)
    const plain = await app.inject({ url: '/' })
    expect(plain.body).toContain(`<schedule-widget base-url="/" meeting-type="${mt}">`)
  })

  it('escapes what it echoes from the URL', async () => {
    const res = await app.inject({
      url: `/bookings/x/cancel?token=${encodeURIComponent('"><script>alert(1)</script>')}`,
    })
    expect(res.statusCode).toBe(200)
    expect(res.body).not.toContain('<script>alert(1)</script>')
    expect(res.body).toContain('token="&#34;&#62;&#60;script&#62;')
  })
})
