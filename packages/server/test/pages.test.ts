import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp } from './helpers'

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

  it('escapes what it echoes from the URL', async () => {
    const res = await app.inject({
      url: `/bookings/x/cancel?token=${encodeURIComponent('"><script>alert(1)</script>')}`,
    })
    expect(res.statusCode).toBe(200)
    expect(res.body).not.toContain('<script>alert(1)</script>')
    expect(res.body).toContain('token="&#34;&#62;&#60;script&#62;')
  })
})
